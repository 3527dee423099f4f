// One run of the sync worker, from start() to stop(): its transport, outbox processor and live
// subscriptions, and the round loop — decided by the reducer in core/round-loop.ts, performed here
// (this class only does what the reducer's actions say, plus the teardown of stop()).
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { ConflictHandler } from './conflict-policy.js';
import { RETRY_POLICIES, tuned, type BackoffOptions } from './core/retry-policy.js';
import { INITIAL_ROUND_LOOP, roundLoop, type RoundLoopAction, type RoundLoopEvent } from './core/round-loop.js';
import { nextFullSyncDue, type SyncResume } from './core/sync-plan.js';
import { LiveSubscriptions } from './live-subscriptions.js';
import { SyncUnreachable } from './model-sync.js';
import { OutboxProcessor } from './outbox-processor.js';
import type { OutboxStore } from './outbox-store.js';
import { RetryCounter, sleep } from './retrying.js';
import type { ServerCapabilities } from './server-capabilities.js';
import type { SyncEvents } from './sync-events.js';
import { prepareStore, syncRound } from './sync-round.js';
import type { SyncStore } from './sync-store.js';
import type { OpenSyncTransport, SyncTransport } from './sync-transport.js';

/** The worker's settings a session runs with (validated by the worker). */
export interface SyncSessionConfig {
  readonly schema: Schema;
  /** The models synced, in schema order. */
  readonly models: readonly ModelDef[];
  readonly syncPageSize: number;
  readonly maxRecordsToSync: number;
  /** Milliseconds between full syncs. */
  readonly fullSyncInterval: number;
  readonly maxConcurrentMutations: number;
  readonly maxMutationsPerRequest: number;
  readonly conflictHandler: ConflictHandler;
  readonly backoff?: BackoffOptions;
}

/** What a session is opened with: the worker's config, ports, events and what outlives a session. */
export interface SyncSessionParts {
  readonly config: SyncSessionConfig;
  /** The local store: the worker's port and the outbox processor's (the datastore is both). */
  readonly store: SyncStore & OutboxStore;
  readonly openTransport: OpenSyncTransport;
  readonly events: SyncEvents;
  readonly capabilities: ServerCapabilities;
  /** The selective-sync predicates of this session (fixed for its life). */
  readonly predicateOf: (model: string) => Predicate | null;
  readonly resumes: Map<string, SyncResume>;
}

/** A running session: `ready` resolves at its first `ready` event (or at stop). */
export class SyncSession {
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly controller = new AbortController();
  private readonly transport: SyncTransport;
  private readonly processor: OutboxProcessor;
  private readonly live: LiveSubscriptions;
  private readonly backoff: RetryCounter;
  private readonly cleanups: Array<() => void> = [];
  private state = INITIAL_ROUND_LOOP;
  private roundWaiters: Array<() => void> = [];
  /**
   * Aborted by the reducer's `wake`: ends the current wait for a trigger, or the next one at once
   * when the wake comes before the wait has begun (the reducer is already `waiting` then).
   */
  private wakeUp = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  /** Prepares the store, connects the ports and starts the round loop. */
  static async open(parts: SyncSessionParts): Promise<SyncSession> {
    const uncertain = await prepareStore(parts.store, parts.config.models, { fullSyncInterval: parts.config.fullSyncInterval, predicateOf: parts.predicateOf });
    const session = new SyncSession(parts, uncertain);
    const unsynced = await parts.store.outbox.outboxCount();
    parts.events.emit('outboxStatus', { isEmpty: unsynced === 0, unsynced });
    session.loop = session.run();
    return session;
  }

  private constructor(
    private readonly parts: SyncSessionParts,
    /** `model:modelId` of entries that were in flight when the previous session ended. */
    private readonly uncertain: readonly string[],
  ) {
    const { config, events, store, capabilities } = parts;
    const signal = this.controller.signal;
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
    this.backoff = new RetryCounter(tuned(RETRY_POLICIES.syncRound, config.backoff));
    const transport = (this.transport = parts.openTransport({ capabilities, signal }));
    this.processor = new OutboxProcessor({
      datastore: store,
      schema: config.schema,
      // Batches and mutation ids only where the server said it supports them (mutation-batcher.ts).
      capabilities,
      mutate: (q, v, sendSignal, route, extensions) => transport.mutate(route, q, v, sendSignal, extensions),
      // The stop signal ends a `get` of an uncertain entry too, so stopping never waits for its timeout.
      query: (q, v, model) => transport.query(model, q, v, signal),
      mutationRoute: (model, operation) => transport.mutationRoute(model, operation),
      events,
      conflictHandler: config.conflictHandler,
      // A server that announced `mutationIds` applies a resent mutation id once: no `get` first.
      resendIsIdempotent: () => capabilities.has('mutationIds'),
      maxConcurrentMutations: config.maxConcurrentMutations,
      maxMutationsPerRequest: config.maxMutationsPerRequest,
      ...(config.backoff ? { backoff: config.backoff } : {}),
    });
    this.live = new LiveSubscriptions({
      schema: config.schema,
      models: config.models,
      predicateOf: parts.predicateOf,
      transport,
      store,
      events,
      signal,
      ...(config.backoff ? { backoff: config.backoff } : {}),
      requestRound: () => this.trigger(),
    });
    this.cleanups.push(
      store.onOutboxEvent((event) => {
        events.emit('outboxMutationEnqueued', { model: event.model, element: event.element });
        events.emit('outboxStatus', { isEmpty: false });
        this.processor.wake();
      }),
      transport.onConnection('disrupted', () => this.react({ kind: 'disrupted' })),
      transport.onConnection('reconnected', () => this.react({ kind: 'reconnected' })),
    );
  }

  /** Asks for a round now (or right after the running one). */
  trigger(): void {
    this.react({ kind: 'triggered' });
  }

  /** Runs a round now; resolves when it finished or failed (or the session stopped). */
  syncNow(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.roundWaiters.push(resolve);
      this.trigger();
    });
  }

  /** Stops the loop, the subscriptions and the outbox; resolves when nothing of the session runs any more. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.react({ kind: 'stopped' });
    this.live.unsubscribeAll();
    for (const cleanup of this.cleanups) cleanup();
    await this.processor.stop();
    await this.loop.catch(() => undefined);
    await this.live.idle();
    this.transport.close();
    this.resolveReady();
    this.releaseWaiters();
  }

  private dispatch(event: RoundLoopEvent): readonly RoundLoopAction[] {
    const step = roundLoop(this.state, event);
    this.state = step.state;
    return step.actions;
  }

  /** An event from outside the loop (connection, trigger, stop): its actions are all immediate. */
  private react(event: RoundLoopEvent): void {
    for (const action of this.dispatch(event)) {
      if (action.kind === 'networkStatus') this.parts.events.emit('networkStatus', { active: action.active });
      else if (action.kind === 'wakeOutbox') this.processor.wake();
      else if (action.kind === 'wake') this.wakeUp.abort();
    }
  }

  private async run(): Promise<void> {
    let event: RoundLoopEvent | null = { kind: 'roundStarted', woken: false };
    while (event !== null && !this.controller.signal.aborted) event = await this.perform(this.dispatch(event));
  }

  /** Performs a step's actions in order; the event that follows (null: none), or `roundFailed` when one threw. */
  private async perform(actions: readonly RoundLoopAction[]): Promise<RoundLoopEvent | null> {
    let next: RoundLoopEvent | null = null;
    try {
      for (const action of actions) next = (await this.performOne(action)) ?? next;
      return next;
    } catch (error) {
      if (this.controller.signal.aborted) return null;
      return { kind: 'roundFailed', unreachable: error instanceof SyncUnreachable, message: `sync round failed: ${(error as Error).message}` };
    }
  }

  private async performOne(action: RoundLoopAction): Promise<RoundLoopEvent | void> {
    const { events } = this.parts;
    switch (action.kind) {
      case 'networkStatus':
        return events.emit('networkStatus', { active: action.active });
      case 'subscriptionsEstablished':
        return events.emit('subscriptionsEstablished', undefined);
      case 'bufferEvents':
        return this.live.hold();
      case 'openSubscriptions':
        await this.live.open();
        return { kind: 'connected' };
      case 'awaitSubscriptions':
        await this.live.up();
        return { kind: 'connected' };
      case 'syncRound':
        return syncRound({ ...this.parts.config, ...this.parts, transport: this.transport, signal: this.controller.signal });
      case 'applyBuffer':
        return this.live.applyBuffer();
      case 'releaseBuffer':
        return this.live.release();
      case 'resetBackoff':
        return this.backoff.reset();
      case 'startOutbox':
        return this.processor.start(this.uncertain);
      case 'wakeOutbox':
        return this.processor.wake();
      case 'awaitOutboxSettled':
        await this.processor.settled();
        return { kind: 'roundSucceeded' };
      case 'roundDone':
        return { kind: 'roundSucceeded' };
      case 'ready':
        events.emit('ready', undefined);
        return this.resolveReady();
      case 'releaseWaiters':
        return this.releaseWaiters();
      case 'reportError':
        return events.emit('error', { process: 'sync', errorType: 'SyncFailed', message: action.message });
      case 'waitForTrigger':
        await this.waitForTrigger();
        return { kind: 'roundStarted', woken: true };
      case 'wake':
        return this.wakeUp.abort();
      case 'nextRound':
        return { kind: 'roundStarted', woken: true };
      case 'backOff':
        await sleep(this.backoff.next(), this.controller.signal);
        return { kind: 'roundStarted', woken: false };
    }
  }

  /** Until a trigger, the stop, or the next due full sync (at most `fullSyncInterval`, at least 1 s). */
  private async waitForTrigger(): Promise<void> {
    try {
      const due = nextFullSyncDue(await this.parts.store.syncMetadata.listSyncMetadata());
      const wait = due === null ? this.parts.config.fullSyncInterval : Math.max(1_000, due - Date.now() + 1);
      await sleep(Math.min(wait, 2 ** 31 - 1), AbortSignal.any([this.controller.signal, this.wakeUp.signal]));
    } finally {
      this.wakeUp = new AbortController();
    }
  }

  private releaseWaiters(): void {
    for (const resolve of this.roundWaiters.splice(0)) resolve();
  }
}
