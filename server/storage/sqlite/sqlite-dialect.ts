// SQLite's differences: one connection behind Kysely's mutex is the single writer, so there are no
// locks to take; the clock is the process's; booleans are 0/1 integers; BINARY collation already
// compares by bytes.
import { sql } from 'kysely';
import { SQLITE_FLAVOUR } from '../../../common/predicates/column-codec.js';
import type { StorageDialect } from '../storage-dialect.js';

export const sqliteDialect: StorageDialect = {
  name: 'sqlite',
  flavour: SQLITE_FLAVOUR,
  rowLocks: false,
  async lockWriters() {
    // The single connection is held for the whole transaction: nothing else can write meanwhile.
  },
  async syncStartTime(db) {
    // Queued behind any open transaction on the single connection; later reads queue behind later writes.
    await sql`select 1`.execute(db);
    return Date.now();
  },
  async createModelObjects() {
    // Nothing beside the table: the single writer needs no fence.
  },
  async dropModelObjects() {},
  async clock() {
    return Date.now();
  },
  sequenceColumn: 'integer primary key autoincrement',
  deletedColumn: 'integer',
  addColumnIfNotExists: false,
  async columnNames(db, table) {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    return rows.map((r) => r.name);
  },
  async withDdlLock(db, _name, work) {
    return work(db);
  },
  isUniqueViolation(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
  changeBus: 'in-process',
};
