// The sync worker (DESIGN.md "Sync worker", PROTOCOL.md §2.4, §4): wires the pure decisions to the
// datastore, the GraphQL transport, the real-time socket and timers.
//
// start(): subscriptions per model (events buffered) → sync queries per model, parents first,
// full or delta → buffered events applied → outbox drained → `ready`. Afterwards every reconnect
// of the socket triggers a delta round (events missed while it was down), a due full sync triggers
// a full round, and local edits flow out through the outbox processor. stop() keeps data and
// outbox; clear() stops and wipes the local store.
import { matches } from '../../common/predicates/evaluate.js';
import { toGraphqlFilter } from '../../common/predicates/to-graphql.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { Datastore } from '../datastore/datastore.js';
import type { OutboxOperation } from '../datastore/outbox-entry.js';
import { isUnauthorizedAnswer, modelAuthModes, type AuthMode, type ModelOperation } from './auth-modes.js';
import { RETRY_POLICIES, tuned, type BackoffOptions } from './core/retry-policy.js';
import { subscriptionFailureAction } from './core/subscription-failure.js';
import { mutationRoute, type MutationRoute } from './core/mutation-route.js';
import { RetryCounter, sleep } from './retrying.js';
import { defaultConflictHandler, type ConflictHandler } from './conflict-policy.js';
import { SUBSCRIPTION_KINDS, readRecord, subscriptionDocument } from './graphql-documents.js';
import { GraphqlTransport, type SubscriptionHandle } from './graphql-transport.js';
import { syncModel, SyncUnreachable } from './model-sync.js';
import { OutboxProcessor } from './outbox-processor.js';
import { RealtimeClient } from './realtime-client.js';
import { subscriptionRequestFor } from './subscription-owner.js';
import type { RealtimeFrameError } from './realtime-protocol.js';
import { ServerCapabilities, type AnnouncedAnswer } from './server-capabilities.js';
import type { SyncAuth } from './sync-auth.js';
import { SyncEvents, type SyncEvent } from './sync-events.js';
import { DEFAULT_FULL_SYNC_INTERVAL_MS, metadataAtStart, nextFullSyncDue, syncParents, syncPredicateKey, type SyncResume } from './core/sync-plan.js';

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
  readonly capabilities: Pick<ServerCapabilities, 'state' | 'has' | 'maxItemBytes'>;
}

interface Session {
  readonly controller: AbortController;
  readonly realtime: RealtimeClient;
  readonly transport: GraphqlTransport;
  /** MULTI_AUTH: a transport per auth mode (the default mode's is `transport`). */
  readonly transports: ReadonlyMap<AuthMode, GraphqlTransport>;
  readonly processor: OutboxProcessor;
  readonly subscriptions: SubscriptionHandle[];
  readonly cleanups: Array<() => void>;
  /** Events received while a sync round runs; applied after it. */
  buffer: Array<{ model: string; record: ModelRecord }> | null;
  /** Serialises applying live events so they land in arrival order. */
  applying: Promise<void>;
  online: boolean | null;
  readyEmitted: boolean;
  readonly ready: Promise<void>;
  resolveReady: () => void;
  /** Wakes the round loop: a reconnect, a due full sync or syncNow(). */
  trigger: () => void;
  /** Set by a trigger that came while a round was running: the loop runs another round at once. */
  triggered: boolean;
  /** `model:modelId` of entries that were in flight when the previous session ended. */
  readonly uncertain: readonly string[];
  roundWaiters: Array<() => void>;
  loop: Promise<void>;
}

/** Creates a sync worker; nothing connects until start(). */
export function createSyncWorker(options: SyncWorkerOptions): SyncWorker {
  const events = new SyncEvents();
  const { datastore, schema } = options;
  /** The server's announcement, kept from every GraphQL answer of every transport of this worker. */
  const capabilities = new ServerCapabilities();
  /** Where syncs stopped by `maxRecordsToSync` continue next round, by model. */
  const resumes = new Map<string, SyncResume>();
  const syncPageSize = positive(options.syncPageSize ?? 1000, 'syncPageSize');
  const maxRecordsToSync = positive(options.maxRecordsToSync ?? 10_000, 'maxRecordsToSync');
  const fullSyncInterval = positive(options.fullSyncInterval ?? DEFAULT_FULL_SYNC_INTERVAL_MS, 'fullSyncInterval');
  const maxConcurrentMutations = positive(options.maxConcurrentMutations ?? 64, 'maxConcurrentMutations');
  const maxMutationsPerRequest = positive(options.maxMutationsPerRequest ?? 16, 'maxMutationsPerRequest');
  let expressions: SyncExpressions = options.syncExpressions ?? {};
  for (const name of Object.keys(expressions)) {
    if (schema.models[name] === undefined) throw new Error(`syncExpressions names ${name}, which is not a model of the schema`);
  }
  for (const name of options.models ?? []) {
    if (schema.models[name] === undefined) throw new Error(`models names ${name}, which is not a model of the schema`);
  }
  const multiAuth = multiAuthProviders(options);
  /** MULTI_AUTH: the modes to try for `operation` on `model` (the default mode when its rules allow none); null with DEFAULT. */
  const modesFor = (model: string, operation: ModelOperation): AuthMode[] | null => {
    if (multiAuth === null) return null;
    const modes = modelAuthModes(schema.models[model], operation, { apiKey: multiAuth.has('apiKey'), jwt: multiAuth.has('jwt') });
    return modes.length > 0 ? modes : [options.auth.type];
  };
  /** Sends with each mode in turn until one is not refused as Unauthorized; the last answer otherwise. */
  const withModes = async (s: Session, modes: readonly AuthMode[], send: (transport: GraphqlTransport) => Promise<AnnouncedAnswer>): Promise<AnnouncedAnswer> => {
    let answer: AnnouncedAnswer | null = null;
    for (const mode of modes) {
      answer = await send(s.transports.get(mode) ?? s.transport);
      if (!isUnauthorizedAnswer(answer) || s.controller.signal.aborted) return answer;
    }
    return answer ?? send(s.transport);
  };
  /** A query of `model` with its READ modes (MULTI_AUTH) or the default transport. */
  const queryAs = (s: Session, model: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<AnnouncedAnswer> => {
    const modes = modesFor(model, 'read');
    return modes === null ? s.transport.query(query, variables, signal) : withModes(s, modes, (t) => t.query(query, variables, signal));
  };
  let routeSerial = 0;
  /** The outbox's route of a mutation (MULTI_AUTH): its mode list (core/mutation-route.ts). */
  const routeOf = (model: string, operation: OutboxOperation): MutationRoute =>
    mutationRoute(modesFor(model, operation.toLowerCase() as ModelOperation) ?? [], ++routeSerial);
  const syncedModels = schema.modelOrder.filter((name) => options.models === undefined || options.models.includes(name));
  const models = (): ModelDef[] => syncedModels.map((name) => schema.models[name]);
  const predicateOf = (model: string): Predicate | null => expressions[model] ?? null;
  let session: Session | null = null;
  /** The set-up phase of start() (metadata, crash recovery, connections); not the wait for `ready`. */
  let starting: Promise<Session> | null = null;

  function emitNetwork(s: Session, active: boolean): void {
    if (s.online === active) return;
    s.online = active;
    events.emit('networkStatus', { active });
  }

  function emitReady(s: Session): void {
    if (s.readyEmitted) return;
    s.readyEmitted = true;
    events.emit('ready', undefined);
    s.resolveReady();
  }

  async function applyIncoming(model: string, records: ModelRecord[]): Promise<void> {
    if (records.length === 0) return;
    const predicate = predicateOf(model);
    // With selective sync, a record that no longer matches has left this device's set: it is
    // applied as a removal (Amplify just drops the event and keeps a stale copy). Servers that
    // filter subscriptions never send such an event; there the next full sync removes the record.
    const applied = predicate === null ? records : records.map((r) => (r._deleted === true || matches(predicate, r) ? r : { ...r, _deleted: true }));
    await datastore.remote.applyRemote(model, applied);
  }

  function onSubscriptionData(s: Session, model: ModelDef, field: string, data: Readonly<Record<string, unknown>> | null, hasErrors: boolean): void {
    // Amplify skips events whose payload carries errors (partial selection sets from other writers).
    if (hasErrors) return;
    const record = readRecord(model, field, data);
    if (record === null) return;
    if (s.buffer !== null) {
      s.buffer.push({ model: model.name, record });
      return;
    }
    s.applying = s.applying
      .then(() => applyIncoming(model.name, [record]))
      .catch((error: unknown) => events.emit('error', { process: 'subscribe', errorType: 'BadRecord', model: model.name, message: `could not apply a ${model.name} event: ${(error as Error).message}` }));
  }

  async function flushBuffer(s: Session): Promise<void> {
    const buffered = s.buffer ?? [];
    s.buffer = null;
    // Consecutive events of one model go in one transaction; order across models is kept.
    let i = 0;
    while (i < buffered.length) {
      let j = i;
      while (j < buffered.length && buffered[j].model === buffered[i].model) j++;
      await applyIncoming(buffered[i].model, buffered.slice(i, j).map((b) => b.record));
      i = j;
    }
  }

  /** Opens 3 subscriptions per model; resolves when each is acknowledged or failed for good, rejects when the socket cannot connect. */
  function openSubscriptions(s: Session): Promise<void> {
    const pending = new Set<string>();
    let settle!: () => void;
    let fail!: (error: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const check = (): void => {
      if (pending.size === 0) settle();
    };
    const onConnectFailed = (): void => fail(new SyncUnreachable('the real-time endpoint cannot be reached'));
    s.realtime.on('connectFailed', onConnectFailed);
    // stop() unsubscribes every handle, after which no ack or failure ever arrives: without this
    // the round loop (and so stop(), which awaits it) would wait forever.
    const onAbort = (): void => settle();
    s.controller.signal.addEventListener('abort', onAbort, { once: true });
    if (s.controller.signal.aborted) settle();
    void done
      .finally(() => {
        s.realtime.off('connectFailed', onConnectFailed);
        s.controller.signal.removeEventListener('abort', onAbort);
      })
      .catch(() => undefined);

    const retries = new Map<string, RetryCounter>();
    const subscribe = (model: ModelDef, kind: (typeof SUBSCRIPTION_KINDS)[number], withFilter: boolean, modeIndex = 0): void => {
      const id = `${model.name}.${kind}`;
      pending.add(id);
      const predicate = predicateOf(model.name);
      const document = subscriptionDocument(schema, model, kind, { withFilter: withFilter && predicate !== null });
      const variables = withFilter && predicate !== null ? { filter: toGraphqlFilter(predicate) } : {};
      // Each `start` (also after a reconnect or token refresh) is rebuilt with the owner arguments
      // the claims of the token it is sent with call for; `document` only names the operation.
      const modes = modesFor(model.name, 'read');
      const auth = modes === null ? undefined : multiAuth?.get(modes[modeIndex]);
      const request = subscriptionRequestFor(schema, model, kind, { auth: (auth ?? options.auth).type, filter: variables.filter ?? null });
      const handle = s.transport.subscribe(document.query, variables, (answer) => onSubscriptionData(s, model, document.field, answer.data, answer.errors.length > 0), {
        request,
        ...(auth ? { auth } : {}),
        onAcknowledged: () => {
          pending.delete(id);
          check();
        },
        onFailed: (errors: readonly RealtimeFrameError[]) => {
          const action = subscriptionFailureAction(errors, {
            anotherMode: modes !== null && modeIndex + 1 < modes.length,
            filtered: withFilter && predicate !== null,
            stopping: s.controller.signal.aborted,
          });
          if (action.kind === 'nextMode') {
            // Deferred until urql has torn the failed operation down: the same document and
            // variables started while it is alive would be deduplicated into it and never reach the socket.
            setImmediate(() => {
              if (!s.controller.signal.aborted) subscribe(model, kind, withFilter, modeIndex + 1);
            });
            return;
          }
          pending.delete(id);
          if (action.kind === 'withoutFilter') {
            subscribe(model, kind, false, modeIndex);
            return;
          }
          if (action.report) {
            const message = errors.map((e) => e.message).join('; ');
            events.emit('error', { process: 'subscribe', errorType: errors[0]?.errorType ?? 'SubscriptionFailed', model: model.name, message: `${document.field} subscription failed: ${message}` });
          }
          if (action.retryLater) {
            const retry = retries.get(id) ?? new RetryCounter(tuned(RETRY_POLICIES.subscription, options.backoff));
            retries.set(id, retry);
            void sleep(retry.next(), s.controller.signal).then(() => {
              if (s.controller.signal.aborted) return;
              subscribe(model, kind, withFilter, modeIndex);
              s.trigger();
            });
          }
          check();
        },
      });
      s.subscriptions.push(handle);
    };
    for (const model of models()) {
      if (model.subscriptions?.level === 'off') continue;
      for (const kind of SUBSCRIPTION_KINDS) subscribe(model, kind, true);
    }
    check();
    return done;
  }

  /**
   * Waits until the socket is up and every subscription acknowledged again (after a failed first
   * attempt); also resolves when the session stops (the caller checks the signal).
   */
  function subscriptionsUp(s: Session): Promise<void> {
    if (s.realtime.state === 'Connected' || s.realtime.state === 'ConnectedPendingKeepAlive') return Promise.resolve();
    if (s.controller.signal.aborted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        s.realtime.off('established', onUp);
        s.realtime.off('connectFailed', onFail);
        s.controller.signal.removeEventListener('abort', onUp);
      };
      const onUp = (): void => {
        cleanup();
        resolve();
      };
      const onFail = (): void => {
        cleanup();
        reject(new SyncUnreachable('the real-time endpoint cannot be reached'));
      };
      s.realtime.on('established', onUp);
      s.realtime.on('connectFailed', onFail);
      // After stop() unsubscribes everything, the client drops its socket and its pending
      // reconnect: neither event comes any more, so the stop itself must end the wait.
      s.controller.signal.addEventListener('abort', onUp, { once: true });
    });
  }

  async function syncRound(s: Session): Promise<void> {
    const names = models().map((m) => m.name);
    events.emit('syncQueriesStarted', { models: names });
    const context = {
      datastore,
      schema,
      query: (q: string, v: Record<string, unknown>) => s.transport.query(q, v, s.controller.signal),
      events,
      syncPageSize,
      maxRecordsToSync,
      resumes,
      signal: s.controller.signal,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    };
    // A model starts as soon as all its parents are done; independent models run together.
    const done = new Map<string, Promise<unknown>>();
    for (const model of models()) {
      const parents = syncParents(model, schema).map((p) => done.get(p) ?? Promise.resolve());
      const own = multiAuth === null ? context : { ...context, query: (q: string, v: Record<string, unknown>) => queryAs(s, model.name, q, v, s.controller.signal) };
      done.set(model.name, Promise.all(parents).then(() => syncModel(own, model, predicateOf(model.name))));
    }
    await Promise.all(done.values());
    events.emit('syncQueriesReady', undefined);
  }

  async function nextTrigger(s: Session): Promise<void> {
    if (s.triggered) {
      s.triggered = false;
      return;
    }
    const metadata = await datastore.syncMetadata.listSyncMetadata();
    const due = nextFullSyncDue(metadata);
    const wait = due === null ? fullSyncInterval : Math.max(1_000, due - Date.now() + 1);
    await new Promise<void>((resolve) => {
      const signal = s.controller.signal;
      const wake = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(wait, 2 ** 31 - 1));
      s.trigger = wake;
      // One listener per wait, removed when the wait ends: a long session runs many rounds.
      if (signal.aborted) wake();
      else signal.addEventListener('abort', wake, { once: true });
    });
    s.trigger = () => {
      s.triggered = true;
    };
    s.triggered = false;
  }

  async function run(s: Session): Promise<void> {
    const backoff = new RetryCounter(tuned(RETRY_POLICIES.syncRound, options.backoff));
    let subscribed = false;
    while (!s.controller.signal.aborted) {
      try {
        if (!subscribed) {
          subscribed = true;
          await openSubscriptions(s);
        } else {
          await subscriptionsUp(s);
        }
        if (s.controller.signal.aborted) break;
        emitNetwork(s, true);
        if (!s.readyEmitted) events.emit('subscriptionsEstablished', undefined);
        s.buffer ??= [];
        await syncRound(s);
        await s.applying;
        await flushBuffer(s);
        backoff.reset();
        s.processor.start(s.uncertain);
        s.processor.wake();
        if (!s.readyEmitted) await s.processor.settled();
        emitReady(s);
        for (const resolve of s.roundWaiters.splice(0)) resolve();
        await nextTrigger(s);
        s.buffer ??= [];
      } catch (error) {
        if (s.controller.signal.aborted) break;
        if (!(error instanceof SyncUnreachable)) {
          events.emit('error', { process: 'sync', errorType: 'SyncFailed', message: `sync round failed: ${(error as Error).message}` });
        }
        emitNetwork(s, false);
        // Offline: local edits still queue and the outbox retries on its own.
        s.processor.start(s.uncertain);
        await flushBuffer(s).catch(() => undefined);
        emitReady(s);
        for (const resolve of s.roundWaiters.splice(0)) resolve();
        await sleep(backoff.next(), s.controller.signal);
        s.buffer ??= [];
      }
    }
  }

  async function start(): Promise<void> {
    if (session !== null) return session.ready;
    starting ??= setUp().finally(() => {
      starting = null;
    });
    const s = await starting;
    await s.ready;
  }

  async function setUp(): Promise<Session> {
    for (const model of models()) {
      const existing = await datastore.syncMetadata.getSyncMetadata(model.name);
      const next = metadataAtStart(existing, model.name, { fullSyncInterval, predicateKey: syncPredicateKey(predicateOf(model.name)) });
      await datastore.syncMetadata.setSyncMetadata(model.name, {
        lastSync: next.lastSync,
        lastFullSync: next.lastFullSync,
        fullSyncInterval: next.fullSyncInterval,
        lastSyncPredicate: next.lastSyncPredicate,
      });
    }
    // Entries still marked in flight were on the wire when the last session ended (crash, kill):
    // they may have been applied, so they are checked with a `get` before being sent again.
    const inFlight = (await datastore.outbox.listEntries()).filter((e) => e.inFlight).map((e) => `${e.model}:${e.modelId}`);
    await datastore.outbox.releaseInFlight();

    const realtime = new RealtimeClient({
      endpoint: options.endpoint,
      auth: options.auth,
      ...(options.additionalAuth && multiAuth !== null ? { otherAuth: options.additionalAuth } : {}),
      ...(options.realtimeCarrier ? { carrier: options.realtimeCarrier } : {}),
      ...(options.backoff ? { backoff: { ...options.backoff, maxDelayMs: RETRY_POLICIES.realtimeReconnect.maxDelayMs } } : {}),
    });
    const transportFor = (auth: SyncAuth): GraphqlTransport =>
      new GraphqlTransport({
        endpoint: options.endpoint,
        auth,
        realtime,
        ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        capabilities,
      });
    const transport = transportFor(options.auth);
    const transports = new Map<AuthMode, GraphqlTransport>([[options.auth.type, transport]]);
    for (const auth of multiAuth === null ? [] : (options.additionalAuth ?? [])) transports.set(auth.type, transportFor(auth));
    const processor = new OutboxProcessor({
      datastore,
      schema,
      // Batches and mutation ids only where the server said it supports them (mutation-batcher.ts).
      capabilities,
      ...(multiAuth === null
        ? {
            mutate: (q: string, v: Record<string, unknown>, signal: AbortSignal, _route: MutationRoute, extensions?: Readonly<Record<string, unknown>>) =>
              transport.mutate(q, v, signal, extensions),
            query: (q: string, v: Record<string, unknown>) => transport.query(q, v),
          }
        : {
            mutate: (q: string, v: Record<string, unknown>, signal: AbortSignal, route: MutationRoute, extensions?: Readonly<Record<string, unknown>>) =>
              withModes(s, route.modes, (t) => t.mutate(q, v, signal, extensions)),
            query: (q: string, v: Record<string, unknown>, model: string) => queryAs(s, model, q, v),
            mutationRoute: routeOf,
          }),
      events,
      conflictHandler: options.conflictHandler ?? defaultConflictHandler,
      // A server that announced `mutationIds` applies a resent mutation id once: no `get` first.
      resendIsIdempotent: () => capabilities.has('mutationIds'),
      maxConcurrentMutations,
      maxMutationsPerRequest,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    let resolveReady!: () => void;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const s: Session = {
      controller: new AbortController(),
      realtime,
      transport,
      transports,
      processor,
      subscriptions: [],
      cleanups: [],
      buffer: [],
      applying: Promise.resolve(),
      online: null,
      readyEmitted: false,
      ready,
      resolveReady,
      trigger: () => {
        s.triggered = true;
      },
      triggered: false,
      uncertain: inFlight,
      roundWaiters: [],
      loop: Promise.resolve(),
    };
    s.cleanups.push(
      datastore.onOutboxEvent((event) => {
        events.emit('outboxMutationEnqueued', { model: event.model, element: event.element });
        events.emit('outboxStatus', { isEmpty: false });
        processor.wake();
      }),
    );
    const onDisrupted = (): void => emitNetwork(s, false);
    const onReconnected = (): void => {
      // Events published while the socket was down are gone: a delta round fetches them.
      emitNetwork(s, true);
      processor.wake();
      s.trigger();
    };
    realtime.on('disrupted', onDisrupted);
    realtime.on('reconnected', onReconnected);
    s.cleanups.push(() => realtime.off('disrupted', onDisrupted), () => realtime.off('reconnected', onReconnected));
    session = s;
    events.emit('outboxStatus', { isEmpty: (await datastore.outbox.outboxCount()) === 0 });
    s.loop = run(s);
    return s;
  }

  async function stop(): Promise<void> {
    if (starting !== null) await starting.catch(() => undefined);
    const s = session;
    if (s === null) return;
    session = null;
    s.controller.abort();
    s.trigger();
    for (const handle of s.subscriptions) handle.unsubscribe();
    for (const cleanup of s.cleanups) cleanup();
    await s.processor.stop();
    await s.loop.catch(() => undefined);
    await s.applying.catch(() => undefined);
    s.realtime.close();
    s.resolveReady();
    for (const resolve of s.roundWaiters.splice(0)) resolve();
  }

  return {
    events,
    start,
    stop,
    async clear() {
      await stop();
      resumes.clear();
      await datastore.clear();
    },
    async setSyncExpressions(next) {
      for (const name of Object.keys(next)) {
        if (schema.models[name] === undefined) throw new Error(`syncExpressions names ${name}, which is not a model of the schema`);
      }
      const wasRunning = session !== null;
      if (wasRunning) await stop();
      expressions = next;
      if (wasRunning) await start();
    },
    async syncNow() {
      const s = session;
      if (s === null) return;
      await new Promise<void>((resolve) => {
        s.roundWaiters.push(resolve);
        s.trigger();
      });
    },
    onEvent: (listener) => events.on(listener),
    capabilities,
  };
}

/** MULTI_AUTH: the credentials by mode (validated); null with DEFAULT. */
function multiAuthProviders(options: SyncWorkerOptions): ReadonlyMap<AuthMode, SyncAuth> | null {
  const strategy = options.authModeStrategy ?? 'DEFAULT';
  if (strategy !== 'DEFAULT' && strategy !== 'MULTI_AUTH') throw new Error(`authModeStrategy must be 'DEFAULT' or 'MULTI_AUTH', got ${String(strategy)}`);
  const additional = options.additionalAuth ?? [];
  if (strategy === 'DEFAULT') {
    if (additional.length > 0) throw new Error("additionalAuth needs authModeStrategy 'MULTI_AUTH' (with DEFAULT only auth is used)");
    return null;
  }
  const byMode = new Map<AuthMode, SyncAuth>();
  for (const auth of [options.auth, ...additional]) {
    if (auth.type !== 'apiKey' && auth.type !== 'jwt') throw new Error(`MULTI_AUTH: unknown auth type ${String((auth as { type: unknown }).type)}`);
    if (byMode.has(auth.type)) throw new Error(`MULTI_AUTH: two ${auth.type} providers given (auth and additionalAuth); give each type once`);
    byMode.set(auth.type, auth);
  }
  return byMode;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}
