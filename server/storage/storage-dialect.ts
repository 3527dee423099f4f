// What differs between the databases the server stores in, declared once per database as an object
// (sqlite/sqlite-dialect.ts, postgres/postgres-dialect.ts), as Kysely's dialects declare their
// adapters. The storage core, the auth store and startServer read these fields instead of testing
// the database's name.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { SqlDialect, SqlFlavour } from '../../common/predicates/column-codec.js';

// Table names come from the schema at run time, so the query builder is untyped inside storage.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTx = Transaction<any>;

/** One database's differences. */
export interface StorageDialect {
  /** `sqlite` or `postgres`: for health, diagnostics and messages only. */
  readonly name: SqlDialect;
  /** How values are encoded and compared (shared with the column codec and predicate SQL). */
  readonly flavour: SqlFlavour;
  /** True when `select … for update` locks the row (PostgreSQL); SQLite has no row locks and needs none. */
  readonly rowLocks: boolean;
  /**
   * Holds `model`'s writer lock inside `trx` until it ends: shared on PostgreSQL (writers never wait
   * for each other; a sync's start waits for them), nothing on SQLite (its single writer).
   */
  lockWriters(trx: AnyTx, model: string): Promise<void>;
  /**
   * The sync watermark (epoch ms): no write of `model` that is still to commit has a change time
   * below it. Read once writes in flight have committed; later writes get a later change time.
   */
  syncStartTime(db: AnyDb, model: string): Promise<number>;
  /** Creates what a model's writes need beside its table (PostgreSQL: its fence sequence); idempotent. */
  createModelObjects(db: AnyDb, model: string): Promise<void>;
  /** Drops what `createModelObjects` made for a dropped model. */
  dropModelObjects(db: AnyDb, model: string): Promise<void>;
  /**
   * The clock of change times (`_lastChangedAt`, a sync's `startedAt`), epoch ms: the process's
   * for SQLite, the database's for PostgreSQL (shared by every server process).
   */
  clock(executor: AnyDb | AnyTx): Promise<number>;
  /** DDL for the change log's auto-increment key. */
  readonly sequenceColumn: string;
  /** DDL type of the `_deleted` flag. */
  readonly deletedColumn: string;
  /** Whether `alter table … add column if not exists` is understood. */
  readonly addColumnIfNotExists: boolean;
  /** The column names of `table` in the current schema. */
  columnNames(db: AnyDb, table: string): Promise<string[]>;
  /**
   * Runs DDL `work` so that processes starting together do not collide: under a transaction-scoped
   * advisory lock named `name` on PostgreSQL (IF NOT EXISTS is not atomic there), directly on SQLite.
   */
  withDdlLock<T>(db: AnyDb, name: string, work: (db: AnyDb) => Promise<T>): Promise<T>;
  /** True when `error` is this driver's unique or primary-key violation. */
  isUniqueViolation(error: unknown): boolean;
  /** Which change bus carries committed changes to subscribers: in-process, or LISTEN/NOTIFY across processes. */
  readonly changeBus: 'in-process' | 'listen-notify';
}

/** `ref` compared in code point (byte) order under `flavour`: with its collation, or as is. */
export function byteOrdered(ref: RawBuilder<unknown>, flavour: SqlFlavour): RawBuilder<unknown> {
  return flavour.collation === null ? ref : sql`${ref} collate ${sql.id(flavour.collation)}`;
}
