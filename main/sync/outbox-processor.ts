// Drains the outbox (PROTOCOL.md §4.3–4.6, DESIGN.md "Sync worker" 2–4): per record one entry at a
// time and in order, different records concurrently (at most `maxConcurrentMutations` records in
// flight, those started together sent in requests of up to `maxMutationsPerRequest` mutations).
// Each answer is classified (mutation-outcome.ts) and the entry's next step decided by
// core/outbox-step.ts, which `process` interprets: success → completed (outbox-completion.ts);
// conflict → conflict policy → retry or take the server state (outbox-conflict.ts); rejected →
// entry removed, local row restored to the server's state, `error` event; network/5xx → retried
// with backoff, never dropped.
//
// Nothing is lost without a trace (DESIGN.md "Nothing lost"): what did not survive of a write
// becomes a review item, written in the transaction that completes or fails its entry
// (outbox-completion.ts); what a conflict retry will overwrite is kept with its entry before the
// retry is sent, so a process that dies before the answer still leads to it.
//
// A failure whose request may have reached the server (network error, 5xx, a crash while in
// flight) is "uncertain". With a server that answers a repeated mutation id from its record
// (`resendIsIdempotent`) it is simply resent; otherwise it is checked with a `get` first
// (outbox-uncertain-check.ts): a server version past the one sent means the write (or a later one)
// is there — completed with the server's record, never sent twice, and the detection shows any
// sent value that is not there.
import { toConditionInput } from '../../common/predicates/to-graphql.js';
import { getModel } from '../../common/schema/model-fields.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { OutboxEntry, PendingOverwrote } from '../datastore/outbox-entry.js';
import { DEFAULT_ROUTE, type MutationRoute } from './core/mutation-route.js';
import { initialOutboxState, nextOutboxStep, type OutboxAnswer } from './core/outbox-step.js';
import { RETRY_POLICIES, retryDelay, tuned, type BackoffOptions, type RetryPolicy } from './core/retry-policy.js';
import type { ConflictHandler } from './conflict-policy.js';
import { mutationParts, mutationVariables, withoutRelations, type MutationParts } from './graphql-documents.js';
import { MutationBatcher, type AnnouncedCapabilities, type MutationSender } from './mutation-batcher.js';
import { classifyMutationAnswer, type GraphqlAnswer, type MutationOutcome } from './mutation-outcome.js';
import { OutboxCompletion } from './outbox-completion.js';
import { OutboxConflicts } from './outbox-conflict.js';
import type { OutboxStore } from './outbox-store.js';
import { OutboxServerCheck } from './outbox-uncertain-check.js';
import { sleep } from './retrying.js';
import type { SyncEvents } from './sync-events.js';

export interface OutboxProcessorOptions {
  /** The local outbox and conflict log (the datastore). */
  readonly datastore: OutboxStore;
  readonly schema: Schema;
  /**
   * Sends a mutation request; `signal` aborts it when the processor stops (the entry then stays
   * uncertain). `route` is what `mutationRoute` gave for every mutation in the request.
   */
  readonly mutate: MutationSender;
  /** What the server announced (read at every send): batching and mutation ids only where it says so. Default: nothing. */
  readonly capabilities?: AnnouncedCapabilities;
  /** Runs a `get` of a record of `model`. */
  readonly query: (query: string, variables: Record<string, unknown>, model: string) => Promise<GraphqlAnswer>;
  /**
   * Which requests a mutation may share (MULTI_AUTH: its auth-mode list); only mutations of one
   * route are batched together. Default: one route for all.
   */
  readonly mutationRoute?: (model: string, operation: OutboxEntry['operation']) => MutationRoute;
  readonly events: SyncEvents;
  readonly conflictHandler: ConflictHandler;
  /** Records with a mutation in flight at once (1 = Amplify's one-at-a-time). */
  readonly maxConcurrentMutations: number;
  /** Most mutations sent in one request (1 = every mutation in a request of its own). */
  readonly maxMutationsPerRequest: number;
  /** Retry backoff for network/5xx failures over RETRY_POLICIES.mutation (2^n × 100 ms + jitter, capped at 5 min). */
  readonly backoff?: BackoffOptions;
  /**
   * True when the server answers a resent mutation id from its record instead of applying it
   * again (the Outpost server's `mutationIds` capability); then an uncertain entry is resent
   * without a `get`. Asked at each uncertain entry. Default: false (AWS AppSync).
   */
  readonly resendIsIdempotent?: () => boolean;
}

interface Task {
  readonly key: string;
  sending: boolean;
}

/** Drains the outbox while started: `start()`, `wake()` on new entries or reconnect, `settled()`, `stop()`. */
export class OutboxProcessor {
  private readonly tasks = new Map<string, Task>();
  private readonly batcher: MutationBatcher;
  private readonly partsCache = new Map<string, MutationParts>();
  /** Records whose last attempt may have reached the server: verified with a `get` before resending. */
  private readonly uncertain = new Set<string>();
  private running = false;
  private stopController = new AbortController();
  /** Aborted (and replaced) by wake(): cuts every retry sleep short when the network is back. */
  private wakeController = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];
  private changed = false;
  private readonly completion: OutboxCompletion;
  private readonly conflicts: OutboxConflicts;
  private readonly serverCheck: OutboxServerCheck;
  private readonly retryPolicy: RetryPolicy;

  constructor(private readonly options: OutboxProcessorOptions) {
    this.retryPolicy = tuned(RETRY_POLICIES.mutation, options.backoff);
    this.batcher = new MutationBatcher(options.mutate, Math.max(1, Math.floor(options.maxMutationsPerRequest)), options.capabilities);
    this.completion = new OutboxCompletion(options.datastore, options.events);
    this.conflicts = new OutboxConflicts(options.datastore, options.events, options.conflictHandler);
    this.serverCheck = new OutboxServerCheck(options.schema, options.query);
  }

  /** Starts draining; `uncertainKeys` are records (`model:modelId`) whose entry was in flight when the last session ended. */
  start(uncertainKeys: Iterable<string> = []): void {
    if (this.running) return;
    for (const key of uncertainKeys) this.uncertain.add(key);
    this.running = true;
    this.stopController = new AbortController();
    this.loopDone = this.loop();
  }

  /** Stops starting new sends, cuts retry waits short and waits for requests on the wire to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopController.abort();
    this.wake();
    await this.loopDone;
  }

  /** New entries or the network is back: look again now and retry waiting entries at once. */
  wake(): void {
    this.changed = true;
    // Sleepers hold the current signal; later ones get a fresh one (wakeSignal). Aborting only
    // once per sleep keeps a burst of wakes (a batch of answers) cheap.
    this.wakeController.abort();
  }

  /**
   * Resolves when every entry that can be sent has had an attempt and no request is on the wire
   * (entries waiting to retry after a network failure do not hold it up).
   */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  private async loop(): Promise<void> {
    const running = new Set<Promise<void>>();
    while (this.running) {
      this.changed = false;
      // Records waiting to retry keep their place: while the server is down, new records are not
      // started only to fail too. Other records still flow through the free places.
      const room = this.options.maxConcurrentMutations - this.tasks.size;
      let started = 0;
      if (room > 0) {
        let entries: OutboxEntry[] = [];
        try {
          // The query already skips records with an entry in flight (every running task's); the
          // margin covers a task whose entry completed a moment before its record left `tasks`.
          entries = await this.options.datastore.outbox.peekSendable(room + Math.min(this.tasks.size, 4));
        } catch (error) {
          if (!this.running) break;
          console.error('outbox: could not read the queue:', error);
          await sleep(retryDelay(1, RETRY_POLICIES.outboxStore), this.anySignal());
          continue;
        }
        const chosen: OutboxEntry[] = [];
        for (const entry of entries) {
          if (chosen.length >= room || this.tasks.has(`${entry.model}:${entry.modelId}`)) continue;
          chosen.push(entry);
        }
        let marked: OutboxEntry[] = [];
        try {
          // One transaction for the whole batch: one fsync, not one per entry.
          marked = await this.options.datastore.outbox.markManyInFlight(chosen.map((e) => e.id));
        } catch (error) {
          if (!this.running) break;
          console.error('outbox: could not mark entries in flight:', error);
          await sleep(retryDelay(1, RETRY_POLICIES.outboxStore), this.anySignal());
          continue;
        }
        for (const entry of marked) {
          const key = `${entry.model}:${entry.modelId}`;
          const task: Task = { key, sending: true };
          this.tasks.set(key, task);
          started++;
          const done = this.process(entry, task)
            .catch((error: unknown) => console.error(`outbox: entry ${entry.id} failed unexpectedly:`, error))
            .finally(() => {
              this.tasks.delete(key);
              running.delete(done);
              this.wake();
            });
          running.add(done);
        }
      }
      if (started === 0 && ![...this.tasks.values()].some((t) => t.sending) && !this.changed) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
      if (this.changed) continue;
      // Sleep until something changes (a task finished, a new entry, wake()).
      await sleep(60_000, this.wakeSignal());
    }
    this.stopController.abort();
    await Promise.allSettled([...running]);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private model(entry: OutboxEntry): ModelDef {
    return getModel(this.options.schema, entry.model);
  }

  /**
   * Sends `entry` (already marked in flight) until it is completed, rejected or the processor
   * stops: interprets the steps of core/outbox-step.ts.
   */
  private async process(entry: OutboxEntry, task: Task): Promise<void> {
    const model = this.model(entry);
    const parts = this.mutationParts(model, entry);
    const condition = entry.condition === null ? null : toConditionInput(entry.condition, model);
    let data: ModelRecord = entry.data;
    let variables = mutationVariables(model, entry.operation, data, condition);
    let input = variables.input as Record<string, unknown>;
    /** Another device's values the latest conflict retry replaces (stored once that retry is known applied). */
    let overwrote: PendingOverwrote | null = entry.pendingOverwrote ?? null;
    let state = initialOutboxState({ model: model.name, modelId: entry.modelId, operation: entry.operation }, this.uncertain.has(task.key));
    let answer: OutboxAnswer = { kind: 'begin' };
    for (;;) {
      const next = nextOutboxStep(state, answer, { resendIsIdempotent: this.options.resendIsIdempotent?.() === true, policy: this.retryPolicy });
      state = next.state;
      if (state.uncertain) this.uncertain.add(task.key);
      else this.uncertain.delete(task.key);
      const step = next.step;
      switch (step.kind) {
        case 'verify':
        case 'send':
        case 'fetchServer':
          if (this.stopController.signal.aborted) return; // stays in flight: verified on the next start
          if (step.kind !== 'fetchServer') {
            // Fresh variables for every request, as the transport may keep what it was given.
            variables = mutationVariables(model, entry.operation, data, condition);
            input = variables.input as Record<string, unknown>;
          }
          answer = await this.io(step.kind, model, entry, task, parts, variables, input);
          break;
        case 'retryAfter':
          await sleep(step.ms, this.anySignal());
          answer = { kind: 'waited' };
          break;
        case 'askConflictHandler': {
          const conflict = { entry, model, local: input, condition, remote: step.remote, attempts: step.attempts };
          const outcome = await this.conflicts.answer(conflict, overwrote);
          if (outcome.retryData !== null) data = outcome.retryData;
          overwrote = outcome.overwrote;
          answer = { kind: 'resolved', resolution: outcome.resolution };
          break;
        }
        case 'complete':
          await this.completion.succeed(entry, model, input, step.record, overwrote);
          return;
        case 'fail':
          await this.completion.fail(entry, model, input, step.remote, step.refusal, step.report);
          return;
      }
    }
  }

  /** One request of a step: the `get` check, the mutation, or a fetch of the server's record; its answer for the next step. */
  private async io(
    kind: 'verify' | 'send' | 'fetchServer',
    model: ModelDef,
    entry: OutboxEntry,
    task: Task,
    parts: MutationParts,
    variables: Record<string, unknown>,
    input: Record<string, unknown>,
  ): Promise<OutboxAnswer> {
    if (kind === 'fetchServer') return { kind: 'fetched', record: await this.serverCheck.serverRecord(model, entry) };
    task.sending = true;
    try {
      if (kind === 'verify') return { kind: 'verified', verdict: await this.serverCheck.alreadyApplied(model, entry, input) };
      const answer = await this.batcher.mutate(
        { parts, variables, ...(entry.mutationId !== undefined ? { mutationId: entry.mutationId } : {}) },
        this.stopController.signal,
        this.options.mutationRoute?.(model.name, entry.operation) ?? DEFAULT_ROUTE,
      );
      return { kind: 'sent', outcome: withoutOutcomeRelations(model, classifyMutationAnswer(parts.field, answer)) };
    } finally {
      task.sending = false;
    }
  }

  private mutationParts(model: ModelDef, entry: OutboxEntry): MutationParts {
    const key = `${model.name}:${entry.operation}`;
    let parts = this.partsCache.get(key);
    if (parts === undefined) {
      parts = mutationParts(this.options.schema, model, entry.operation);
      this.partsCache.set(key, parts);
    }
    return parts;
  }

  private anySignal(): AbortSignal {
    return AbortSignal.any([this.wakeSignal(), this.stopController.signal]);
  }

  private wakeSignal(): AbortSignal {
    if (this.wakeController.signal.aborted) this.wakeController = new AbortController();
    return this.wakeController.signal;
  }
}

/** `outcome` with relation fields stripped from the records it carries (the store keeps only own fields). */
function withoutOutcomeRelations(model: ModelDef, outcome: MutationOutcome): MutationOutcome {
  switch (outcome.kind) {
    case 'success':
      return { ...outcome, record: withoutRelations(model, outcome.record) };
    case 'conflict':
    case 'rejected':
      return outcome.remote === null ? outcome : { ...outcome, remote: withoutRelations(model, outcome.remote) };
    default:
      return outcome;
  }
}
