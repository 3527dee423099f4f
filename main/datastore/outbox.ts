// The sync worker's view of the outbox (PROTOCOL.md §4.3, DESIGN.md "Sync worker" 2 and 4).
//
// Life of an entry: queued by a local save/delete (datastore.ts) → offered by peekSendable →
// markInFlight while the mutation is on the wire → completeEntry (server accepted) or failEntry
// (non-retryable rejection). A retryable failure simply leaves it in flight until the worker tries
// again; after a crash releaseInFlight() makes every in-flight entry pending again (the server
// deduplicates nothing, but a resent create of an existing id fails the key condition and a resent
// update carries the same `_version`, so at-least-once delivery is safe).
//
// Per record, entries are sent strictly in order and one at a time; different records may be in
// flight together.
import { sql } from 'kysely';
import type { ModelRecord } from '../../common/schema/types.js';
import { NotFound, OutpostError, ValidationError } from '../../common/errors.js';
import type { StoreCore } from './store-core.js';
import { decodeEntry } from './store-core.js';
import { OUTBOX_TABLE } from './internal-tables.js';
import { ENTRY_METADATA_KEYS, type OutboxEntry, type PendingOverwrote } from './outbox-entry.js';
import type { SqlRow } from './sqlite-connection.js';
import type { ChangeEvent } from './change-events.js';
import { valuesEqual } from './value-equality.js';
import { isTombstone, rowFromServer } from './server-record.js';
import type { ModelTable } from './model-table.js';
import type { NewReviewItem, ReviewInbox, ReviewRecord } from './review-items.js';
import { acceptedListChanges, ListWatchStore, mergeWatches, withoutRewritten } from './list-watches.js';

/** What completing one entry did: merged into the local row, and how many later entries got its version. */
export interface CompletionResult {
  readonly merged: boolean;
  readonly versionsPropagated: number;
}

/** One slot of completeEntries: the result, or why that completion was refused (rolled back alone). */
export type CompletionOutcome = { readonly ok: true; readonly result: CompletionResult } | { readonly ok: false; readonly error: unknown };

/** One accepted entry: the server's answer and the review items its detection found (stored with it). */
export interface Completion {
  readonly id: number;
  readonly serverRecord: ModelRecord;
  readonly reviews?: readonly NewReviewItem[];
}

export class Outbox {
  private readonly watches: ListWatchStore;

  constructor(
    private readonly core: StoreCore,
    private readonly reviews: ReviewInbox,
  ) {
    this.watches = new ListWatchStore(core);
  }

  /**
   * Entries ready to send, oldest first: for each record the oldest entry, only if none of that
   * record's entries is in flight; at most `limit` (default 10). Entries of models the current
   * schema no longer has are never offered (they stay queued; clear() discards them).
   */
  async peekSendable(limit = 10): Promise<OutboxEntry[]> {
    this.core.assertOpen();
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ValidationError(`limit must be a positive integer, got ${limit}`);
    const models = [...this.core.tables.keys()];
    // Walks the queue in id order (NOT INDEXED: the rowid scan, not the record index plus a sort)
    // and stops after `limit` hits, each row checked with two probes of the (model, modelId, id) index. (A GROUP BY over the whole queue cost 27 ms per call with 10k
    // entries queued, and the drain calls this once per pass: quadratic.)
    const query = sql<Record<string, unknown>>`
      SELECT o.* FROM ${sql.table(OUTBOX_TABLE)} AS o NOT INDEXED
      WHERE o."model" IN (${sql.join(models)})
        AND NOT EXISTS (SELECT 1 FROM ${sql.table(OUTBOX_TABLE)} AS e
                        WHERE e."model" = o."model" AND e."modelId" = o."modelId" AND e."id" < o."id")
        AND NOT EXISTS (SELECT 1 FROM ${sql.table(OUTBOX_TABLE)} AS f
                        WHERE f."model" = o."model" AND f."modelId" = o."modelId" AND f."inFlight" = 1)
      ORDER BY o."id" LIMIT ${limit}`.compile(this.core.conn.kysely);
    return this.core.conn.all(query).map(decodeSendable);
  }

  /** Marks an entry as being sent. It must be its record's oldest entry and nothing of the record may be in flight. */
  async markInFlight(id: number): Promise<OutboxEntry> {
    return this.core.conn.transaction(() => this.markOne(id));
  }

  /**
   * markInFlight for several entries in ONE transaction (one fsync instead of one per entry — the
   * commit dominates a drain under synchronous=FULL). Entries that cannot be marked (gone, not
   * their record's oldest, record already in flight) are skipped; returns the marked ones, in order.
   */
  async markManyInFlight(ids: readonly number[]): Promise<OutboxEntry[]> {
    this.core.assertOpen();
    if (ids.length === 0) return [];
    for (const id of ids) {
      if (!Number.isSafeInteger(id)) throw new ValidationError(`outbox entry ids must be integers, got ${String(id)}`);
    }
    // One statement checks and marks them all (markOne's rules: the record's oldest entry, nothing
    // of the record in flight); two ids of one record cannot both pass the "oldest" test.
    const rows = this.core.conn.transaction(() =>
      this.core.conn.all({
        sql: `UPDATE "${OUTBOX_TABLE}" AS o SET "inFlight" = 1, "sent" = 1
              WHERE o."id" IN (${ids.map(() => '?').join(', ')}) AND o."inFlight" = 0
                AND NOT EXISTS (SELECT 1 FROM "${OUTBOX_TABLE}" AS e
                                WHERE e."model" = o."model" AND e."modelId" = o."modelId" AND e."id" < o."id")
                AND NOT EXISTS (SELECT 1 FROM "${OUTBOX_TABLE}" AS f
                                WHERE f."model" = o."model" AND f."modelId" = o."modelId" AND f."inFlight" = 1)
              RETURNING *`,
        parameters: [...ids],
      }),
    );
    const marked = new Map(rows.map((row) => [Number(row.id), decodeSendable(row)]));
    return ids.flatMap((id) => marked.get(id) ?? []);
  }

  private markOne(id: number): OutboxEntry {
    const entry = this.requireEntry(id);
    const queued = this.core.entriesFor(entry.model, entry.modelId);
    if (queued.some((e) => e.inFlight)) {
      throw new OutpostError('OutboxOrder', `outbox entry ${id}: ${entry.model} ${entry.modelId} already has an entry in flight`);
    }
    if (queued[0]?.id !== id) {
      throw new OutpostError('OutboxOrder', `outbox entry ${id} is not the oldest entry of ${entry.model} ${entry.modelId}`);
    }
    const k = this.core.conn.kysely;
    this.core.conn.run(k.updateTable(OUTBOX_TABLE).set({ inFlight: 1, sent: 1 }).where('id', '=', id).compile());
    return { ...entry, inFlight: true, sent: true };
  }

  /**
   * The server accepted entry `id` and answered `serverRecord`. In one transaction: removes the
   * entry; when the answer echoes every value that was sent, copies its `_version` and
   * `_lastChangedAt` into the record's later entries (PROTOCOL.md §4.3 — so they are not sent
   * against a stale version); when nothing else is queued for the record, merges the answer into
   * the local row (a tombstone deletes it). Returns what happened.
   */
  async completeEntry(id: number, serverRecord: ModelRecord, reviews: readonly NewReviewItem[] = []): Promise<CompletionResult> {
    const [outcome] = await this.completeEntries([{ id, serverRecord, reviews }]);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * completeEntry for several accepted entries in ONE transaction, not waiting for the fsync. Each
   * completion runs in its own savepoint: one that fails (entry gone, wrong record) is rolled back
   * alone and reported in its slot; the others commit. Change events are emitted after the commit.
   */
  async completeEntries(completions: ReadonlyArray<Completion>): Promise<CompletionOutcome[]> {
    this.core.assertOpen();
    if (completions.length === 0) return [];
    const events: ChangeEvent[] = [];
    const reviews: ReviewRecord[] = [];
    // Committed without waiting for the fsync: a completion undone by a power loss leaves its entry
    // in flight, and the next start verifies in-flight entries with a `get` before anything is
    // resent — the edit is neither lost nor applied twice. (markInFlight stays fully durable: it is
    // what makes that check happen.)
    const outcomes = this.core.conn.transactionWithoutSync(() => {
      this.watches.prune(Date.now());
      return completions.map(({ id, serverRecord, reviews: items = [] }): CompletionOutcome => {
        const mine: ChangeEvent[] = [];
        try {
          // Nested transaction = savepoint: a failure undoes this completion (and its review items) only.
          const [result, stored] = this.core.conn.transaction(() => {
            const undone: ReviewRecord[] = [];
            const done = this.completeOne(id, serverRecord, mine, undone);
            return [done, [...items.map((item) => this.reviews.insertInTransaction(item)), ...undone]] as const;
          });
          events.push(...mine);
          reviews.push(...stored);
          return { ok: true, result };
        } catch (error) {
          return { ok: false, error };
        }
      });
    });
    this.core.emitChanges(events);
    this.reviews.announce(reviews);
    return outcomes;
  }

  private completeOne(id: number, serverRecord: ModelRecord, events: ChangeEvent[], undone: ReviewRecord[]): CompletionResult {
    const entry = this.requireEntry(id);
    const table = this.core.table(entry.model);
    this.checkSameRecord(table, entry, serverRecord);
    this.removeEntry(id);
    // Older list changes of this device that the answer undoes (another device's write in between)
    // are reviewed; then the list changes of this write are watched in their place.
    const fresh = acceptedListChanges(table, entry, serverRecord, Date.now());
    const older = this.watches.ofRecord(entry.model, entry.modelId).map((watch) => withoutRewritten(watch, entry.data));
    if (!isTombstone(serverRecord)) {
      const flagged = this.watches.check(table, serverRecord, older, this.reviews);
      undone.push(...flagged);
      const ended = new Set(flagged.flatMap((item) => item.fields));
      // What older writes changed and still stands keeps being watched, with this write's changes.
      for (const watch of older) {
        if (ended.has(watch.field)) continue;
        const index = fresh.findIndex((w) => w.field === watch.field);
        if (index >= 0) fresh[index] = mergeWatches(watch, fresh[index]);
      }
    }
    for (const watch of fresh) this.watches.put(watch);
    const later = this.core.entriesFor(entry.model, entry.modelId);
    let versionsPropagated = 0;
    if (later.length > 0) {
      if (echoesSentValues(table, entry, serverRecord)) {
        const k = this.core.conn.kysely;
        for (const next of later) {
          const data = { ...next.data, _version: serverRecord._version ?? null, _lastChangedAt: serverRecord._lastChangedAt ?? null };
          this.core.conn.run(
            k
              .updateTable(OUTBOX_TABLE)
              .set({ data: JSON.stringify(data) })
              .where('id', '=', next.id)
              .compile(),
          );
          versionsPropagated++;
        }
      }
      return { merged: false, versionsPropagated };
    }
    this.setLocalToServer(table, serverRecord, events);
    return { merged: true, versionsPropagated };
  }

  /**
   * The server rejected entry `id` for good (condition failed, validation, auth, conflict given
   * up). Removes it and, when nothing else is queued for the record, puts the local row back to
   * `serverRecord` — or deletes it when `serverRecord` is null (the server never had the record)
   * or a tombstone. With later entries queued the row keeps the user's newer edits; the answer to
   * the last of them settles it.
   *
   * `review`, when given, builds the review item that keeps the device's version; it is called in
   * the same transaction with the local row as it is before the restore (undefined when there is
   * none) and stored there, so the entry can never be gone without its item.
   */
  async failEntry(
    id: number,
    serverRecord: ModelRecord | null,
    review?: (localRow: ModelRecord | undefined, entry: OutboxEntry) => NewReviewItem | null,
  ): Promise<{ restored: boolean; review?: ReviewRecord }> {
    const events: ChangeEvent[] = [];
    let stored: ReviewRecord | null = null;
    const result = this.core.conn.transaction(() => {
      const entry = this.requireEntry(id);
      const table = this.core.table(entry.model);
      if (serverRecord !== null) this.checkSameRecord(table, entry, serverRecord);
      if (review !== undefined) {
        const item = review(this.core.getRow(table, table.keyParams(entry.data)), entry);
        if (item !== null) stored = this.reviews.insertInTransaction(item);
      }
      this.removeEntry(id);
      if (this.core.entriesFor(entry.model, entry.modelId).length > 0) return { restored: false };
      if (serverRecord === null) {
        const existing = this.core.getRow(table, table.keyParams(entry.data));
        if (existing !== undefined && this.core.deleteRow(table, existing)) {
          events.push({ opType: 'DELETE', element: existing, model: table.name });
        }
      } else {
        this.setLocalToServer(table, serverRecord, events);
      }
      return { restored: true };
    });
    this.core.emitChanges(events);
    if (stored === null) return result;
    this.reviews.announce([stored]);
    return { ...result, review: stored };
  }

  /** Start-up crash recovery: every in-flight entry becomes pending again; returns how many. */
  async releaseInFlight(): Promise<number> {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    return this.core.conn.run(k.updateTable(OUTBOX_TABLE).set({ inFlight: 0 }).where('inFlight', '=', 1).compile()).changes;
  }

  /** Number of queued entries (in flight included). */
  async outboxCount(): Promise<number> {
    this.core.assertOpen();
    return this.core.outboxCount();
  }

  /** Every entry, FIFO; optionally only one model's or one record's. For status screens and tests. */
  async listEntries(filter: { readonly model?: string; readonly modelId?: string } = {}): Promise<OutboxEntry[]> {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    let query = k.selectFrom(OUTBOX_TABLE).selectAll().orderBy('id');
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.modelId !== undefined) query = query.where('modelId', '=', filter.modelId);
    return this.core.conn.all(query.compile()).map(decodeSendable);
  }

  /**
   * Keeps `pending` (null: none) with entry `id` until the entry is completed or failed, durably:
   * written before a conflict retry is sent, so the review item it will make survives a crash
   * that loses the retry's answer. Replaces what the entry kept before.
   */
  async keepPendingOverwrote(id: number, pending: PendingOverwrote | null): Promise<void> {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    const value = pending === null ? null : JSON.stringify(pending);
    const { changes } = this.core.conn.transaction(() =>
      this.core.conn.run(k.updateTable(OUTBOX_TABLE).set({ pendingOverwrote: value }).where('id', '=', id).compile()),
    );
    if (changes === 0) throw new NotFound(`outbox entry ${id} does not exist`, { id });
  }

  private requireEntry(id: number): OutboxEntry {
    this.core.assertOpen();
    const entry = this.core.entry(id);
    if (entry === undefined) throw new NotFound(`outbox entry ${id} does not exist`, { id });
    return entry;
  }

  private removeEntry(id: number): void {
    this.core.deleteEntry(id);
  }

  private checkSameRecord(table: ModelTable, entry: OutboxEntry, serverRecord: ModelRecord): void {
    if (typeof serverRecord !== 'object' || serverRecord === null || table.modelId(serverRecord) !== entry.modelId) {
      throw new ValidationError(`outbox entry ${entry.id} is for ${entry.model} ${entry.modelId}; the server record given is another record`, entry.model);
    }
  }

  /** Local row := server state (tombstone → delete), with the matching change event. */
  private setLocalToServer(table: ModelTable, serverRecord: ModelRecord, events: ChangeEvent[]): void {
    const existing = this.core.getRow(table, table.keyParams(serverRecord));
    if (isTombstone(serverRecord)) {
      if (existing !== undefined && this.core.deleteRow(table, existing)) {
        events.push({ opType: 'DELETE', element: existing, model: table.name });
      }
      return;
    }
    const row = rowFromServer(table, serverRecord, existing);
    // The answer to this device's save (or what undoes it): the record still sorts by that save.
    this.core.putRow(table, row, true);
    events.push({ opType: existing === undefined ? 'INSERT' : 'UPDATE', element: row, model: table.name });
  }
}

/** An outbox row as the sync worker sees it: the entry and, when it has one, its pending overwrote item. */
function decodeSendable(row: SqlRow): OutboxEntry {
  const entry = decodeEntry(row);
  if (typeof row.pendingOverwrote !== 'string') return entry;
  return { ...entry, pendingOverwrote: JSON.parse(row.pendingOverwrote) as PendingOverwrote };
}

/**
 * PROTOCOL.md §4.3: did the server store exactly what was sent? A create/update sent its user
 * fields (timestamps and metadata are never sent); a delete sent only the key.
 */
function echoesSentValues(table: ModelTable, entry: OutboxEntry, serverRecord: ModelRecord): boolean {
  const sentKeys =
    entry.operation === 'Delete'
      ? table.primaryKey
      : Object.keys(entry.data).filter((key) => {
          if ((ENTRY_METADATA_KEYS as readonly string[]).includes(key)) return false;
          const field = table.field(key);
          if (field?.isReadOnly) return false;
          // An implicit field left null (the owner) is not sent: the server fills it in.
          return !(field?.isImplicit && entry.data[key] === null);
        });
  return sentKeys.every((key) => valuesEqual(entry.data[key], serverRecord[key]));
}
