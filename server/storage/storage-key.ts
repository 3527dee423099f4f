// How the server stores a record's key: the primary-key column and the key as one string. A
// composite key (`@primaryKey` with sort-key fields) is kept in a `_key` column as a JSON array.
import type { ModelDef } from '../../common/schema/types.js';

/** The first primary-key field (the whole key unless `@primaryKey` adds sort-key fields). */
export function primaryKeyOf(model: ModelDef): string {
  return model.primaryKey[0] ?? 'id';
}

/** Column holding a composite key's canonical form (`@primaryKey` with sort-key fields). */
export const COMPOSITE_KEY_COLUMN = '_key';

/** The SQL primary-key column: the key field itself, or `_key` for composite keys. */
export function keyColumnOf(model: ModelDef): string {
  return model.primaryKey.length > 1 ? COMPOSITE_KEY_COLUMN : primaryKeyOf(model);
}

/**
 * The storage key of a record or of key arguments: the key field's value as a string, or for
 * composite keys the JSON array of the key fields' values. Undefined when a key field is missing.
 * (common/schema/record-key.ts's `keyOf` is the key as an object of fields, for clients.)
 */
export function storageKeyOf(model: ModelDef, values: Readonly<Record<string, unknown>>): string | undefined {
  const parts = (model.primaryKey.length > 0 ? model.primaryKey : ['id']).map((f) => values[f]);
  if (parts.some((p) => p === null || p === undefined || (typeof p !== 'string' && typeof p !== 'number'))) return undefined;
  return parts.length === 1 ? String(parts[0]) : JSON.stringify(parts);
}
