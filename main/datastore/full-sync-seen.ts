// A full sync's record of which local rows its pages returned, kept in the file rather than in
// memory: one table per model, `_outpost_full_sync_seen_<model>`, of the rowids of the model's
// rows each page named (marked in the page's own transaction), so the cleanup after a complete
// full sync (RemoteMerge.removeUnseen) removes the rows not marked by one anti-join. A Set of a
// million ids held for that cleanup cost ~75 MB of the heap during the sync; the table costs ~10
// bytes a row on disk and a B-tree append per record. It lives as long as the sync: forgotten when
// a full sync starts afresh and once its cleanup ran; a capped sync continued next round keeps it.
//
// Rowids, not keys: a marked row deleted during the sync whose rowid SQLite then gives to a new row
// makes that row count as seen. That row was written after the sync started — by a later page
// (seen anyway), an outbox completion or a live event (changed after the snapshot, kept by
// `changedSince`), or a local save (pending, kept) — so the cleanup keeps exactly what it kept
// with the keys in memory. Only `clear` VACUUMs (renumbering rowids), and it drops these tables.
import type { ModelRecord } from '../../common/schema/types.js';
import { ValidationError } from '../../common/errors.js';
import type { ModelTable } from './model-table.js';
import type { SqliteConnection } from './sqlite-connection.js';

/** The table of `model`'s rowids a full sync has seen (not `_outpost_search_…`, where FTS5 tables live). */
export function seenTableName(model: string): string {
  return `_outpost_full_sync_seen_${model}`;
}

function id(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function ensureSeenTable(conn: SqliteConnection, model: string): string {
  const seen = id(seenTableName(model));
  conn.exec(`CREATE TABLE IF NOT EXISTS ${seen} ("row" INTEGER PRIMARY KEY)`);
  return seen;
}

/** Forgets what a full sync of `model` has seen (a new one starts, or its cleanup ran); in the caller's transaction or none. */
export function forgetSeen(conn: SqliteConnection, model: string): void {
  conn.exec(`DROP TABLE IF EXISTS ${id(seenTableName(model))}`);
}

/** Marks the rows of `table` that `records` name (by key; records without one are skipped) as seen, inside the page's transaction. */
export function markSeen(conn: SqliteConnection, table: ModelTable, records: Iterable<ModelRecord>): void {
  const seen = ensureSeenTable(conn, table.name);
  const source = id(table.name);
  if (table.primaryKey.length === 1) {
    const keys: unknown[] = [];
    for (const record of records) {
      const key = keyParamsOrNull(table, record);
      if (key !== null) keys.push(key[0]);
    }
    if (keys.length === 0) return;
    // One statement a page: the model's key index finds each row.
    const key = id(table.primaryKey[0]!);
    conn.run({
      sql: `INSERT OR IGNORE INTO ${seen}("row") SELECT rowid FROM ${source} WHERE ${key} IN (SELECT value FROM json_each(?))`,
      parameters: [JSON.stringify(keys)],
    });
    return;
  }
  const where = table.primaryKey.map((k) => `${id(k)} = ?`).join(' AND ');
  const sql = `INSERT OR IGNORE INTO ${seen}("row") SELECT rowid FROM ${source} WHERE ${where}`;
  for (const record of records) {
    const key = keyParamsOrNull(table, record);
    if (key !== null) conn.run({ sql, parameters: key });
  }
}

/** Key values (in `primaryKey` order) of every row of `table` no page of the current full sync marked; read before anything is deleted. */
export function unseenKeys(conn: SqliteConnection, table: ModelTable): ModelRecord[] {
  const seen = ensureSeenTable(conn, table.name);
  const readKey = table.decodeValues(table.primaryKey);
  const keyList = table.primaryKey.map(id).join(', ');
  const keys: ModelRecord[] = [];
  const unmarked = `SELECT ${keyList} FROM ${id(table.name)} AS t WHERE NOT EXISTS (SELECT 1 FROM ${seen} AS s WHERE s."row" = t.rowid)`;
  for (const values of conn.iterateValues({ sql: unmarked, parameters: [] })) keys.push(readKey(values));
  return keys;
}

function keyParamsOrNull(table: ModelTable, record: ModelRecord): unknown[] | null {
  if (typeof record !== 'object' || record === null) return null;
  try {
    return table.keyParams(record);
  } catch (error) {
    // A record without its key is the merge's to report; it names no row.
    if (!(error instanceof ValidationError)) throw error;
    return null;
  }
}
