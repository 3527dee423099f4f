// PostgreSQL storage: a pg Pool shared by several server processes. What PostgreSQL does
// differently (advisory locks, the database clock, "C" collation) is in postgres/postgres-dialect.ts.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { KyselyStorage } from './kysely-storage.js';
import { postgresDialect } from './postgres/postgres-dialect.js';

/** Storage in the PostgreSQL database at `url` (`postgres://…`). */
export class PostgresStorage extends KyselyStorage {
  /**
   * Connects (pool of up to `maxConnections`, default 10) and creates the internal tables. An idle
   * connection the database drops (restart, failover, an administrator) goes to `reportError`.
   */
  static async open(
    url: string,
    options: { readonly maxConnections?: number; readonly reportError?: (error: unknown) => void } = {},
  ): Promise<PostgresStorage> {
    // BIGINT columns hold epoch milliseconds, which fit a JS number exactly.
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // pg emits an idle client's error on the pool, and an unhandled 'error' event ends the process:
    // the pool has already discarded that client, so the server only needs to say so.
    const report = options.reportError ?? ((error: unknown) => console.error('outpost storage: idle PostgreSQL connection lost:', error));
    pool.on('error', (error) => report(error));
    const storage = new PostgresStorage(new Kysely({ dialect: new PostgresDialect({ pool }) }), postgresDialect);
    await storage.ensureInternalTables();
    return storage;
  }
}
