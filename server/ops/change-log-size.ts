// The change log's size for the metrics: one COUNT over the internal table at scrape time.
import { sql } from 'kysely';
import type { Storage } from '../storage/storage.js';
import { CHANGES_TABLE } from '../storage/storage-ddl.js';

/** Change-log entries held, all models. */
export async function changeLogSize(storage: Storage): Promise<number> {
  const { db } = storage.ownTables<unknown>();
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(CHANGES_TABLE)}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}
