// The sync worker (DESIGN.md "Sync worker", PROTOCOL.md §2.4, §4): the app's handle on sync. It
// validates the options, keeps what outlives a session (events, the server's capabilities, resume
// points of capped syncs, the selective-sync predicates) and runs one SyncSession (sync-session.ts)
// between start() and stop() over two ports: the local store (sync-store.ts, the datastore) and the
// server (sync-transport.ts, over urql: urql-sync-transport.ts).
//
// start(): subscriptions per model (events buffered) → sync queries per model, parents first,
// full or delta → buffered events applied → outbox drained → `ready`. Afterwards every reconnect
// of the socket triggers a delta round (events missed while it was down), a due full sync triggers
// a full round, and local edits flow out through the outbox processor. stop() keeps data and
// outbox; clear() stops and wipes the local store.
import { getModel } from '../../common/schema/model-fields.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { Schema } from '../../common/schema/types.js';
import type { Datastore } from '../datastore/datastore.js';
import type { BackoffOptions } from './core/retry-policy.js';
import { defaultConflictHandler, type ConflictHandler } from './conflict-policy.js';
import type { OutboxStore } from './outbox-store.js';
import { ServerCapabilities } from './server-capabilities.js';
import type { SyncAuth } from './sync-auth.js';
import { SyncEvents, type SyncEvent } from './sync-events.js';
import { SyncSession, type SyncSessionConfig } from './sync-session.js';
import type { SyncStore } from './sync-store.js';
import type { OpenSyncTransport } from './sync-transport.js';
import { urqlSyncTransports } from './urql-sync-transport.js';
import { DEFAULT_FULL_SYNC_INTERVAL_MS, type SyncResume } from './core/sync-plan.js';

/** Per-model selective-sync predicates; a model not listed syncs everything. */
export type SyncExpressions = Readonly<Record<string, Predicate | null | undefined>>;

export interface SyncWorkerOptions {
  readonly datastore: Datastore;
  readonly schema: Schema;
  /** GraphQL HTTP endpoint, e.g. `http://127.0.0.1:4000/graphql`; the real-time URL is derived. */
  readonly endpoint: string;
  /** The default auth mode: every request with DEFAULT; with MULTI_AUTH it opens the real-time connection. */
  readonly auth: SyncAuth;
  /**
   * `DEFAULT` (default): `auth` for every request. `MULTI_AUTH` (PROTOCOL.md §6.2): per model and
   * operation, the modes its @auth rules allow among `auth` and `additionalAuth` (auth-modes.ts),
   * each request tried with the next one after an Unauthorized refusal.
   */
  readonly authModeStrategy?: 'DEFAULT' | 'MULTI_AUTH';
  /** MULTI_AUTH only: further credentials, each of a type `auth` is not (e.g. an API key next to a JWT). */
  readonly additionalAuth?: readonly SyncAuth[];
  /** Default: retry the local change on the server's version (PROTOCOL.md §4.4). */
  readonly conflictHandler?: ConflictHandler;
  /** Records per sync page (default 1000, AppSync's maximum). */
  readonly syncPageSize?: number;
  /**
   * Most records one model's sync fetches per round (default 10 000, DataStore's; the desktop app
   * passes 1 000 000). Hitting it emits `syncLimitReached`; the model is not recorded as synced and
   * the next round continues the same sync, so no record is left behind.
   */
  readonly maxRecordsToSync?: number;
  /** Milliseconds between full syncs (default 24 h). */
  readonly fullSyncInterval?: number;
  /** Selective sync: per model, the predicate records must match; changing it re-syncs that model in full. */
  readonly syncExpressions?: SyncExpressions;
  /** Records with a mutation in flight at once (default 64; 1 = Amplify's one-at-a-time). */
  readonly maxConcurrentMutations?: number;
  /**
   * Most mutations (for different records) sent in one request (default 16; 1 = one request per
   * mutation). Mutations started together share a request: see mutation-batch.ts.
   */
  readonly maxMutationsPerRequest?: number;
  /** Where the real-time auth header travels (default `subprotocol`). */
  readonly realtimeCarrier?: 'subprotocol' | 'query';
  /** The HTTP client for queries and mutations (default: the global fetch), e.g. to go through a proxy. */
  readonly fetch?: typeof fetch;
  /** Timeout of one HTTP request in ms (default 30 000). */
  readonly requestTimeoutMs?: number;
  /**
   * Models this worker syncs (default: every model of the schema). With one auth mode, leave out
   * models the credentials cannot reach (e.g. `allow: public` API-key models for a signed-in user).
   */
  readonly models?: readonly string[];
  /** Backoff of the round loop and of outbox retries (tests pass a seeded `random`). */
  readonly backoff?: BackoffOptions;
}

/** The worker as the app drives it. */
export interface SyncWorker {
  readonly events: SyncEvents;
  /** Starts syncing; resolves at the first `ready` (also when offline: then `networkStatus` is false). Idempotent. */
  start(): Promise<void>;
  /** Stops sync, subscriptions and outbox processing; keeps data and outbox. */
  stop(): Promise<void>;
  /** Stops and wipes the local store (records, outbox, metadata, conflicts). */
  clear(): Promise<void>;
  /** Replaces the selective-sync predicates; a running worker restarts, re-syncing changed models in full. */
  setSyncExpressions(expressions: SyncExpressions): Promise<void>;
  /** Runs a sync round now (delta unless a full sync is due); resolves when it finished or failed. */
  syncNow(): Promise<void>;
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: SyncEvent) => void): () => void;
  /** What the server announced in its latest answer (`unknown` before the first; AppSync: `none`). */
  readonly capabilities: Pick<ServerCapabilities, 'state' | 'has' | 'maxItemBytes' | 'attachmentsPath' | 'onAttachmentsPath'>;
}

/** Creates a sync worker; nothing connects until start(). */
export function createSyncWorker(options: SyncWorkerOptions): SyncWorker {
  const config = syncWorkerConfig(options);
  return syncWorkerOver(config, { store: options.datastore, openTransport: urqlSyncTransports(options), syncExpressions: options.syncExpressions ?? {} });
}

/** The ports a worker runs over (createSyncWorker: the datastore and urql; unit tests: fakes). */
export interface SyncWorkerPorts {
  /** The worker's and the outbox processor's port to the local store (the datastore is both). */
  readonly store: SyncStore & OutboxStore;
  /** Opens the server transport of each session. */
  readonly openTransport: OpenSyncTransport;
  readonly syncExpressions: SyncExpressions;
}

/** The options read into a session config (throws on a bad value: a non-positive number, an unknown model). */
export function syncWorkerConfig(options: Omit<SyncWorkerOptions, 'datastore' | 'endpoint' | 'auth'>): SyncSessionConfig {
  const { schema } = options;
  checkModels(schema, Object.keys(options.syncExpressions ?? {}), 'syncExpressions');
  checkModels(schema, options.models ?? [], 'models');
  const synced = schema.modelOrder.filter((name) => options.models === undefined || options.models.includes(name));
  return {
    schema,
    models: synced.map((name) => getModel(schema, name)),
    syncPageSize: positive(options.syncPageSize ?? 1000, 'syncPageSize'),
    maxRecordsToSync: positive(options.maxRecordsToSync ?? 10_000, 'maxRecordsToSync'),
    fullSyncInterval: positive(options.fullSyncInterval ?? DEFAULT_FULL_SYNC_INTERVAL_MS, 'fullSyncInterval'),
    maxConcurrentMutations: positive(options.maxConcurrentMutations ?? 64, 'maxConcurrentMutations'),
    maxMutationsPerRequest: positive(options.maxMutationsPerRequest ?? 16, 'maxMutationsPerRequest'),
    conflictHandler: options.conflictHandler ?? defaultConflictHandler,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
}

/** A worker over `ports` (see createSyncWorker). */
export function syncWorkerOver(config: SyncSessionConfig, ports: SyncWorkerPorts): SyncWorker {
  const events = new SyncEvents();
  /** The server's announcement, kept from every GraphQL answer of every transport of this worker. */
  const capabilities = new ServerCapabilities();
  /** Where syncs stopped by `maxRecordsToSync` continue next round, by model. */
  const resumes = new Map<string, SyncResume>();
  let expressions = ports.syncExpressions;
  let session: SyncSession | null = null;
  /** The set-up phase of start() (metadata, crash recovery, connections); not the wait for `ready`. */
  let starting: Promise<SyncSession> | null = null;

  async function start(): Promise<void> {
    if (session !== null) return session.ready;
    const current = expressions;
    starting ??= SyncSession.open({
      config,
      store: ports.store,
      openTransport: ports.openTransport,
      events,
      capabilities,
      resumes,
      predicateOf: (model) => current[model] ?? null,
    })
      .then((opened) => (session = opened))
      .finally(() => {
        starting = null;
      });
    await (
      await starting
    ).ready;
  }

  async function stop(): Promise<void> {
    if (starting !== null) await starting.catch(() => undefined);
    const current = session;
    if (current === null) return;
    session = null;
    await current.stop();
  }

  return {
    events,
    start,
    stop,
    async clear() {
      await stop();
      resumes.clear();
      await ports.store.clear();
    },
    async setSyncExpressions(next) {
      checkModels(config.schema, Object.keys(next), 'syncExpressions');
      const wasRunning = session !== null;
      if (wasRunning) await stop();
      expressions = next;
      if (wasRunning) await start();
    },
    async syncNow() {
      await session?.syncNow();
    },
    onEvent: (listener) => events.on(listener),
    capabilities,
  };
}

function checkModels(schema: Schema, names: readonly string[], option: string): void {
  for (const name of names) {
    if (!Object.hasOwn(schema.models, name)) throw new Error(`${option} names ${name}, which is not a model of the schema`);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}
