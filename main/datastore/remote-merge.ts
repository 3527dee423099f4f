// Merging server records into the local store (PROTOCOL.md §4.7 with Outpost's additions): sync
// pages, subscription events and full-sync cleanup. The rules:
// - a record with any outbox entry is left alone (the local edit wins until the server answers it);
// - within one call the last record for an id wins;
// - a tombstone (`_deleted: true`) deletes the local row (counted as deleted even if absent);
// - otherwise a higher `_version` replaces the local row, a lower one is ignored; an equal version
//   is ignored too, except in a full sync where differing content is repaired to the server's;
// - a newer version that undoes a list change of this device's accepted writes (list-watches.ts)
//   leaves a review item, in the same transaction.
import type { ModelRecord } from '../../common/schema/types.js';
import { ValidationError } from '../../common/errors.js';
import type { StoreCore } from './store-core.js';
import type { ChangeEvent } from './change-events.js';
import { encodedRowFromServer, isTombstone, versionOf } from './server-record.js';
import { valuesEqual } from './value-equality.js';
import { decideIncoming } from '../sync/core/incoming-merge.js';
import { ListWatchStore } from './list-watches.js';
import { catchUpSearchIndex, deferSearchIndexIfEmpty } from './search-index.js';
import type { ReviewInbox, ReviewRecord } from './review-items.js';
import { forgetSeen, markSeen, unseenKeys } from './full-sync-seen.js';

/** A full-sync page of at least this many records into an empty table defers its search index (search-index.ts). */
const DEFER_INDEX_MIN_RECORDS = 100;

export interface MergeCounts {
  readonly new: number;
  readonly updated: number;
  readonly deleted: number;
  /** Records left alone because they have pending outbox entries. */
  readonly skippedPending: number;
  /** Records not applied because they were malformed (no key, wrong value types); see `errors`. */
  readonly invalid: number;
  /** One message per invalid record, naming `Model.field`. */
  readonly errors: readonly string[];
}

/** How a batch of server records is applied. */
export interface ApplyRemoteOptions {
  /** A full sync's page: an equal version with other content is repaired, and the commit skips the fsync. */
  readonly isFullSync?: boolean;
  /**
   * Marks the rows these records name as seen by the full sync under way (full-sync-seen.ts), for
   * removeMissing's `marked`; 'first' (a full sync's first page) forgets an earlier sync's marks first.
   */
  readonly markSeen?: 'first' | 'next';
}

export class RemoteMerge {
  private readonly watches: ListWatchStore;

  constructor(
    private readonly core: StoreCore,
    private readonly reviews: ReviewInbox,
  ) {
    this.watches = new ListWatchStore(core);
  }

  /** Applies server records of one model in ONE transaction; returns the counts (Amplify's modelSynced counts plus skips). */
  async applyRemote(model: string, records: readonly ModelRecord[], options: ApplyRemoteOptions = {}): Promise<MergeCounts> {
    const table = this.core.table(model);
    if (!Array.isArray(records)) throw new ValidationError(`${model}: records must be an array`, model);
    const isFullSync = options.isFullSync ?? false;
    const events: ChangeEvent[] = [];
    const undone: ReviewRecord[] = [];
    // A base-sync page need not wait for the disk: a power loss can only undo pages whose sync is
    // not recorded yet (its metadata is written after, with the full fsync, which makes every
    // earlier WAL commit durable too), and an unrecorded sync is fetched again.
    const commit = isFullSync ? this.core.conn.transactionWithoutSync.bind(this.core.conn) : this.core.conn.transaction.bind(this.core.conn);
    const counts = commit(() => {
      if (isFullSync && records.length >= DEFER_INDEX_MIN_RECORDS) deferSearchIndexIfEmpty(this.core.conn, table.model);
      const latest = new Map<string, ModelRecord>();
      const errors: string[] = [];
      for (const record of records) {
        if (typeof record !== 'object' || record === null || table.primaryKey.some((k) => record[k] == null)) {
          errors.push(`${model}: a server record without its key (${table.primaryKey.join(', ')})`);
          continue;
        }
        const id = table.modelId(record);
        latest.delete(id); // keep page order for the survivor
        latest.set(id, record);
      }
      // Only this batch's ids: a live event must not read the whole outbox (quadratic in a drain).
      const pending = this.core.pendingAmong(model, [...latest.keys()]);
      // List changes of this device's accepted writes that a newer version may undo (few: one read).
      const watched = this.watches.ofModel(model);
      // Which of the page's records have a row, in one query (a base-sync page mostly has none).
      const stored = this.core.storedAmong(table, latest.values());
      let created = 0;
      let updated = 0;
      let deleted = 0;
      let skippedPending = 0;
      for (const [id, record] of latest) {
        const isPending = pending.has(id);
        const existing = isPending || (stored !== null && !stored.has(id)) ? undefined : this.core.getRow(table, table.keyParams(record));
        const tombstone = isTombstone(record);
        let row: ModelRecord | null = null;
        let params: unknown[] = [];
        if (!isPending && !tombstone) {
          try {
            ({ row, params } = encodedRowFromServer(table, record, existing));
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            errors.push(`${model} ${id}: ${error.message}`);
            continue;
          }
        }
        const decision = decideIncoming(
          { pending: isPending, version: existing === undefined ? undefined : versionOf(existing) },
          { tombstone, version: versionOf(record) },
          { isFullSync, sameContent: () => existing !== undefined && row !== null && sameContent(table.columns, existing, row) },
        );
        if (decision.kind === 'skip') {
          if (decision.why === 'pending') skippedPending++;
          continue;
        }
        if (decision.kind === 'tombstone') {
          deleted++;
          if (existing !== undefined && this.core.deleteRow(table, existing)) {
            events.push({ opType: 'DELETE', element: existing, model });
          }
          continue;
        }
        if (row === null) continue; // unreachable: insert/update come only for a converted row
        const watches = watched.get(id);
        if (watches !== undefined) undone.push(...this.watches.check(table, record, watches, this.reviews));
        this.core.putEncodedRow(table, params);
        if (existing === undefined) created++;
        else updated++;
        events.push({ opType: existing === undefined ? 'INSERT' : 'UPDATE', element: row, model });
      }
      this.core.noteSearchWrites(table, created + updated + deleted);
      if (options.markSeen === 'first') forgetSeen(this.core.conn, model);
      if (options.markSeen !== undefined) markSeen(this.core.conn, table, latest.values());
      return { new: created, updated, deleted, skippedPending, invalid: errors.length, errors };
    });
    this.core.emitChanges(events);
    this.reviews.announce(undone);
    return counts;
  }

  /**
   * Full-sync cleanup: deletes local rows of `model` whose key (`modelId`) is not in `keepIds` and
   * that have no pending outbox entry — records the server no longer has (PROTOCOL.md "Outpost
   * decisions"). With `changedSince` (the sync's server `startedAt`, epoch ms), rows whose
   * `_lastChangedAt` is at or after it are kept too. With `marked`, rows the sync's pages marked
   * seen (applyRemote `markSeen`) are kept as well — the sync then passes no ids and holds none in
   * memory — and the marks are forgotten. One transaction; returns how many were removed.
   */
  async removeMissing(model: string, keepIds: Iterable<string>, options: { readonly changedSince?: number; readonly marked?: boolean } = {}): Promise<number> {
    const table = this.core.table(model);
    const keep = keepIds instanceof Set ? (keepIds as ReadonlySet<string>) : new Set(keepIds);
    if (options.marked === true) {
      return this.removeRows(
        model,
        options,
        () => unseenKeys(this.core.conn, table).filter((key) => !keep.has(table.modelId(key))),
        () => forgetSeen(this.core.conn, model),
      );
    }
    return this.removeRows(
      model,
      options,
      () => {
        // Key columns only, streamed as value arrays: after a base sync of 100k records, reading and
        // decoding every whole row here cost ~0.6 s, and a million key objects at once ~100 MB; only
        // the keys of rows to remove are kept, and those rows are read in full after the scan.
        const readKey = table.decodeValues(table.primaryKey);
        const missing: ModelRecord[] = [];
        const keyList = table.primaryKey.map((k) => `"${k.replace(/"/g, '""')}"`).join(', ');
        for (const values of this.core.conn.iterateValues({ sql: `SELECT ${keyList} FROM "${table.name.replace(/"/g, '""')}"`, parameters: [] })) {
          const key = readKey(values);
          if (!keep.has(table.modelId(key))) missing.push(key);
        }
        return missing;
      },
      () => undefined,
    );
  }

  /** Deletes the rows `candidates` names (read in the transaction) that have no pending entry and no change since `changedSince`; then `finish`, in the same transaction. */
  private removeRows(model: string, options: { readonly changedSince?: number }, candidates: () => ModelRecord[], finish: () => void): number {
    const table = this.core.table(model);
    // A row the server changed after the sync's snapshot reached us by another path while the pages
    // were fetched (an outbox completion, a live event): its absence from the pages proves nothing,
    // and deleting it would lose a record the server has until some later delta sync.
    const changedSince = options.changedSince;
    if (changedSince !== undefined && !Number.isFinite(changedSince)) {
      throw new ValidationError(`${model}: the full-sync cleanup's changedSince must be a finite number of epoch ms`, model);
    }
    const events: ChangeEvent[] = [];
    const removed = this.core.conn.transaction(() => {
      const pending = this.core.pendingIds(model);
      let count = 0;
      for (const key of candidates()) {
        if (pending.has(table.modelId(key))) continue;
        const record = this.core.getRow(table, table.keyParams(key));
        if (record === undefined) continue;
        const changedAt = record._lastChangedAt;
        if (changedSince !== undefined && typeof changedAt === 'number' && changedAt >= changedSince) continue;
        this.core.deleteRow(table, record);
        events.push({ opType: 'DELETE', element: record, model });
        count++;
      }
      // The full sync is complete: a search index deferred by its first page is built now, at once.
      catchUpSearchIndex(this.core.conn, table.model);
      finish();
      return count;
    });
    this.core.emitChanges(events);
    return removed;
  }
}

function sameContent(columns: readonly string[], a: ModelRecord, b: ModelRecord): boolean {
  return columns.every((c) => valuesEqual(a[c], b[c]));
}
