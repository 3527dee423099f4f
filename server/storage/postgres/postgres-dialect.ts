// PostgreSQL's differences: a pool shared by several server processes, so writers of one model take
// a transaction-scoped advisory lock (change-log `seq` order is commit order, and a sync's
// `startedAt`, taken under the shared form of that lock, never skips an in-flight write); the
// clock is the database's; rows are locked `for update`; text compares by bytes under "C".
import { sql } from 'kysely';
import { POSTGRES_FLAVOUR } from '../../../common/predicates/column-codec.js';
import type { AnyDb, AnyTx, StorageDialect } from '../storage-dialect.js';

const LOCK_PREFIX = 'outpost-model:';

async function databaseClock(executor: AnyDb | AnyTx): Promise<number> {
  // clock_timestamp(), not now(): now() is the transaction's start, and a writer may have waited
  // for the model's lock after it began.
  const { rows } = await sql<{ ms: string }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms`.execute(executor);
  return Number(rows[0]?.ms);
}

export const postgresDialect: StorageDialect = {
  name: 'postgres',
  flavour: POSTGRES_FLAVOUR,
  rowLocks: true,
  async lockWriters(trx, model) {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
  },
  async syncStartTime(db, model) {
    // Read the clock while holding the shared lock: writers that hold the exclusive lock computed
    // their change time earlier and have committed; later writers will compute a later one. Both
    // read the database's clock, so server processes with skewed clocks still agree.
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock_shared(hashtext(${LOCK_PREFIX + model}))`.execute(trx);
      return databaseClock(trx);
    });
  },
  clock: databaseClock,
  sequenceColumn: 'bigserial primary key',
  deletedColumn: 'boolean',
  addColumnIfNotExists: true,
  async columnNames(db, table) {
    const { rows } = await sql<{
      name: string;
    }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(db);
    return rows.map((r) => r.name);
  },
  async withDdlLock(db, name, work) {
    // DDL is transactional on PostgreSQL: the lock lasts exactly as long as the DDL.
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
      return work(trx);
    });
  },
  isUniqueViolation(error) {
    // SQLSTATE unique_violation.
    return (error as { code?: unknown } | null)?.code === '23505';
  },
  changeBus: 'listen-notify',
};
