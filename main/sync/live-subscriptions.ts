// The live half of sync (PROTOCOL.md §5): onCreate/onUpdate/onDelete per synced model, opened
// once per session through the SyncTransport. While a round runs their events are held and applied
// after it (the round's pages must not overwrite newer live data); between rounds each event is
// applied as it comes, in arrival order. What a failed subscription leads to is decided in
// core/subscription-failure.ts; the retry wait is RETRY_POLICIES.subscription.
import { matches } from '../../common/predicates/evaluate.js';
import { toGraphqlFilter } from '../../common/predicates/to-graphql.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { RealtimeFrameError } from '../../common/realtime/realtime-frames.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { RETRY_POLICIES, tuned, type BackoffOptions } from './core/retry-policy.js';
import { readRecord, SUBSCRIPTION_KINDS, subscriptionDocument, type SubscriptionKind } from './graphql-documents.js';
import { SyncUnreachable } from './model-sync.js';
import { RetryCounter, sleep } from './retrying.js';
import type { SyncEvents } from './sync-events.js';
import type { SyncStore } from './sync-store.js';
import type { LiveSubscription, SubscriptionGiveUp, SyncTransport } from './sync-transport.js';

export interface LiveSubscriptionsOptions {
  readonly schema: Schema;
  /** The models synced, in schema order. */
  readonly models: readonly ModelDef[];
  /** A model's selective-sync predicate (null: everything). */
  readonly predicateOf: (model: string) => Predicate | null;
  readonly transport: SyncTransport;
  readonly store: Pick<SyncStore, 'remote'>;
  readonly events: SyncEvents;
  /** The session's stop signal. */
  readonly signal: AbortSignal;
  readonly backoff?: BackoffOptions;
  /** Asks the round loop for a (delta) round: after a subscription came back, for what it missed. */
  readonly requestRound: () => void;
}

/** The subscriptions of one session, their event buffer and the chain applying their events. */
export class LiveSubscriptions {
  private readonly handles: LiveSubscription[] = [];
  /** Events received while a sync round runs; applied after it (null: apply at once). */
  private buffer: Array<{ model: string; record: ModelRecord }> | null = [];
  /** Serialises applying live events so they land in arrival order. */
  private applying: Promise<void> = Promise.resolve();
  private readonly retries = new Map<string, RetryCounter>();

  constructor(private readonly options: LiveSubscriptionsOptions) {}

  /** Holds events from now until `applyBuffer()`. */
  hold(): void {
    this.buffer ??= [];
  }

  /** Waits for events being applied, then applies the held ones (consecutive events of one model in one transaction); new events apply at once. */
  async applyBuffer(): Promise<void> {
    await this.applying;
    await this.flush();
  }

  /** Applies the held events without waiting for the chain (a failed round); never rejects. */
  async release(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  /** Waits for every event being applied (stop()); never rejects. */
  async idle(): Promise<void> {
    await this.applying.catch(() => undefined);
  }

  /** Stops every subscription. */
  unsubscribeAll(): void {
    for (const handle of this.handles) handle.unsubscribe();
  }

  /** Opens 3 subscriptions per model; resolves when each is acknowledged or failed for good, rejects when the socket cannot connect. */
  open(): Promise<void> {
    const { transport, signal } = this.options;
    const pending = new Set<string>();
    let settle!: () => void;
    let fail!: (error: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const stopListening = transport.onConnection('connectFailed', () => fail(new SyncUnreachable('the real-time endpoint cannot be reached')));
    // stop() unsubscribes every handle, after which no ack or failure ever arrives: without this
    // the round loop (and so stop(), which awaits it) would wait forever.
    const onAbort = (): void => settle();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) settle();
    void done
      .finally(() => {
        stopListening();
        signal.removeEventListener('abort', onAbort);
      })
      .catch(() => undefined);
    const check = (): void => {
      if (pending.size === 0) settle();
    };
    for (const model of this.options.models) {
      if (model.subscriptions?.level === 'off') continue;
      for (const kind of SUBSCRIPTION_KINDS) this.subscribe(model, kind, pending, check);
    }
    check();
    return done;
  }

  /**
   * Waits until the socket is up and every subscription acknowledged again (after a failed first
   * attempt); also resolves when the session stops (the caller checks the signal).
   */
  up(): Promise<void> {
    const { transport, signal } = this.options;
    if (transport.connected || signal.aborted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        stopUp();
        stopFail();
        signal.removeEventListener('abort', onUp);
      };
      const onUp = (): void => {
        cleanup();
        resolve();
      };
      const stopUp = transport.onConnection('established', onUp);
      const stopFail = transport.onConnection('connectFailed', () => {
        cleanup();
        reject(new SyncUnreachable('the real-time endpoint cannot be reached'));
      });
      // After stop() unsubscribes everything, the client drops its socket and its pending
      // reconnect: neither event comes any more, so the stop itself must end the wait.
      signal.addEventListener('abort', onUp, { once: true });
    });
  }

  private subscribe(model: ModelDef, kind: SubscriptionKind, pending: Set<string>, check: () => void): void {
    const id = `${model.name}.${kind}`;
    const predicate = this.options.predicateOf(model.name);
    const field = subscriptionDocument(this.options.schema, model, kind, { withFilter: false }).field;
    pending.add(id);
    const handle = this.options.transport.subscribe(
      { model, kind, filter: predicate === null ? null : toGraphqlFilter(predicate) },
      {
        data: (answer) => this.onData(model, field, answer.data, answer.errors.length > 0),
        acknowledged: () => {
          pending.delete(id);
          check();
        },
        failed: (errors, action) => {
          pending.delete(id);
          this.onFailed({ id, model, field, handle, pending }, errors, action);
          check();
        },
      },
    );
    this.handles.push(handle);
  }

  private onFailed(
    sub: { readonly id: string; readonly model: ModelDef; readonly field: string; readonly handle: LiveSubscription; readonly pending: Set<string> },
    errors: readonly RealtimeFrameError[],
    action: SubscriptionGiveUp,
  ): void {
    const { events, signal } = this.options;
    if (action.kind === 'withoutFilter') {
      sub.pending.add(sub.id);
      sub.handle.resubscribe(null);
      return;
    }
    if (action.report) {
      const message = errors.map((e) => e.message).join('; ');
      events.emit('error', {
        process: 'subscribe',
        errorType: errors[0]?.errorType ?? 'SubscriptionFailed',
        model: sub.model.name,
        message: `${sub.field} subscription failed: ${message}`,
      });
    }
    if (!action.retryLater) return;
    const retry = this.retries.get(sub.id) ?? new RetryCounter(tuned(RETRY_POLICIES.subscription, this.options.backoff));
    this.retries.set(sub.id, retry);
    void sleep(retry.next(), signal).then(() => {
      if (signal.aborted) return;
      sub.pending.add(sub.id);
      // A filtered subscription is never retried later (it first falls back to no filter): none now.
      sub.handle.resubscribe(null);
      this.options.requestRound();
    });
  }

  private onData(model: ModelDef, field: string, data: Readonly<Record<string, unknown>> | null, hasErrors: boolean): void {
    // Amplify skips events whose payload carries errors (partial selection sets from other writers).
    if (hasErrors) return;
    const record = readRecord(model, field, data);
    if (record === null) return;
    if (this.buffer !== null) {
      this.buffer.push({ model: model.name, record });
      return;
    }
    this.applying = this.applying
      .then(() => this.apply(model.name, [record]))
      .catch((error: unknown) =>
        this.options.events.emit('error', {
          process: 'subscribe',
          errorType: 'BadRecord',
          model: model.name,
          message: `could not apply a ${model.name} event: ${(error as Error).message}`,
        }),
      );
  }

  private async flush(): Promise<void> {
    const buffered = this.buffer ?? [];
    this.buffer = null;
    // Consecutive events of one model go in one transaction; order across models is kept.
    let i = 0;
    while (i < buffered.length) {
      let j = i;
      while (j < buffered.length && buffered[j].model === buffered[i].model) j++;
      await this.apply(
        buffered[i].model,
        buffered.slice(i, j).map((b) => b.record),
      );
      i = j;
    }
  }

  private async apply(model: string, records: ModelRecord[]): Promise<void> {
    if (records.length === 0) return;
    const predicate = this.options.predicateOf(model);
    // With selective sync, a record that no longer matches has left this device's set: it is
    // applied as a removal (Amplify just drops the event and keeps a stale copy). Servers that
    // filter subscriptions never send such an event; there the next full sync removes the record.
    const applied = predicate === null ? records : records.map((r) => (r._deleted === true || matches(predicate, r) ? r : { ...r, _deleted: true }));
    await this.options.store.remote.applyRemote(model, applied);
  }
}
