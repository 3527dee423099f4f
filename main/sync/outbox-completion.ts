// How an outbox entry ends (DESIGN.md "Nothing lost"), once core/outbox-step.ts has decided that it
// does: accepted → the detection compares what was sent with the item answered (overridden-edits.ts)
// and every value that did not survive becomes a review item, as does the pending `overwrote` item
// of a conflict retry known applied (core/uncertain-verdict.ts); refused for good → the local row
// goes back to the server's state and the device's version is kept in a review item
// (review-reasons.ts). Each item is written in the transaction that completes or fails its entry;
// completions of one turn of the event loop share one transaction. Nothing here sends anything.
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import type { OutboxEntry, PendingOverwrote } from '../datastore/outbox-entry.js';
import type { NewReviewItem } from '../datastore/review-items.js';
import type { FailureReport } from './core/outbox-step.js';
import { overwroteToStore } from './core/uncertain-verdict.js';
import type { OutboxStore } from './outbox-store.js';
import { overriddenFields, showsListConcatenation, type DetectionContext } from './overridden-edits.js';
import { overriddenReview, rejectedReview, type Refusal } from './review-reasons.js';
import type { SyncEvents } from './sync-events.js';

/**
 * Group commit for accepted entries: completions that arrive in the same turn of the event loop
 * (answers to concurrent mutations) are written in one transaction. A completion that a crash or
 * power loss undoes leaves its entry in flight, which the next start verifies with a `get` (never
 * resent blindly, never lost).
 */
class CompletionBatch {
  private pending: Array<{ id: number; serverRecord: ModelRecord; reviews: readonly NewReviewItem[]; resolve: () => void; reject: (error: unknown) => void }> =
    [];
  private scheduled = false;

  constructor(private readonly datastore: OutboxStore) {}

  /**
   * Completes entry `id` with the server's answer and stores `reviews` in the same transaction,
   * batched with the other completions of this turn.
   */
  complete(id: number, serverRecord: ModelRecord, reviews: readonly NewReviewItem[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, serverRecord, reviews, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    try {
      const outcomes = await this.datastore.outbox.completeEntries(batch.map(({ id, serverRecord, reviews }) => ({ id, serverRecord, reviews })));
      batch.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) item.resolve();
        else item.reject(outcome.error);
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}

/** Completes and fails outbox entries with what the detection finds, and reports the outbox's state. */
export class OutboxCompletion {
  /** Models whose server has been seen joining lists (AUTOMERGE): see overridden-edits.ts. */
  private readonly concatenatingModels = new Set<string>();
  private readonly completions: CompletionBatch;
  private statusEmission: Promise<void> | null = null;

  constructor(
    private readonly datastore: OutboxStore,
    private readonly events: SyncEvents,
  ) {
    this.completions = new CompletionBatch(datastore);
  }

  /**
   * Completes an accepted entry with the server's `record`, storing what the detection found (the
   * sent values that did not survive, and `overwrote` when its retry is there) with it.
   */
  async succeed(entry: OutboxEntry, model: ModelDef, sent: ModelRecord, record: ModelRecord, overwrote: PendingOverwrote | null): Promise<void> {
    const reviews: NewReviewItem[] = [];
    const replaced = overwroteToStore(overwrote, record);
    if (replaced !== null) reviews.push(replaced);
    const overridden = entry.operation === 'Delete' ? null : this.overridden(entry, model, sent, record);
    if (overridden !== null) reviews.push(overridden);
    await this.completions.complete(entry.id, record, reviews);
    this.events.emit('outboxMutationProcessed', { model: entry.model, element: record });
    await this.emitStatus();
  }

  /**
   * Removes a refused entry, restores the local row to `remote` and keeps the device's version as
   * a review item (one transaction); emits `error` when `report` is given.
   */
  async fail(
    entry: OutboxEntry,
    model: ModelDef,
    input: ModelRecord,
    remote: ModelRecord | null,
    refusal: Refusal | null,
    report: FailureReport | null,
  ): Promise<void> {
    await this.datastore.outbox.failEntry(
      entry.id,
      remote,
      refusal === null ? undefined : (localRow) => rejectedReview(model, entry, input, localRow, refusal, remote),
    );
    if (report !== null) {
      this.events.emit('error', {
        process: 'mutate',
        errorType: report.errorType,
        message: report.message,
        model: model.name,
        recordId: entry.modelId,
        operation: entry.operation,
        localModel: input,
        remoteModel: remote,
      });
    }
    await this.emitStatus();
  }

  /** Emits `outboxStatus` once per turn of the event loop: the answers of a batch arrive together. */
  private emitStatus(): Promise<void> {
    if (this.statusEmission !== null) return this.statusEmission;
    this.statusEmission = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.statusEmission = null;
      const count = await this.datastore.outbox.outboxCount();
      this.events.emit('outboxStatus', { isEmpty: count === 0, unsynced: count });
    });
    return this.statusEmission;
  }

  /** The review item of the sent values of a create/update that the answer `record` did not keep, or null. */
  private overridden(entry: OutboxEntry, model: ModelDef, sent: ModelRecord, record: ModelRecord): NewReviewItem | null {
    const base = entry.operation === 'Create' ? null : (entry.base ?? null);
    const sentVersion = sent._version;
    const answerVersion = record._version;
    const stale = typeof sentVersion === 'number' && typeof answerVersion === 'number' && answerVersion > sentVersion + 1;
    let context: DetectionContext = { stale, listsConcatenate: this.concatenatingModels.has(model.name) };
    if (!context.listsConcatenate && showsListConcatenation(model, sent, base, record, context)) {
      this.concatenatingModels.add(model.name);
      context = { ...context, listsConcatenate: true };
    }
    return overriddenReview(model, entry, sent, overriddenFields(model, sent, base, record, context), record);
  }
}
