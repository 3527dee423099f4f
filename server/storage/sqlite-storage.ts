// SQLite storage (the zero-set-up default): better-sqlite3 in WAL mode. Kysely drives one
// connection behind a mutex, so writers are serialised by construction. Statements are prepared
// once per SQL text (statement-cache.ts). What SQLite does differently is in sqlite/sqlite-dialect.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStorage } from './kysely-storage.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';
import { StatementCachingDatabase } from './statement-cache.js';

/** Storage in the SQLite file at `path` (created with its directory if missing). */
export class SqliteStorage extends KyselyStorage {
  /** Opens (or creates) the database file; WAL, 5 s busy timeout. */
  static async open(path: string): Promise<SqliteStorage> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    const db = new Kysely({ dialect: new SqliteDialect({ database: new StatementCachingDatabase(database) }) });
    const storage = new SqliteStorage(db, sqliteDialect);
    await storage.ensureInternalTables();
    return storage;
  }
}
