// State shared by the datastore's public API (datastore.ts) and the sync worker's surface
// (outbox.ts, remote-merge.ts, sync-metadata.ts, conflicts.ts): the connection, the model tables,
// row and outbox-entry access inside transactions, and the event channels.
import { randomUUID } from 'node:crypto';
import type { ModelRecord, Schema } from '../../common/schema/types.js';
import { OutpostError, ValidationError } from '../../common/errors.js';
import type { SqliteConnection, SqlRow } from './sqlite-connection.js';
import type { ModelTable } from './model-table.js';
import { OUTBOX_TABLE } from './internal-tables.js';
import type { OutboxEntry, OutboxOperation } from './outbox-entry.js';
import type { QueueOp } from './outbox-coalescing.js';
import { Listeners, type ChangeEvent, type OutboxEvent } from './change-events.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { ReviewRecord } from './review-items.js';
import { FOLD_AT, foldSearchIndex } from './search-index.js';

/** Up to this many ids, pendingAmong probes per id rather than reading every pending id. */
const PROBE_LIMIT = 64;

export class StoreCore {
  /** Record changes, delivered after commit. */
  readonly changes = new Listeners<ChangeEvent>();
  /** Outbox changes, delivered after commit. */
  readonly outboxEvents = new Listeners<OutboxEvent>();
  /** A model's sync metadata changed (or everything was cleared: `null`). */
  readonly syncStateChanges = new Listeners<string | null>();
  /** A review item was made or decided (after commit). */
  readonly reviewChanges = new Listeners<ReviewRecord>();
  private closed = false;
  /** Writes per model since its search index's pending rows were last folded (an upper bound on them). */
  private readonly searchWrites = new Map<string, number>();

  // Hot-path statements (every save runs both), compiled once.
  private readonly entriesForSql: string;
  private readonly insertEntrySql: string;
  private readonly hasEntrySql: string;
  private readonly entrySql: string;
  private readonly deleteEntrySql: string;
  private readonly outboxCountSql: string;

  constructor(
    readonly conn: SqliteConnection,
    readonly schema: Schema,
    readonly tables: ReadonlyMap<string, ModelTable>,
  ) {
    const k = conn.kysely;
    this.entriesForSql = k.selectFrom(OUTBOX_TABLE).selectAll().where('model', '=', '').where('modelId', '=', '').orderBy('id').compile().sql;
    this.insertEntrySql = k
      .insertInto(OUTBOX_TABLE)
      .values({ model: '', modelId: '', operation: '', data: '', condition: null, inFlight: 0, createdAt: 0, base: null, mutationId: '' })
      .compile().sql;
    this.hasEntrySql = k.selectFrom(OUTBOX_TABLE).select('id').where('model', '=', '').where('modelId', '=', '').limit(1).compile().sql;
    this.entrySql = k.selectFrom(OUTBOX_TABLE).selectAll().where('id', '=', 0).compile().sql;
    this.deleteEntrySql = k.deleteFrom(OUTBOX_TABLE).where('id', '=', 0).compile().sql;
    this.outboxCountSql = k
      .selectFrom(OUTBOX_TABLE)
      .select((eb) => eb.fn.countAll().as('n'))
      .compile().sql;
  }

  /** The table of `model`; a ValidationError naming the known models otherwise. */
  table(model: string): ModelTable {
    this.assertOpen();
    const table = typeof model === 'string' ? this.tables.get(model) : undefined;
    if (table === undefined) {
      throw new ValidationError(`Unknown model ${JSON.stringify(model)}; the schema has ${[...this.tables.keys()].join(', ')}`, String(model));
    }
    return table;
  }

  /** Throws once the datastore has been closed. */
  assertOpen(): void {
    if (this.closed) throw new OutpostError('DatastoreClosed', 'The datastore is closed');
  }

  /** Marks the store closed and drops every listener. */
  markClosed(): void {
    this.closed = true;
    this.changes.clear();
    this.outboxEvents.clear();
    this.syncStateChanges.clear();
    this.reviewChanges.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Counts `writes` row writes to `table`, inside their transaction; once FOLD_AT have added up, its
   * search index's pending rows are folded in now, so they stay few (search-index.ts).
   */
  noteSearchWrites(table: ModelTable, writes = 1): void {
    const count = (this.searchWrites.get(table.name) ?? 0) + writes;
    if (count < FOLD_AT) {
      this.searchWrites.set(table.name, count);
      return;
    }
    foldSearchIndex(this.conn, table.model);
    this.searchWrites.set(table.name, 0);
  }

  /** The stored record with these key values, if any. */
  getRow(table: ModelTable, keyParams: readonly unknown[]): ModelRecord | undefined {
    const row = this.conn.first({ sql: table.selectByKeySql, parameters: keyParams });
    return row === undefined ? undefined : table.decodeRow(row);
  }

  /**
   * Inserts or replaces the full row for `record`. A write from elsewhere (the default) clears the
   * time of this device's last save; `keepLocalTime` keeps it (the answer to that very save).
   */
  putRow(table: ModelTable, record: ModelRecord, keepLocalTime = false): void {
    this.conn.run({ sql: keepLocalTime ? table.upsertKeepingLocalSql : table.upsertSql, parameters: table.encodeRow(record) });
  }

  /** putRow with the row's parameters already encoded (`table.encodeRow`), as a sync page has them. */
  putEncodedRow(table: ModelTable, params: readonly unknown[]): void {
    this.conn.run({ sql: table.upsertSql, parameters: params });
  }

  /**
   * Of `records` (of a single-key model), the record ids (`modelId`) that have a row: one query for
   * a whole sync page instead of a key look-up per record, most of which find nothing in a base
   * sync. Null for models with a composite key (look each up).
   */
  storedAmong(table: ModelTable, records: Iterable<ModelRecord>): Set<string> | null {
    if (table.primaryKey.length !== 1) return null;
    const keys: unknown[] = [];
    for (const record of records) {
      try {
        keys.push(table.keyParams(record)[0]);
      } catch (error) {
        // A malformed key is the caller's to report, record by record, as before.
        if (!(error instanceof ValidationError)) throw error;
      }
    }
    const found = new Set<string>();
    if (keys.length === 0) return found;
    const rows = this.conn.allValues({ sql: table.storedAmongSql, parameters: [JSON.stringify(keys)] }).rows;
    for (const [key] of rows) found.add(String(key));
    return found;
  }

  /** Deletes the row with the record's key; true if a row was there. */
  deleteRow(table: ModelTable, record: ModelRecord): boolean {
    return this.conn.run({ sql: table.deleteByKeySql, parameters: table.keyParams(record) }).changes > 0;
  }

  /** Every outbox entry of one record, FIFO. */
  entriesFor(model: string, modelId: string): OutboxEntry[] {
    return this.conn.all({ sql: this.entriesForSql, parameters: [model, modelId] }).map(decodeEntry);
  }

  /** One outbox entry by id. */
  entry(id: number): OutboxEntry | undefined {
    const row = this.conn.first({ sql: this.entrySql, parameters: [id] });
    return row === undefined ? undefined : decodeEntry(row);
  }

  /** Removes one outbox entry by id. */
  deleteEntry(id: number): void {
    this.conn.run({ sql: this.deleteEntrySql, parameters: [id] });
  }

  /** Ids (`modelId`) of the model's records that have outbox entries. */
  pendingIds(model: string): Set<string> {
    const k = this.conn.kysely;
    const rows = this.conn.all(k.selectFrom(OUTBOX_TABLE).select('modelId').distinct().where('model', '=', model).compile());
    return new Set(rows.map((r) => String(r.modelId)));
  }

  /**
   * Of `ids` (the model's record ids), those that have outbox entries. Small batches (a live event)
   * probe the record index per id, so their cost does not grow with the queue; large ones (a sync
   * page) read the model's pending ids once.
   */
  pendingAmong(model: string, ids: readonly string[]): Set<string> {
    if (ids.length > PROBE_LIMIT) {
      const all = this.pendingIds(model);
      return new Set(ids.filter((id) => all.has(id)));
    }
    const found = new Set<string>();
    for (const id of ids) {
      if (this.conn.first({ sql: this.hasEntrySql, parameters: [model, id, 1] }) !== undefined) found.add(id);
    }
    return found;
  }

  /** Applies coalescing results for one record; returns how many entries were appended. */
  applyQueueOps(model: string, modelId: string, ops: readonly QueueOp[]): number {
    const k = this.conn.kysely;
    let appended = 0;
    for (const op of ops) {
      if (op.kind === 'remove') {
        this.conn.run(k.deleteFrom(OUTBOX_TABLE).where('id', '=', op.id).where('inFlight', '=', 0).compile());
      } else if (op.kind === 'replaceData') {
        this.conn.run(
          k
            .updateTable(OUTBOX_TABLE)
            .set({ data: JSON.stringify(op.data) })
            .where('id', '=', op.id)
            .where('inFlight', '=', 0)
            .compile(),
        );
      } else {
        const { operation, data, condition, base, mutationId } = op.mutation;
        this.insertEntry(model, modelId, operation, data, condition, base ?? null, mutationId);
        appended++;
      }
    }
    return appended;
  }

  /** Appends one entry at the tail of the outbox; `mutationId` defaults to a new UUID. */
  insertEntry(
    model: string,
    modelId: string,
    operation: OutboxOperation,
    data: ModelRecord,
    condition: Predicate | null,
    base: ModelRecord | null = null,
    mutationId: string = randomUUID(),
  ): number {
    // Parameters in the column order of insertEntrySql.
    const parameters = [
      model,
      modelId,
      operation,
      JSON.stringify(data),
      condition === null ? null : JSON.stringify(condition),
      0,
      Date.now(),
      base === null ? null : JSON.stringify(base),
      mutationId,
    ];
    return this.conn.run({ sql: this.insertEntrySql, parameters }).lastId;
  }

  /** Number of outbox entries (in flight included). */
  outboxCount(): number {
    const row = this.conn.first({ sql: this.outboxCountSql, parameters: [] });
    return Number(row?.n ?? 0);
  }

  /** Delivers committed change events. */
  emitChanges(events: readonly ChangeEvent[]): void {
    for (const event of events) this.changes.emit(event);
  }
}

/** An outbox row as the typed entry. */
export function decodeEntry(row: SqlRow): OutboxEntry {
  return {
    id: Number(row.id),
    model: String(row.model),
    modelId: String(row.modelId),
    operation: row.operation as OutboxOperation,
    data: JSON.parse(String(row.data)) as ModelRecord,
    condition: row.condition === null || row.condition === undefined ? null : (JSON.parse(String(row.condition)) as Predicate),
    inFlight: Number(row.inFlight) === 1,
    createdAt: Number(row.createdAt),
    base: row.base === null || row.base === undefined ? null : (JSON.parse(String(row.base)) as ModelRecord),
    ...(typeof row.mutationId === 'string' ? { mutationId: row.mutationId } : {}),
    sent: Number(row.sent ?? 0) === 1,
  };
}
