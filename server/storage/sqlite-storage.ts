// SQLite storage (the zero-set-up default): better-sqlite3 in WAL mode. Kysely drives one
// connection behind a mutex, so writers are serialised by construction. Statements are prepared
// once per SQL text (statement-cache.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { KyselyStorage, type AnyDb, type AnyTx } from './kysely-storage.js';
import { StatementCachingDatabase } from './statement-cache.js';

/** Storage in the SQLite file at `path` (created with its directory if missing). */
export class SqliteStorage extends KyselyStorage {
  readonly dialect = 'sqlite' as const;

  private constructor(db: AnyDb) {
    super(db);
  }

  /** Opens (or creates) the database file; WAL, 5 s busy timeout. */
  static async open(path: string): Promise<SqliteStorage> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    const storage = new SqliteStorage(new Kysely({ dialect: new SqliteDialect({ database: new StatementCachingDatabase(database) }) }));
    await storage.ensureInternalTables();
    return storage;
  }

  protected async lockModel(trx: AnyTx): Promise<void> {
    // The single connection is held for the whole transaction: nothing else can write meanwhile.
    void trx;
  }

  async syncStartTime(): Promise<number> {
    // Queued behind any open transaction on the single connection; later reads queue behind later writes.
    await sql`select 1`.execute(this.db);
    return Date.now();
  }

  protected seqColumnType(): string {
    return 'integer primary key autoincrement';
  }
}
