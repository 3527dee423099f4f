// PostgreSQL storage: a pg Pool shared by several server processes. Writers of one model take a
// transaction-scoped advisory lock, so change-log `seq` order is commit order and a sync's
// `startedAt` (taken under the shared form of that lock) never skips an in-flight write.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { KyselyStorage, type AnyDb, type AnyTx } from './kysely-storage.js';

const LOCK_PREFIX = 'outpost-model:';

/** Storage in the PostgreSQL database at `url` (`postgres://…`). */
export class PostgresStorage extends KyselyStorage {
  readonly dialect = 'postgres' as const;

  private constructor(db: AnyDb) {
    super(db);
  }

  /** Connects (pool of up to `maxConnections`, default 10) and creates the internal tables. */
  static async open(url: string, maxConnections = 10): Promise<PostgresStorage> {
    // BIGINT columns hold epoch milliseconds, which fit a JS number exactly.
    const pool = new pg.Pool({ connectionString: url, max: maxConnections });
    const storage = new PostgresStorage(new Kysely({ dialect: new PostgresDialect({ pool }) }));
    await storage.ensureInternalTables();
    return storage;
  }

  protected async lockModel(trx: AnyTx, model: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
  }

  async syncStartTime(model: string): Promise<number> {
    // Read the clock while holding the shared lock: writers that hold the exclusive lock computed
    // their change time earlier and have committed; later writers will compute a later one.
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock_shared(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
      return Date.now();
    });
  }

  protected seqColumnType(): string {
    return 'bigserial primary key';
  }
}
