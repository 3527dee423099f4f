// `startServer`: the whole sync server in one call — storage, schema migration, auth, GraphQL over
// HTTP(S), the attachment endpoint, the real-time WebSocket endpoint, the change bus and the
// periodic purge and blob retention sweep. Used by the CLI
// (`start`), tests and the sync worker's tests.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSchema } from '../common/schema/parse-schema.js';
import type { Schema } from '../common/schema/types.js';
import { mountAttachments, type MountedAttachments } from './attachments/attachment-mount.js';
import type { SweepResult } from './attachments/attachment-retention.js';
import { createAuthenticator, type Authenticate } from './auth/authenticate.js';
import { createAuthRoutes } from './auth/auth-routes.js';
import { openAuthStore, type AuthStore } from './auth/auth-store.js';
import type { ExternalIssuerConfig } from './auth/external-issuers.js';
import type { TokenSettings } from './auth/access-tokens.js';
import { resolveAttachmentSettings, type AttachmentOptions } from './config/attachment-settings.js';
import type { ConfiguredStrategy } from './config/server-config.js';
import { loadStrategyTable } from './config/strategy-table.js';
import { buildExecutableSchema } from './graphql/executable-schema.js';
import { AdmissionGate, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './http/admission.js';
import { DEFAULT_QUERY_LIMITS } from './http/query-limits.js';
import { createOutpostHttpServer } from './http/http-server.js';
import type { ChangeBus } from './realtime/change-event.js';
import { MemoryChangeBus } from './realtime/memory-change-bus.js';
import { PostgresChangeBus } from './realtime/postgres-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from './realtime/realtime-handler.js';
import { DEFAULT_RESOLVER_SETTINGS, type ResolverSettings, type ServerServices } from './resolvers/resolver-context.js';
import { DEFAULT_DATABASE, openStorage, type PoolOptions } from './storage/open-storage.js';
import type { Storage } from './storage/storage.js';
import { prepareDatabase } from './ops/storage-version.js';
import { restoredAt } from './ops/restore-marker.js';
import { silentLog, type Logger } from './observability/server-log.js';
import { healthRoutes } from './ops/health.js';
import { ServerLifecycle, type DrainResult } from './ops/shutdown.js';
import { ServerMetrics } from './observability/metrics.js';
import { metricsRoute, observeRequests } from './observability/request-log.js';
import { changeLogSize } from './ops/change-log-size.js';

export interface StartServerOptions {
  /** The app schema: parsed, or SDL text. */
  readonly schema: Schema | string;
  /** `sqlite:PATH` or `postgres://…`; default `sqlite:.outpost/server.db`. */
  readonly database?: string;
  /** TCP port; 0 picks a free one; default 4000. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** PEM certificate and key: serve HTTPS and WSS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Default conflict strategy; default FIELD_MERGE. */
  readonly conflictHandler?: ConfiguredStrategy;
  /** Per-model strategies. */
  readonly models?: Readonly<Record<string, { readonly conflictHandler: ConfiguredStrategy }>>;
  /** Directory custom resolver paths are relative to; default the working directory. */
  readonly configDir?: string;
  /** Change-log and tombstone retention (ms) and purge period (ms; default 1 h). */
  readonly retention?: { readonly changeLogMs?: number; readonly tombstoneMs?: number; readonly purgeIntervalMs?: number };
  readonly limits?: {
    readonly maxBodyBytes?: number;
    readonly maxDepth?: number;
    readonly maxCost?: number;
    readonly maxTokens?: number;
    readonly defaultPageSize?: number;
    readonly maxPageSize?: number;
    /** Largest item a create/update may produce, UTF-8 bytes; default 409 600. */
    readonly maxItemBytes?: number;
    /** GraphQL requests executing at once per process; default 64. More wait in the queue. */
    readonly maxActiveRequests?: number;
    /** GraphQL requests waiting for a turn; default 32. More are answered 503 with Retry-After. */
    readonly maxQueuedRequests?: number;
    /** Longest wait for a turn, ms; default 500; then 503 with Retry-After. */
    readonly queueWaitMs?: number;
    /** Retry-After of an overload answer, seconds; default 1. */
    readonly retryAfterSeconds?: number;
    /** PostgreSQL connections per process; default 10. */
    readonly poolSize?: number;
    /** Longest wait for a PostgreSQL connection, ms; default 2000; then 503 with Retry-After. */
    readonly poolWaitMs?: number;
  };
  readonly auth?: {
    readonly apiKeys?: boolean;
    readonly tokens?: Partial<TokenSettings>;
    readonly issuers?: readonly ExternalIssuerConfig[];
  };
  /** The attachment endpoint `/attachments/` (mounted when the schema declares attachment fields); on by default. */
  readonly attachments?: AttachmentOptions;
  /** The real-time endpoint's connection limit and per-connection unsent-bytes bound (defaults in realtime-handler.ts: 10 000, 16 MiB). */
  readonly realtime?: { readonly maxConnections?: number; readonly maxBufferedBytes?: number };
  /** Apply destructive schema changes on start (drops data); default false (start refuses). */
  readonly forceMigration?: boolean;
  /** Where unexpected failures go; default stderr. */
  readonly reportError?: (error: unknown) => void;
  /** Structured log (server/observability/server-log.ts); default silent. */
  readonly logger?: Logger;
  /** GET /metrics answers only `Authorization: Bearer <token>`; without a token it is refused (401). */
  readonly metrics?: { readonly token?: string };
}

/** A running server. */
export interface RunningServer {
  /** `http(s)://host:port/graphql`. */
  readonly url: string;
  /** `ws(s)://host:port/graphql/realtime`. */
  readonly realtimeUrl: string;
  readonly port: number;
  readonly schema: Schema;
  /** Accounts and API keys (the CLI and tests create users and keys through it). */
  readonly authStore: AuthStore;
  readonly storage: Storage;
  /** `http(s)://host:port/attachments/` when the attachment endpoint is mounted, else null. */
  readonly attachmentsUrl: string | null;
  /** Runs the retention purge now. */
  purge(): Promise<{ tombstones: number; changes: number }>;
  /** Runs the attachment retention sweep now (`now` default the clock); null when no endpoint is mounted. */
  sweepAttachments(now?: Date): Promise<SweepResult | null>;
  /** Stops accepting, closes sockets, the bus and the database. */
  close(): Promise<void>;
  /** SIGTERM's stop: readiness 503, stop accepting, up to `graceMs` (default 10 000) for requests in flight, then `close` (sockets 1001: clients reconnect). */
  drain(graceMs?: number): Promise<DrainResult>;
  /** The Prometheus metrics (GET /metrics); the fan-out queue reports delivery latency into `metrics.fanout`. */
  readonly metrics: ServerMetrics;
}

const MINUTE = 60_000;
/** Connections the kernel may hold waiting for accept (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

type ReportError = (error: unknown) => void;

/** Shutdown steps, run once in reverse order of registration; a failing step is reported, the rest still run. */
class ShutdownSteps {
  private readonly steps: Array<() => Promise<void>> = [];

  constructor(private readonly reportError: ReportError) {}

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        this.reportError(error);
      }
    }
  }
}

/** Resolver settings from the options; tombstones are kept at least as long as the change log. */
function resolverSettings(options: StartServerOptions): ResolverSettings {
  const changeLogMs = options.retention?.changeLogMs ?? DEFAULT_RESOLVER_SETTINGS.changeLogRetentionMs;
  return {
    changeLogRetentionMs: changeLogMs,
    tombstoneRetentionMs: options.retention?.tombstoneMs ?? Math.max(DEFAULT_RESOLVER_SETTINGS.tombstoneRetentionMs, changeLogMs),
    defaultPageSize: options.limits?.defaultPageSize ?? DEFAULT_RESOLVER_SETTINGS.defaultPageSize,
    maxPageSize: options.limits?.maxPageSize ?? DEFAULT_RESOLVER_SETTINGS.maxPageSize,
    maxItemBytes: options.limits?.maxItemBytes ?? DEFAULT_RESOLVER_SETTINGS.maxItemBytes,
  };
}

/** LISTEN/NOTIFY on PostgreSQL (every server process sees every commit), in-process otherwise. */
async function openChangeBus(storage: Storage, database: string, reportError: ReportError): Promise<ChangeBus> {
  return storage.engine.changeBus === 'listen-notify'
    ? PostgresChangeBus.create({ connectionString: database, reportError })
    : new MemoryChangeBus(reportError);
}

function authenticatorFor(store: AuthStore, auth: StartServerOptions['auth']): Authenticate {
  return createAuthenticator({
    store,
    ...(auth?.issuers ? { issuers: auth.issuers } : {}),
    ...(auth?.apiKeys !== undefined ? { apiKeysEnabled: auth.apiKeys } : {}),
    ...(auth?.tokens ? { tokens: auth.tokens } : {}),
  });
}

/** HTTP request limits; body 1 MiB and 20 000 tokens unless configured. */
function graphqlLimits(limits: StartServerOptions['limits']): { maxBodyBytes: number; maxDepth: number; maxCost: number; maxTokens: number } {
  return {
    maxBodyBytes: limits?.maxBodyBytes ?? 1024 * 1024,
    maxDepth: limits?.maxDepth ?? DEFAULT_QUERY_LIMITS.maxDepth,
    maxCost: limits?.maxCost ?? DEFAULT_QUERY_LIMITS.maxCost,
    maxTokens: limits?.maxTokens ?? 20_000,
  };
}

/** PostgreSQL's pool size and wait, where configured. */
function poolOptions(limits: StartServerOptions['limits']): PoolOptions {
  return {
    ...(limits?.poolSize !== undefined ? { maxConnections: limits.poolSize } : {}),
    ...(limits?.poolWaitMs !== undefined ? { poolWaitMs: limits.poolWaitMs } : {}),
  };
}

/** Bounds on GraphQL requests running and waiting; DEFAULT_ADMISSION_LIMITS unless configured. */
function admissionLimits(limits: StartServerOptions['limits']): AdmissionLimits {
  return {
    maxActive: limits?.maxActiveRequests ?? DEFAULT_ADMISSION_LIMITS.maxActive,
    maxQueued: limits?.maxQueuedRequests ?? DEFAULT_ADMISSION_LIMITS.maxQueued,
    queueWaitMs: limits?.queueWaitMs ?? DEFAULT_ADMISSION_LIMITS.queueWaitMs,
    retryAfterSeconds: limits?.retryAfterSeconds ?? DEFAULT_ADMISSION_LIMITS.retryAfterSeconds,
  };
}

/** The admission gate, and the announcement of a mounted attachment endpoint (none when not mounted, so the wire stays as before). */
function graphqlOptions(attachments: MountedAttachments | null, limits: StartServerOptions['limits']): { admission: AdmissionGate; attachmentsPath?: string } {
  const admission = new AdmissionGate(admissionLimits(limits));
  return attachments !== null ? { admission, attachmentsPath: attachments.path } : { admission };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a thousand clients connecting at once would overflow Node's default
    // 511 and wait out SYN retransmits (1 s, 3 s, …) before their first request is even read.
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function stopListening(server: Server, realtime: RealtimeHandler): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  // Upgraded (WebSocket) sockets are not HTTP connections: `server.close` would wait for them
  // forever, so the real-time handler closes them before we wait.
  await realtime.close();
  await stopped;
}

/** Runs `purge` and the auth store's expiry every `intervalMs`, and once a second after start; returns the stop. */
function schedulePurge(purge: () => Promise<unknown>, authStore: AuthStore, intervalMs: number, reportError: ReportError): () => Promise<void> {
  const purgeTimer = setInterval(() => {
    purge().catch(reportError);
    // Expired refresh tokens (one row per refresh) and their ended sessions.
    authStore.purgeExpired().catch(reportError);
  }, intervalMs);
  purgeTimer.unref();
  // Run one purge soon after start so a server restarted often still enforces retention.
  const firstPurge = setTimeout(() => void purge().catch(reportError), 1000);
  firstPurge.unref();
  return async () => {
    clearInterval(purgeTimer);
    clearTimeout(firstPurge);
  };
}

/** The GraphQL and real-time URLs of a listening server (an IPv6 host in brackets). */
function serverUrls(host: string, port: number, tls: boolean): { url: string; realtimeUrl: string } {
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}/graphql`,
    realtimeUrl: `${tls ? 'wss' : 'ws'}://${shownHost}:${port}/graphql/realtime`,
  };
}

/** Starts the server and resolves once it listens. */
// eslint-disable-next-line max-lines-per-function -- the server's wiring, read top to bottom in one place
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const schema = typeof options.schema === 'string' ? parseSchema(options.schema) : options.schema;
  const reportError = options.reportError ?? ((error: unknown) => console.error('outpost server:', error));
  const database = options.database ?? DEFAULT_DATABASE;
  const settings = resolverSettings(options);
  const attachmentSettings = resolveAttachmentSettings(options.attachments);
  const purgeIntervalMs = options.retention?.purgeIntervalMs ?? 60 * MINUTE;
  const strategyOf = await loadStrategyTable(options, schema);

  const storage = await openStorage(database, reportError, poolOptions(options.limits));
  const shutdown = new ShutdownSteps(reportError);
  shutdown.add(() => storage.close());
  try {
    await prepareDatabase(storage, schema, options.forceMigration === true, options.logger ?? silentLog());
    const authStore = await openAuthStore(storage);
    const secret = await authStore.secret('next-token-hmac', () => randomBytes(32).toString('base64url'));
    const bus = await openChangeBus(storage, database, reportError);
    shutdown.add(() => bus.close());

    const authenticate = authenticatorFor(authStore, options.auth);
    const services: ServerServices = { schema, storage, bus, secret, settings: { ...settings, ...(await restoredAt(storage)) }, strategyOf, reportError };
    const graphqlSchema = buildExecutableSchema(schema, services);
    const realtime = createRealtimeHandler({
      schema,
      bus,
      authenticate,
      graphqlSchema,
      reportError,
      sessionsRevokedSince: (since) => authStore.sessionsRevokedSince(since),
      ...(options.realtime ? { limits: options.realtime } : {}),
    });
    shutdown.add(() => realtime.close());
    const authRoutes = createAuthRoutes(authStore, { ...(options.auth?.tokens ? { tokens: options.auth.tokens } : {}), reportError, authenticate });
    const attachments = await mountAttachments({
      schema,
      storage,
      database,
      authenticate,
      settings: attachmentSettings,
      sweepIntervalMs: purgeIntervalMs,
      reportError,
    });
    if (attachments !== null) shutdown.add(() => attachments.close());

    const lifecycle = new ServerLifecycle();
    const metrics = new ServerMetrics(Object.keys(schema.models), {
      realtime,
      changeLogSize: () => changeLogSize(storage),
      strategyOf: (m) => strategyOf(m).kind,
    });
    const server = createOutpostHttpServer({
      graphql: {
        ...graphqlOptions(attachments, options.limits),
        schema: graphqlSchema,
        authenticate,
        reportError,
        limits: graphqlLimits(options.limits),
        maxItemBytes: settings.maxItemBytes,
      },
      extraRoutes: [authRoutes, healthRoutes(storage, lifecycle), metricsRoute(metrics, options.metrics?.token)],
      ...(attachments !== null ? { attachments: attachments.routes } : {}),
      upgrade: (req, socket, head) => realtime.handleUpgrade(req, socket, head),
      ...(options.tls ? { tls: options.tls } : {}),
      health: () => ({ schemaVersion: schema.version, database: storage.engine.name }),
    });
    const host = options.host ?? '127.0.0.1';
    lifecycle.watch(server);
    observeRequests(server, options.logger ?? silentLog(), metrics);
    await listen(server, options.port ?? 4000, host);
    shutdown.add(() => stopListening(server, realtime));

    const purge = () => storage.purge(Date.now(), Date.now() - settings.changeLogRetentionMs);
    shutdown.add(schedulePurge(purge, authStore, purgeIntervalMs, reportError));

    const port = (server.address() as AddressInfo).port;
    const urls = serverUrls(host, port, options.tls !== undefined);
    let closed: Promise<void> | undefined;
    return {
      ...urls,
      port,
      schema,
      authStore,
      storage,
      attachmentsUrl: attachments !== null ? new URL(attachments.path, urls.url).toString() : null,
      purge,
      sweepAttachments: async (now) => (attachments !== null ? attachments.sweep(now) : null),
      close: () => (closed ??= shutdown.run()),
      metrics,
      drain: async (graceMs) => {
        const result = await lifecycle.drain(server, graceMs);
        await (closed ??= shutdown.run());
        return result;
      },
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
