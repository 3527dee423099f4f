// Turning a record the server sent (sync page, subscription event, mutation response) into the
// row the local store keeps. Shared by outbox.ts and remote-merge.ts.
import type { ModelRecord } from '../../common/schema/types.js';
import { ValidationError } from '../../common/errors.js';
import type { ModelTable } from './model-table.js';

/**
 * The local row for a server record: its stored fields; a field the server left out (a partial
 * selection set) keeps the local value. Throws a ValidationError when a value has the wrong type,
 * so a malformed server record never reaches storage.
 */
export function rowFromServer(table: ModelTable, server: ModelRecord, existing: ModelRecord | undefined): ModelRecord {
  return encodedRowFromServer(table, server, existing).row;
}

/** rowFromServer with the row's statement parameters (`encodeRow`), made once for the check and the write. */
export function encodedRowFromServer(table: ModelTable, server: ModelRecord, existing: ModelRecord | undefined): { row: ModelRecord; params: unknown[] } {
  if (typeof server !== 'object' || server === null || Array.isArray(server)) {
    throw new ValidationError(`${table.name}: a server record must be an object`, table.name);
  }
  const row: ModelRecord = {};
  for (const field of table.fields) {
    const value = server[field.name];
    row[field.name] = value === undefined ? (existing?.[field.name] ?? null) : value;
  }
  row._deleted = null; // stored rows are live; tombstones are applied as deletes
  for (const key of table.primaryKey) {
    if (row[key] === null || row[key] === undefined) {
      throw new ValidationError(`${table.name}.${key}: the server record has no key value`, `${table.name}.${key}`);
    }
  }
  const params = table.encodeRow(row); // throws ValidationError naming the field
  return { row, params };
}

/** True when the server record is a tombstone (`_deleted: true`). */
export function isTombstone(server: ModelRecord): boolean {
  return server._deleted === true;
}

/** The record's `_version` as a number, or null when absent. */
export function versionOf(record: ModelRecord | undefined): number | null {
  const v = record?._version;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
