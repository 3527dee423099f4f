// The server's Prometheus metrics (GET /metrics, server/OPERATING.md "Metrics" lists each): one
// prom-client registry per server instance, so several servers in one process (tests) never mix.
// Request, mutation, sync and auth counters move as responses end (request-log.ts); gauges are read
// from their owners at scrape time; the fan-out queue reports delivery latency through `fanout`.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FieldOutcome, GraphqlFacts } from './request-id.js';

/** What the real-time endpoint and the storage report at scrape time. */
export interface MetricSources {
  readonly realtime?: { readonly connectionCount: number; readonly subscriptionCount: number; readonly queuedEvents: number; readonly deliveredFrames: number };
  /** Change-log entries held (all models). */
  readonly changeLogSize?: () => Promise<number>;
  /** Requests waiting for a database connection (PostgreSQL pool `waitingCount`); absent on SQLite. */
  readonly poolWaiting?: () => number;
  /** Conflict strategy of a model (FIELD_MERGE, AUTOMERGE, OPTIMISTIC_CONCURRENCY, CUSTOM). */
  readonly strategyOf?: (model: string) => string;
}

/** How the fan-out queue reports into the metrics (issue 16's queue calls these). */
export interface FanoutMetrics {
  /** `latencyMs` from a change's commit to its frames written, for `subscribers` subscriptions. */
  delivered(latencyMs: number, subscribers?: number): void;
}

const MUTATION_PREFIXES = ['create', 'update', 'delete'] as const;

/** The mutation result label of a root field's outcome. */
export function mutationResult(errorType: string | null): string {
  if (errorType === null) return 'accepted';
  if (errorType === 'ConflictUnhandled') return 'conflict';
  if (errorType === 'ConditionalCheckFailedException') return 'condition_failed';
  if (errorType === 'Unauthorized' || errorType === 'UnauthorizedException') return 'unauthorized';
  return 'error';
}

/** The model a root mutation or sync field acts on (`createSite` → Site, `syncSites` → Sites' model is given by `models`). */
function modelOfField(field: string, models: readonly string[]): string | null {
  for (const prefix of MUTATION_PREFIXES) if (field.startsWith(prefix) && models.includes(field.slice(prefix.length))) return field.slice(prefix.length);
  if (field.startsWith('sync')) return models.find((m) => field === `sync${m}s` || field === `sync${m}es` || field.startsWith(`sync${m}`)) ?? null;
  return null;
}

/** Every metric of one server. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'outpost_http_requests_total',
    help: 'HTTP requests by route (graphql, auth, attachments, health, metrics, other), GraphQL operation type and outcome (ok, client_error, server_error)',
    labelNames: ['route', 'operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'outpost_http_request_duration_seconds',
    help: 'HTTP request duration by route and GraphQL operation type',
    labelNames: ['route', 'operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly mutations = new Counter({
    name: 'outpost_mutations_total',
    help: 'Mutation root fields by model, conflict strategy and result (accepted, conflict, condition_failed, unauthorized, error)',
    labelNames: ['model', 'strategy', 'result'],
    registers: [this.registry],
  });
  private readonly syncPages = new Counter({
    name: 'outpost_sync_pages_total',
    help: 'Sync query pages served, by model',
    labelNames: ['model'],
    registers: [this.registry],
  });
  private readonly syncRecords = new Counter({
    name: 'outpost_sync_records_total',
    help: 'Records served in sync query pages, by model',
    labelNames: ['model'],
    registers: [this.registry],
  });
  private readonly authFailures = new Counter({
    name: 'outpost_auth_failures_total',
    help: 'Requests refused authentication (HTTP 401), by route',
    labelNames: ['route'],
    registers: [this.registry],
  });
  private readonly delivery = new Histogram({
    name: 'outpost_fanout_delivery_seconds',
    help: 'Real-time fan-out: time from a change being queued to its frames written',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  /** The fan-out queue's reporting interface. */
  readonly fanout: FanoutMetrics = {
    delivered: (latencyMs) => this.delivery.observe(latencyMs / 1000),
  };

  constructor(
    private readonly models: readonly string[],
    sources: MetricSources,
  ) {
    const gauge = (name: string, help: string, read: () => number | Promise<number>): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(await read());
        },
      });
    };
    const realtime = sources.realtime;
    if (realtime !== undefined) {
      gauge('outpost_realtime_connections', 'Open real-time WebSocket connections', () => realtime.connectionCount);
      gauge('outpost_realtime_subscriptions', 'Registered real-time subscriptions', () => realtime.subscriptionCount);
      gauge('outpost_fanout_queue_length', 'Committed changes not yet delivered to every subscriber', () => realtime.queuedEvents);
      gauge('outpost_fanout_frames_delivered', 'Real-time data frames written since start (a counter read from the endpoint)', () => realtime.deliveredFrames);
    }
    if (sources.changeLogSize !== undefined)
      gauge('outpost_change_log_entries', 'Change-log entries held (all models), read at scrape time', sources.changeLogSize);
    if (sources.poolWaiting !== undefined) gauge('outpost_db_pool_waiting', 'Requests waiting for a PostgreSQL connection', sources.poolWaiting);
    this.strategyOf = sources.strategyOf ?? (() => 'unknown');
  }

  private readonly strategyOf: (model: string) => string;

  /** Records one finished request. */
  request(route: string, status: number, seconds: number, graphql: GraphqlFacts | undefined): void {
    const operation = graphql?.operationType ?? 'none';
    const outcome = status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'ok';
    this.requests.inc({ route, operation, outcome });
    this.latency.observe({ route, operation }, seconds);
    if (status === 401) this.authFailures.inc({ route });
    if (graphql !== undefined) for (const field of graphql.fields) this.field(graphql.operationType, field);
  }

  private field(operationType: GraphqlFacts['operationType'], outcome: FieldOutcome): void {
    const model = modelOfField(outcome.field, this.models);
    if (model === null) return;
    if (operationType === 'mutation') {
      this.mutations.inc({ model, strategy: this.strategyOf(model), result: mutationResult(outcome.errorType) });
    } else if (outcome.items !== undefined) {
      this.syncPages.inc({ model });
      this.syncRecords.inc({ model }, outcome.items);
    }
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
