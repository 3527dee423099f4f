// The server's storage contract: what resolvers, the purge job and the CLI need from a database.
// One Kysely-based core (kysely-storage.ts) with a dialect object per database; the conformance
// suite (test/integration/server/storage-conformance.test.ts) runs this contract on both.
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../../common/predicates/column-codec.js';
import type { ModelRecord, Schema } from '../../common/schema/types.js';
import type { StorageDialect } from './storage-dialect.js';

/** A stored item: every stored field plus `_version`, `_lastChangedAt` (ms) and `_deleted`. */
export type StoredItem = ModelRecord & { _version: number; _lastChangedAt: number; _deleted: boolean | null };

/** Options of `basePage`. */
export interface BasePageOptions {
  readonly afterId: string | null;
  readonly limit: number;
  /** Only rows whose (single-valued) owner column holds one of `values`. */
  readonly ownerIn?: { readonly field: string; readonly values: readonly string[] };
  /** Only rows whose column `field` equals `value` (has-many look-ups). */
  readonly equals?: { readonly field: string; readonly value: unknown };
}

/** A condition on an index's sort key (AppSync's Model<Type>KeyConditionInput, one operator). */
export type SortKeyCondition =
  | { readonly op: 'eq' | 'le' | 'lt' | 'ge' | 'gt' | 'beginsWith'; readonly value: string | number }
  | { readonly op: 'between'; readonly value: readonly [string | number, string | number] };

/** Options of `indexPage`: rows with `partition.field = value`, ordered by `sortField` then key. */
export interface IndexPageOptions {
  readonly partition: { readonly field: string; readonly value: unknown };
  /** Sort-key field; rows where it is null are not in the index (as in a DynamoDB GSI). */
  readonly sortField: string;
  readonly condition?: SortKeyCondition;
  readonly descending: boolean;
  /** The last row of the previous page: its sort value and primary key. */
  readonly after: { readonly sort: unknown; readonly id: string } | null;
  readonly limit: number;
}

/** One change-log entry; `seq` orders entries in commit order within a model. */
export interface ChangeEntry {
  readonly seq: number;
  readonly item: StoredItem;
}

/**
 * Operations of one atomic write. Nothing is written unless the records read with `getForUpdate`
 * are unchanged at commit: SQLite's single writer holds them; PostgreSQL compares-and-sets on their
 * `_version` and runs the work again when another write came first (postgres-storage.ts).
 */
export interface WriteTransaction {
  /** Now (epoch ms) on the clock change times are kept on (the database's when it is shared). */
  now(): Promise<number>;
  /** The item (tombstones included); the write commits only if it is still this version then. */
  getForUpdate(model: string, id: string): Promise<StoredItem | undefined>;
  /** Insert or replace the item; `ttlSeconds` is the tombstone expiry (epoch s), null for live items. */
  put(model: string, item: StoredItem, ttlSeconds: number | null): Promise<void>;
  /** Append the item's new image to the change log; `mutationId` is the client's id of the mutation that wrote it. */
  appendChange(model: string, item: StoredItem, mutationId?: string | null): Promise<void>;
  /** The record's image as of `_version` `version` from the change log (one indexed read); undefined once purged. */
  versionImage(model: string, id: string, version: number): Promise<StoredItem | undefined>;
  /** True when the change log (within retention) holds a write of record `id` of `model` made by client mutation `mutationId`. */
  mutationApplied(model: string, id: string, mutationId: string): Promise<boolean>;
}

/** What `purge` removed. */
export interface PurgeResult {
  readonly tombstones: number;
  readonly changes: number;
}

/** The name of a database the server stores in. */
export type StorageDialectName = SqlDialect;

/** Tables another module owns in the storage's database (the auth store's), typed by that module, with the dialect. */
export interface OwnTables<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: StorageDialect;
}

export interface Storage {
  /** The database's name (`engine.name`), for health and diagnostics. */
  readonly dialect: StorageDialectName;
  /** What this database does differently (its dialect object). */
  readonly engine: StorageDialect;
  /**
   * A handle on tables of `DB` that another module creates and owns in this database (the auth
   * store): the same connection, typed with that module's tables only, and the dialect object.
   * Auth keeps its own queries (and tests run it on a bare Kysely), so the storage lends it the
   * connection rather than growing auth methods.
   */
  ownTables<DB>(): OwnTables<DB>;
  /**
   * Runs `work` as one atomic write of `model`, committed when it resolves. `work` may run more
   * than once (PostgreSQL retries it when a record it read changed before its commit), so it must
   * do nothing outside `tx` that cannot be repeated.
   */
  writeTransaction<T>(model: string, work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
  /** The item by primary key, tombstones included. */
  get(model: string, id: string): Promise<StoredItem | undefined>;
  /** Base-table page in primary-key order after `afterId` (exclusive); `ownerIn`/`equals` restrict a column. */
  basePage(model: string, options: BasePageOptions): Promise<StoredItem[]>;
  /** Page of an `@index` with a sort key, keyset-paginated on (sort value, primary key). */
  indexPage(model: string, options: IndexPageOptions): Promise<StoredItem[]>;
  /** Change-log page: entries changed at or after `since` (ms) with `seq > afterSeq`, in seq order. */
  deltaPage(model: string, options: { since: number; afterSeq: number; limit: number }): Promise<ChangeEntry[]>;
  /** How many base-table rows (tombstones included) a base sync of `model` pages through; `ownerIn` as in `basePage`. */
  countRecords(model: string, options: { readonly ownerIn?: BasePageOptions['ownerIn'] }): Promise<number>;
  /** How many change-log entries of `model` changed at or after `since` (ms): what a delta sync pages through. */
  countChanges(model: string, since: number): Promise<number>;
  /** The sync watermark (epoch ms): no write of `model` still to commit has a change time below it. */
  syncStartTime(model: string): Promise<number>;
  /** Removes tombstones whose `_ttl` passed and change-log entries older than `changesBefore` (ms). */
  purge(nowMs: number, changesBefore: number): Promise<PurgeResult>;
  /** A value of the server's own metadata table (deployed schema, signing secret), or undefined. */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Creates missing tables and columns; with `allowDestructive`, drops removed ones. */
  applySchema(schema: Schema, plan: MigrationStep[]): Promise<void>;
  close(): Promise<void>;
}

/** One step of a schema migration (computed by `planMigration`). */
export type MigrationStep =
  | { readonly kind: 'createModel'; readonly model: string }
  | { readonly kind: 'dropModel'; readonly model: string }
  | { readonly kind: 'addField'; readonly model: string; readonly field: string }
  | { readonly kind: 'dropField'; readonly model: string; readonly field: string }
  | { readonly kind: 'changeField'; readonly model: string; readonly field: string; readonly from: string; readonly to: string };
