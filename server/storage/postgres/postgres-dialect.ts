// PostgreSQL's differences: a pool shared by several server processes. Writers of a model hold its
// advisory lock only in SHARED mode and only for their one write statement (postgres-write-sql.ts),
// so they never wait for each other; a sync's `startedAt` is taken under the EXCLUSIVE form, which
// waits for the writes in flight, and raises the model's fence so a write whose change time is
// older than a watermark already handed out cannot commit (it runs again). The clock is the
// database's; rows are locked `for update` in the locked fallback; text compares by bytes under "C".
import { sql } from 'kysely';
import { POSTGRES_FLAVOUR } from '../../../common/predicates/column-codec.js';
import type { AnyDb, AnyTx, StorageDialect } from '../storage-dialect.js';
import { fenceSequence, quoteIdent, syncStartSql, writerLockKey } from './postgres-write-sql.js';

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
    await sql`select pg_advisory_xact_lock_shared(${sql.raw(writerLockKey(model))})`.execute(trx);
  },
  async syncStartTime(db, model) {
    // One statement: exclusive lock (waits for writes in flight), the database clock (every server
    // process agrees on it), the fence raised to it.
    const { rows } = await sql<{ ms: string }>`${sql.raw(syncStartSql(model))}`.execute(db);
    return Number(rows[0]?.ms);
  },
  async createModelObjects(db, model) {
    try {
      await sql`create sequence if not exists ${sql.raw(quoteIdent(fenceSequence(model)))} minvalue 0 start 0`.execute(db);
    } catch (error) {
      // Two processes starting together: IF NOT EXISTS is not atomic, the other one created it.
      if (!postgresDialect.isUniqueViolation(error)) throw error;
    }
  },
  async dropModelObjects(db, model) {
    await sql`drop sequence if exists ${sql.raw(quoteIdent(fenceSequence(model)))}`.execute(db);
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
