// The local datastore's public API (DESIGN.md "Local datastore"): save/get/query/delete, observe,
// observeQuery, clear, close — plus the sync worker's surface as properties (outbox, remote,
// syncMetadata, conflicts).
//
// Decisions a caller should know:
// - Deletes are hard deletes locally. The outbox Delete entry carries the whole record (key and
//   `_version` are what is sent; the rest lets the sync worker restore the row if the server
//   rejects the delete). The `_deleted` column exists for layout parity with the server and is never
//   true in a stored row, so queries never see deleted records without filtering for them.
// - `save` of an existing key is a patch: fields present in `record` replace stored ones
//   (`null` clears), absent fields keep their value. Server-owned fields (`_version`,
//   `_lastChangedAt`, `_deleted`, `createdAt`, `updatedAt`) are ignored on input.
// - Conditions are validated as predicates and stored with the entry, never evaluated here: the
//   server evaluates them against its state (DESIGN.md, PROTOCOL.md §4.13). A create cannot carry one.
// - Every write runs in one synchronous SQLite transaction (row + outbox entry), and events are
//   delivered only after it committed.
import { randomUUID } from 'node:crypto';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelRecord, Schema } from '../../common/schema/types.js';
import { ValidationError } from '../../common/errors.js';
import { validateRecord } from '../../common/schema/validate-record.js';
import { cascadeLinks, childrenWhere } from '../../common/schema/cascade.js';
import { getModel } from '../../common/schema/model-fields.js';
import { validatePredicate } from '../../common/predicates/validate-predicate.js';
import { matches } from '../../common/predicates/evaluate.js';
import { SqliteConnection, type Durability } from './sqlite-connection.js';
import { ModelTable } from './model-table.js';
import { migrate, type MigrationReport } from './migrate.js';
import { StoreCore } from './store-core.js';
import { coalesceOutbox } from './outbox-coalescing.js';
import { valuesEqual } from './value-equality.js';
import { CONFLICTS_TABLE, LIST_WATCHES_TABLE, OUTBOX_TABLE, REVIEW_TABLE, SYNC_METADATA_TABLE } from './internal-tables.js';
import { ATTACHMENTS_TABLE } from '../attachments/attachment-tables.js';
import { AttachmentStaging, type AttachmentPort } from './attachment-staging.js';
import { keyRecordOf, type RecordKey } from './key-record.js';
import type { ChangeEvent, OutboxEvent } from './change-events.js';
import { clearSearchIndex, rebuildSearchIndex } from './search-index.js';
import { seenTableName } from './full-sync-seen.js';
import { rowMarks, type RowMark } from './row-marks.js';
export type { RowMark } from './row-marks.js';
import { countRecords, searchable, selectRecords, type QueryOptions, type SortField, type TextOptions } from './record-query.js';
export type { QueryOptions, SortField, TextOptions } from './record-query.js';

export type { ChangeEvent, OpType, OutboxEvent } from './change-events.js';
export type { OutboxEntry, OutboxOperation } from './outbox-entry.js';
export type { MigrationReport } from './migrate.js';
export type { AttachmentPort, StagedAttachment } from './attachment-staging.js';
export type { RecordKey } from './key-record.js';
import { Outbox } from './outbox.js';
import { RemoteMerge } from './remote-merge.js';
import { SyncMetadataStore } from './sync-metadata.js';
import { ConflictLog } from './conflicts.js';
import { ReviewInbox } from './review-items.js';
export type { NewReviewItem, ReviewRecord, ReviewKind, ReviewState } from './review-items.js';

/** Model name → record type; the default accepts any model of the schema. */
export type ModelTypes = Record<string, ModelRecord>;

export interface OpenDatastoreOptions {
  /** Path of the SQLite file (created if missing). */
  readonly file: string;
  readonly schema: Schema;
  /** Default `FULL` (a returned save survives power loss); `NORMAL` survives process crashes only. */
  readonly durability?: Durability;
  /** The profile's file store as saves see it (attachment-staging.ts); without it no new file can be attached. */
  readonly attachments?: AttachmentPort;
  /**
   * 32 bytes: the file is encrypted with it (AEGIS-256, store-encryption.ts), and a plain file is
   * encrypted in place first. Without it the file is plain. A key that does not open the file, or
   * none for an encrypted file, throws StoreKeyError and changes nothing.
   */
  readonly key?: Buffer;
}

export interface WriteOptions {
  /** Sent to the server with the mutation and evaluated there (never locally). */
  readonly condition?: Predicate;
}

/** A subscription source: `subscribe(listener)` returns the function that unsubscribes. */
export interface Subscribable<T> {
  subscribe(listener: (value: T) => void): () => void;
}

export interface QuerySnapshot<R extends ModelRecord = ModelRecord> {
  readonly items: R[];
  /** True once the model has completed at least one sync (its `lastSync` is set). */
  readonly isSynced: boolean;
}

/** Opens (creating or migrating) the datastore in `file` for `schema`; encrypted with `key` when given. */
export function openDatastore<M extends ModelTypes = ModelTypes>(options: OpenDatastoreOptions): Datastore<M> {
  return new Datastore<M>(options);
}

export class Datastore<M extends ModelTypes = ModelTypes> {
  /** For the sync worker: the queue of local mutations. */
  readonly outbox: Outbox;
  /** For the sync worker: merging server records into the store. */
  readonly remote: RemoteMerge;
  /** Per-model sync metadata (PROTOCOL.md §2.4). */
  readonly syncMetadata: SyncMetadataStore;
  /** Every conflict met while syncing. */
  readonly conflicts: ConflictLog;
  /** Edits of this device that did not survive as sent, waiting for the user (DESIGN.md "Nothing lost"). */
  readonly reviews: ReviewInbox;
  /** What opening did to the file (created tables, added columns, re-created models). */
  readonly migration: MigrationReport;
  readonly schema: Schema;
  /** Attachment references in saves, and what the upload queue asks (attachment-staging.ts). */
  readonly attachments: AttachmentStaging;
  private readonly core: StoreCore;

  constructor(options: OpenDatastoreOptions) {
    const conn = new SqliteConnection(options.file, options.durability ?? 'FULL', undefined, options.key);
    try {
      const tables = new Map<string, ModelTable>();
      for (const name of options.schema.modelOrder) {
        if (name.toLowerCase().startsWith('_outpost_') || name.toLowerCase().startsWith('sqlite_')) {
          throw new ValidationError(`model name ${name} is reserved for the datastore's own tables`, name);
        }
        tables.set(name, new ModelTable(getModel(options.schema, name), conn.kysely));
      }
      this.migration = migrate(conn, options.schema, tables);
      this.core = new StoreCore(conn, options.schema, tables);
    } catch (error) {
      conn.close();
      throw error;
    }
    this.schema = options.schema;
    this.reviews = new ReviewInbox(this.core);
    this.outbox = new Outbox(this.core, this.reviews);
    this.remote = new RemoteMerge(this.core, this.reviews);
    this.syncMetadata = new SyncMetadataStore(this.core);
    this.conflicts = new ConflictLog(this.core);
    this.attachments = new AttachmentStaging(this.core, options.attachments);
  }

  /**
   * Creates (no key, or a key not stored yet) or updates (existing key) a record; returns the
   * stored record. Validates first: a ValidationError naming `Model.field` leaves nothing written.
   * New attachment references (`key: ''`) get their key and their upload queued with the row.
   */
  async save<K extends keyof M & string>(model: K, record: Partial<M[K]>, options: WriteOptions = {}): Promise<M[K]> {
    const table = this.core.table(model);
    const staging = this.attachments.plan(table, this.userInput(table, record));
    const input = staging.input;
    const condition = options.condition === undefined ? null : validatePredicate(this.schema, model, options.condition);

    const events: ChangeEvent[] = [];
    let enqueued: OutboxEvent | undefined;
    const saved = this.core.conn.transaction(() => {
      const existing = this.core.getRow(table, table.keyParams(input));
      if (existing === undefined) {
        if (condition !== null) {
          throw new ValidationError(`${model}: a condition is only allowed when updating an existing record`, model);
        }
        const checked = validateRecord(this.schema, model, input, 'create');
        const created: ModelRecord = {};
        for (const field of table.fields) created[field.name] = checked[field.name] ?? null;
        this.core.putRow(table, created);
        this.touchLocal(table, created);
        staging.stage();
        // The create carries only what the user gave (plus the key): AppSync's create resolvers merge
        // the input over @default values, so an unset field sent as null would override a default and
        // a null index key fails (PROTOCOL.md "Outpost decisions"). The local row holds nulls.
        // Re-created while its Delete is still queued, the record exists on the server and the
        // create becomes an Update (outbox-coalescing.ts): then every field is sent, or the fields
        // left unset would keep the deleted record's values there while the local row holds nulls.
        const queued = this.core.entriesFor(table.name, table.modelId(created));
        const replacesDelete = queued.length > 0 && queued[queued.length - 1].operation === 'Delete';
        const sent: ModelRecord = {};
        for (const field of table.fields) {
          if (replacesDelete || table.primaryKey.includes(field.name) || Object.hasOwn(input, field.name)) sent[field.name] = created[field.name];
        }
        this.enqueue(table, created, 'Create', sent, null);
        this.core.noteSearchWrites(table);
        events.push({ opType: 'INSERT', element: created, model });
        enqueued = { type: 'outboxMutationEnqueued', model, element: created };
        return created;
      }

      const checked = validateRecord(this.schema, model, input, 'update');
      const changed = Object.keys(checked).filter((name) => !valuesEqual(existing[name], checked[name]));
      if (changed.length === 0) return existing;
      const patch: ModelRecord = {};
      const base: ModelRecord = {};
      for (const key of table.primaryKey) patch[key] = existing[key];
      for (const name of changed) {
        patch[name] = checked[name];
        base[name] = existing[name] ?? null;
      }
      const updated: ModelRecord = { ...existing, ...patch };
      this.core.putRow(table, updated);
      this.touchLocal(table, updated);
      staging.stage();
      // AUTOMERGE relies on an update carrying only what changed (PROTOCOL.md §3.3, §4.2). The values
      // before the edit go with it: the base against which the answer shows what did not survive.
      this.enqueue(table, updated, 'Update', { ...patch, _version: existing._version }, condition, base);
      this.core.noteSearchWrites(table);
      events.push({ opType: 'UPDATE', element: updated, model, ...(condition ? { condition } : {}) });
      enqueued = { type: 'outboxMutationEnqueued', model, element: updated };
      return updated;
    });
    this.core.emitChanges(events);
    if (enqueued) this.core.outboxEvents.emit(enqueued);
    staging.announce();
    return saved as M[K];
  }

  /** The record with this key, or undefined. */
  async get<K extends keyof M & string>(model: K, key: RecordKey): Promise<M[K] | undefined> {
    const table = this.core.table(model);
    return this.core.getRow(table, table.keyParams(keyRecordOf(table, key))) as M[K] | undefined;
  }

  /** Records matching `where`, sorted (ties by primary key) and paged. */
  async query<K extends keyof M & string>(model: K, options: QueryOptions = {}): Promise<M[K][]> {
    const table = this.core.table(model);
    return this.runQuery(table, options) as M[K][];
  }

  /** How many records match `where` and the search (all of the model's records when neither is given), counted in SQLite. */
  async count<K extends keyof M & string>(model: K, where?: Predicate, options: TextOptions = {}): Promise<number> {
    const table = this.core.table(model);
    return countRecords(this.core.conn, this.schema, table, { ...options, ...(where ? { where } : {}) });
  }

  /** Per record of `model` (as `query` returned them): unsynced changes, open review items. */
  async marks<K extends keyof M & string>(model: K, records: readonly ModelRecord[]): Promise<RowMark[]> {
    return rowMarks(this.core, this.core.table(model), records);
  }

  /**
   * Deletes one record by key, or every record matching a predicate (each without condition).
   * Children reached through `@hasMany`/`@hasOne` are deleted too, each with its own outbox entry
   * (PROTOCOL.md §4.13). Returns the records deleted at the top level (children not included).
   */
  async delete<K extends keyof M & string>(model: K, keyOrWhere: RecordKey | Predicate, options: WriteOptions = {}): Promise<M[K][]> {
    const table = this.core.table(model);
    const byPredicate = isPredicate(keyOrWhere);
    if (byPredicate && options.condition !== undefined) {
      throw new ValidationError(`${model}: a condition applies to a delete by key, not to a delete by predicate`, model);
    }
    const condition = options.condition === undefined ? null : validatePredicate(this.schema, model, options.condition);
    const where = byPredicate ? validatePredicate(this.schema, model, keyOrWhere) : null;
    const keyRecord = byPredicate ? null : keyRecordOf(table, keyOrWhere as RecordKey);

    const events: ChangeEvent[] = [];
    const outboxEvents: OutboxEvent[] = [];
    const deleted = this.core.conn.transaction(() => {
      const targets = where !== null ? this.runQuery(table, { where }) : [this.core.getRow(table, table.keyParams(keyRecord!))];
      const roots: ModelRecord[] = [];
      for (const target of targets) {
        if (target === undefined) continue;
        this.deleteWithChildren(table, target, where === null ? condition : null, events, outboxEvents, new Set());
        roots.push(target);
      }
      return roots;
    });
    this.core.emitChanges(events);
    for (const event of outboxEvents) this.core.outboxEvents.emit(event);
    return deleted as M[K][];
  }

  /** Change events of every model, one model, or one model's records matching `where`. */
  observe<K extends keyof M & string>(model?: K, where?: Predicate): Subscribable<ChangeEvent<M[K]>> {
    if (model !== undefined) this.core.table(model);
    else if (where !== undefined) throw new ValidationError('observe: a predicate needs a model to apply to');
    const predicate = where === undefined ? null : validatePredicate(this.schema, model ?? '', where);
    return {
      subscribe: (listener) =>
        this.core.changes.add((event) => {
          if (model !== undefined && event.model !== model) return;
          if (predicate !== null && !matches(predicate, event.element)) return;
          listener(event as ChangeEvent<M[K]>);
        }),
    };
  }

  /**
   * Live query: the first snapshot right after subscribing, then one after each batch of relevant
   * changes (a change to a record that matches, or was in the previous snapshot) and whenever the
   * model's sync status changes. Changes made in one turn of the event loop yield one snapshot.
   */
  observeQuery<K extends keyof M & string>(
    model: K,
    where?: Predicate,
    options: { readonly sort?: readonly SortField[] } = {},
  ): Subscribable<QuerySnapshot<M[K]>> {
    const table = this.core.table(model);
    const predicate = where === undefined ? undefined : validatePredicate(this.schema, model, where);
    const queryOptions: QueryOptions = { ...(predicate ? { where: predicate } : {}), ...(options.sort ? { sort: options.sort } : {}) };
    this.runQuery(table, { ...queryOptions, limit: 1 }); // reject a bad sort now, not in the first snapshot
    return {
      subscribe: (listener) => {
        let shownKeys = new Set<string>();
        let scheduled = false;
        let active = true;
        const emit = (): void => {
          scheduled = false;
          if (!active || this.core.isClosed) return;
          const items = this.runQuery(table, queryOptions) as M[K][];
          shownKeys = new Set(items.map((item) => table.modelId(item)));
          listener({ items, isSynced: this.syncMetadata.isSynced(model) });
        };
        const schedule = (): void => {
          if (scheduled) return;
          scheduled = true;
          setImmediate(emit);
        };
        const offChanges = this.core.changes.add((event) => {
          if (event.model !== model) return;
          const relevant = shownKeys.has(table.modelId(event.element)) || predicate === undefined || matches(predicate, event.element);
          if (relevant) schedule();
        });
        const offSync = this.core.syncStateChanges.add((changedModel) => {
          if (changedModel === null || changedModel === model) schedule();
        });
        schedule();
        return () => {
          active = false;
          offChanges();
          offSync();
        };
      },
    };
  }

  /** Subscribes to outbox changes (`outboxMutationEnqueued`), for the sync worker. */
  onOutboxEvent(listener: (event: OutboxEvent) => void): () => void {
    this.core.assertOpen();
    return this.core.outboxEvents.add(listener);
  }

  /**
   * Removes every record, the outbox (unsynced changes included), sync metadata, conflicts and review items;
   * returns how many outbox entries were discarded. Open live queries get an empty snapshot.
   */
  async clear(): Promise<{ discardedOutboxEntries: number }> {
    this.core.assertOpen();
    const conn = this.core.conn;
    const discarded = conn.transaction(() => {
      const count = this.core.outboxCount();
      // Every model table in the file, including models a newer schema no longer has.
      const tables = conn
        .all({
          sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_outpost\\_%' ESCAPE '\\'`,
          parameters: [],
        })
        .map((row) => String(row.name));
      for (const name of tables) conn.run(conn.kysely.deleteFrom(name).compile());
      for (const name of [OUTBOX_TABLE, SYNC_METADATA_TABLE, CONFLICTS_TABLE, REVIEW_TABLE, LIST_WATCHES_TABLE, ATTACHMENTS_TABLE])
        conn.run(conn.kysely.deleteFrom(name).compile());
      // The rows are gone: 'delete-all' drops the words themselves, and what the triggers noted goes with them.
      for (const name of this.core.tables.keys()) {
        if (searchable(conn, name)) clearSearchIndex(conn, name);
      }
      // A full sync under way is over: what it saw named rows that are gone (and VACUUM renumbers rowids).
      const seenTables = conn.all({
        sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'`,
        parameters: [`${seenTableName('').replace(/_/g, '\\_')}%`],
      });
      for (const row of seenTables) conn.exec(`DROP TABLE "${String(row.name).replace(/"/g, '""')}"`);
      return count;
    });
    // clear() is what sign-out runs: leave none of the previous user's data readable in the file.
    // Deleted rows linger in free pages and the WAL until overwritten, so rewrite the file and
    // empty the WAL.
    conn.exec('VACUUM');
    // VACUUM may renumber the rowids the search indexes point at; rebuild them (cheap: nothing is left).
    conn.transaction(() => {
      for (const name of this.core.tables.keys()) rebuildSearchIndex(conn, name);
    });
    conn.db.pragma('wal_checkpoint(TRUNCATE)');
    this.core.syncStateChanges.emit(null);
    return { discardedOutboxEntries: discarded };
  }

  /** Closes the file; every later call throws. Idempotent. */
  async close(): Promise<void> {
    if (this.core.isClosed) return;
    this.core.markClosed();
    this.attachments.close();
    this.core.conn.close();
  }

  // --- internals -----------------------------------------------------------------------------

  /**
   * A save input without server-owned fields (they are the server's to set), with a key (a new
   * UUID for `id`-keyed models). Everything else — unknown fields, relation fields — is left for
   * validateRecord to judge.
   */
  private userInput(table: ModelTable, record: unknown): ModelRecord {
    const model = table.name;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new ValidationError(`${model}: a record must be an object`, model);
    }
    const input: ModelRecord = {};
    for (const [name, value] of Object.entries(record as ModelRecord)) {
      if (value === undefined || (table.field(name)?.isReadOnly ?? false)) continue;
      input[name] = value;
    }
    if (table.primaryKey.length === 1 && table.primaryKey[0] === 'id' && input.id === undefined) {
      input.id = randomUUID();
    }
    const key: ModelRecord = {};
    for (const name of table.primaryKey) {
      if (input[name] === undefined || input[name] === null) {
        throw new ValidationError(`${model}.${name}: the primary key field ${name} is required`, `${model}.${name}`);
      }
      key[name] = input[name];
    }
    // The key is used to look the record up before the full validation: check its type first.
    validateRecord(this.schema, model, key, 'update');
    return input;
  }

  /** Sets the time of this device's last save of `record` (the "newest first" order's local half). */
  private touchLocal(table: ModelTable, record: ModelRecord): void {
    // Strictly increasing: saves within one millisecond still list in the order they were made.
    this.lastLocalTouch = Math.max(Date.now(), this.lastLocalTouch + 1);
    this.core.conn.run({ sql: table.touchLocalSql, parameters: [this.lastLocalTouch, ...table.keyParams(record)] });
  }

  /** The time `touchLocal` gave last (ms). */
  private lastLocalTouch = 0;

  private runQuery(table: ModelTable, options: QueryOptions): ModelRecord[] {
    return selectRecords(this.core.conn, this.schema, table, options);
  }

  /** Queues a mutation for one record, coalescing with what is queued (PROTOCOL.md §4.2). */
  private enqueue(
    table: ModelTable,
    record: ModelRecord,
    operation: 'Create' | 'Update' | 'Delete',
    data: ModelRecord,
    condition: Predicate | null,
    base: ModelRecord | null = null,
  ): void {
    const modelId = table.modelId(record);
    const queued = this.core.entriesFor(table.name, modelId);
    this.core.applyQueueOps(table.name, modelId, coalesceOutbox(queued, { operation, data, condition, ...(base !== null ? { base } : {}) }));
  }

  /** Deletes `record` and, first, everything that hangs off it through hasMany/hasOne. */
  private deleteWithChildren(
    table: ModelTable,
    record: ModelRecord,
    condition: Predicate | null,
    events: ChangeEvent[],
    outboxEvents: OutboxEvent[],
    visiting: Set<string>,
  ): void {
    const visitKey = `${table.name}\u0000${table.modelId(record)}`;
    if (visiting.has(visitKey)) return; // a relation cycle must not recurse forever
    visiting.add(visitKey);
    for (const link of cascadeLinks(this.schema, table.model)) {
      const childTable = this.core.tables.get(link.model);
      const where = childrenWhere(link, record);
      if (childTable === undefined || where === null) continue;
      for (const child of this.runQuery(childTable, { where })) this.deleteWithChildren(childTable, child, null, events, outboxEvents, visiting);
    }
    this.core.deleteRow(table, record);
    this.core.noteSearchWrites(table);
    this.attachments.forget(table, record);
    this.enqueue(table, record, 'Delete', record, condition);
    events.push({ opType: 'DELETE', element: record, model: table.name, ...(condition ? { condition } : {}) });
    outboxEvents.push({ type: 'outboxMutationEnqueued', model: table.name, element: record });
  }
}

function isPredicate(value: unknown): value is Predicate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return 'and' in value || 'or' in value || 'not' in value || ('field' in value && 'op' in value);
}
