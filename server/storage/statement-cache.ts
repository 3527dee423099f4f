// Kysely's SqliteDriver calls `prepare(sql)` for every query it runs, and preparing costs more
// than running the small statements a mutation issues. This database wrapper hands Kysely a
// cached Statement per SQL text instead, least recently used evicted past a bound.
//
// Reuse is safe: a better-sqlite3 Statement binds its parameters afresh on every `all`/`run`/
// `iterate`, and SQLite re-prepares it by itself when the schema changed under it (including a
// change made by another connection or process, e.g. `outpost-server push`). DDL issued through
// this wrapper still empties the cache, so statements over dropped or altered tables are let go.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements kept per database when no bound is given. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/** SQL that changes the schema (Kysely's schema builder and our raw DDL all start this way). */
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\s/i;

/** A better-sqlite3 database for Kysely's SqliteDialect whose `prepare` reuses statements by SQL text. */
export class StatementCachingDatabase implements SqliteDatabase {
  /** SQL text → statement; Map order is recency order (oldest first). */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly database: BetterSqlite3.Database,
    /** Most statements kept; default DEFAULT_STATEMENT_CACHE_SIZE. */
    readonly capacity: number = DEFAULT_STATEMENT_CACHE_SIZE,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`statement cache capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** The cached statement for `sql`, or a newly prepared one (cached unless it changes the schema). */
  prepare(sql: string): SqliteStatement {
    const cached = this.statements.get(sql);
    // A statement still being iterated (a Kysely stream) cannot run again until it finishes.
    if (cached !== undefined && !cached.busy) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    if (SCHEMA_CHANGE.test(sql)) {
      this.statements.clear();
      return this.database.prepare(sql);
    }
    const statement = this.database.prepare(sql);
    if (cached === undefined) {
      this.statements.set(sql, statement);
      if (this.statements.size > this.capacity) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    return statement;
  }

  /** Number of statements held. */
  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
