// PostgreSQL storage: a pg Pool shared by several server processes. Writers of one model take a
// transaction-scoped advisory lock, so change-log `seq` order is commit order and a sync's
// `startedAt` (taken under the shared form of that lock) never skips an in-flight write.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Schema } from '../../common/schema/types.js';
import { keyColumnOf } from '../graphql/model-fields.js';
import { columnTypeFor } from '../../common/predicates/column-codec.js';
import { KyselyStorage, type AnyDb, type AnyTx } from './kysely-storage.js';
import type { MigrationStep } from './storage.js';

const LOCK_PREFIX = 'outpost-model:';

/** Storage in the PostgreSQL database at `url` (`postgres://…`). */
export class PostgresStorage extends KyselyStorage {
  readonly dialect = 'postgres' as const;

  private constructor(db: AnyDb) {
    super(db);
  }

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
    const storage = new PostgresStorage(new Kysely({ dialect: new PostgresDialect({ pool }) }));
    await storage.ensureInternalTables();
    return storage;
  }

  protected async lockModel(trx: AnyTx, model: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
  }

  async syncStartTime(model: string): Promise<number> {
    // Read the clock while holding the shared lock: writers that hold the exclusive lock computed
    // their change time earlier and have committed; later writers will compute a later one. Both
    // read the database's clock, so server processes with skewed clocks still agree.
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock_shared(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
      return this.clock(trx);
    });
  }

  protected override async clock(trx: AnyTx | AnyDb): Promise<number> {
    // clock_timestamp(), not now(): now() is the transaction's start, and a writer may have waited
    // for the model's lock after it began.
    const { rows } = await sql<{ ms: string }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms`.execute(trx);
    return Number(rows[0]?.ms);
  }

  override async applySchema(schema: Schema, plan: MigrationStep[]): Promise<void> {
    await super.applySchema(schema, plan);
    // Base and list pages are keyset pages on `<key> collate "C"` (byte order). The primary-key
    // index has the database's default collation, which that ORDER BY cannot use, so without this
    // index every page was a full scan and sort of the table (a 50k-row base sync: 150-200 ms per
    // page instead of ~5 ms, growing with the table).
    for (const model of Object.values(schema.models)) {
      const index = sql.id(`${model.name}__key_c`);
      await sql`create index if not exists ${index} on ${sql.table(model.name)} (${sql.ref(keyColumnOf(model))} collate "C")`.execute(this.db);
      // The same for `@index` queries: pages of one partition ordered by the (first) sort key in
      // byte order, then the key. Without it every page sorted the whole partition.
      for (const def of model.indexes) {
        const [partition, sortKey] = def.fields;
        if (partition === undefined) continue;
        const sortField = sortKey === undefined ? undefined : model.fields.find((f) => f.name === sortKey);
        const columns = [sql.ref(partition)];
        if (sortField !== undefined) {
          columns.push(columnTypeFor(sortField, 'postgres') === 'TEXT' ? sql`${sql.ref(sortField.name)} collate "C"` : sql`${sql.ref(sortField.name)}`);
        }
        columns.push(sql`${sql.ref(keyColumnOf(model))} collate "C"`);
        const name = sql.id(`${model.name}_${def.name}_c`);
        await sql`create index if not exists ${name} on ${sql.table(model.name)} (${sql.join(columns)})`.execute(this.db);
      }
    }
  }

  protected seqColumnType(): string {
    return 'bigserial primary key';
  }
}
