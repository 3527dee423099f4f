// Opens the SQLite file behind a datastore and runs Kysely-built SQL on it synchronously.
//
// Why synchronous: better-sqlite3 executes on the JS thread, so a `db.transaction(fn)` that never
// awaits is atomic with respect to every other caller in the process. That gives us "row + outbox
// entry in one transaction" and "no interleaving between a read and the write that depends on it"
// without a mutex. Kysely builds and compiles every statement (identifiers quoted, values
// parameterised); we execute the compiled SQL through a prepared-statement cache.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { openStoreFile } from './store-encryption.js';
import { FOLD_SQL_FUNCTION, foldText } from '../../common/predicates/text-fold.js';

/** Every table is dynamic (derived from the schema), so rows are plain column → value maps. */
export type DynamicDatabase = Record<string, Record<string, unknown>>;

/** A row as SQLite returns it. */
export type SqlRow = Record<string, unknown>;

/**
 * `FULL`: a returned save survives process crash AND power loss / OS crash (WAL fsynced on every
 * commit). `NORMAL`: survives process crash (SIGKILL) — the WAL is in the OS page cache — but the
 * last commits may be lost on power loss. Default `FULL`: field laptops run on batteries.
 */
export type Durability = 'FULL' | 'NORMAL';

/** An open database: the raw handle, a Kysely query builder over it, and cached statement execution. */
export class SqliteConnection {
  readonly db: Database.Database;
  readonly kysely: Kysely<DynamicDatabase>;
  private readonly statements = new Map<string, Database.Statement>();
  /** Statements in raw mode (rows as value arrays), kept apart: the mode is the statement's own. */
  private readonly rawStatements = new Map<string, Database.Statement>();
  // One wrapper for every transaction (better-sqlite3 nests it as a savepoint when already inside one).
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /**
   * Opens (creating if needed) `file` in WAL mode with the given durability and a 5 s busy timeout;
   * with a 32-byte `key`, encrypted (a plain file is encrypted first), else plain. A file the key
   * (or its absence) cannot open throws StoreKeyError before anything is written (store-encryption.ts).
   */
  constructor(
    file: string,
    private readonly durability: Durability = 'FULL',
    busyTimeoutMs = 5000,
    key?: Buffer,
  ) {
    this.db = openStoreFile(file, key, busyTimeoutMs);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${durability}`);
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Queries with `ignoreCase` compare folded text (common/predicates/to-sql.ts).
    this.db.function(FOLD_SQL_FUNCTION, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldText(value) : value));
    this.kysely = new Kysely<DynamicDatabase>({ dialect: new SqliteDialect({ database: this.db }) });
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in one IMMEDIATE transaction (write lock taken up front); rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction.immediate(fn) as T;
  }

  /**
   * transaction(), except that under FULL durability this commit does not wait for the fsync (as
   * NORMAL): for writes a power loss may undo without harm because the next start redoes or
   * verifies them. WAL commits are ordered, so the next FULL commit makes this one durable as well.
   * Inside another transaction it simply joins it.
   */
  transactionWithoutSync<T>(fn: () => T): T {
    if (this.durability !== 'FULL' || this.db.inTransaction) return this.transaction(fn);
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.transaction(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Executes a compiled statement that returns rows. */
  all(query: CompiledQuery | { sql: string; parameters: readonly unknown[] }): SqlRow[] {
    return this.statement(query.sql).all(...query.parameters) as SqlRow[];
  }

  /**
   * Executes a statement that returns rows, as arrays of values in SELECT-list order: no object
   * per row with a key per column is built natively, which costs more than the values themselves.
   * Name the columns in the SELECT list (not `*`) so positions are fixed by the SQL text.
   */
  allValues(query: CompiledQuery | { sql: string; parameters: readonly unknown[] }): { rows: unknown[][] } {
    let statement = this.rawStatements.get(query.sql);
    if (statement === undefined) {
      statement = this.db.prepare(query.sql).raw(true);
      if (this.rawStatements.size > 500) this.rawStatements.clear();
      this.rawStatements.set(query.sql, statement);
    }
    return { rows: statement.all(...query.parameters) as unknown[][] };
  }

  /**
   * allValues one row at a time (a statement of its own, not cached: an open iteration keeps its
   * statement busy). No other statement may run on this connection until the iteration ends.
   */
  *iterateValues(query: CompiledQuery | { sql: string; parameters: readonly unknown[] }): Generator<unknown[]> {
    const statement = this.db.prepare(query.sql).raw(true);
    yield* statement.iterate(...query.parameters) as IterableIterator<unknown[]>;
  }

  /** Executes a compiled statement and returns its first row, if any. */
  first(query: CompiledQuery | { sql: string; parameters: readonly unknown[] }): SqlRow | undefined {
    return this.statement(query.sql).get(...query.parameters) as SqlRow | undefined;
  }

  /** Executes a compiled statement that changes data; returns the change count and last row id. */
  run(query: CompiledQuery | { sql: string; parameters: readonly unknown[] }): { changes: number; lastId: number } {
    const result = this.statement(query.sql).run(...query.parameters);
    return { changes: result.changes, lastId: Number(result.lastInsertRowid) };
  }

  /** Runs DDL / multi-statement SQL that takes no parameters. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Closes the file (checkpointing the WAL). Idempotent. */
  close(): void {
    this.statements.clear();
    this.rawStatements.clear();
    if (this.db.open) this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      // Bounded: query shapes vary with predicates; keep the cache from growing without limit.
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
