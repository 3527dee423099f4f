// A record's key as callers pass it to get/delete, read into the model's key fields and checked
// against the model's primary key before it reaches SQL.
import { ValidationError } from '../../common/errors.js';
import { encodeColumnValue } from '../../common/predicates/column-codec.js';
import type { ModelRecord } from '../../common/schema/types.js';
import type { ModelTable } from './model-table.js';

/** A record's key: its id for `id`-keyed models, or the key fields for custom primary keys. */
export type RecordKey = string | Readonly<Record<string, unknown>>;

/** The key fields of a record from a `RecordKey`, checked against the model's primary key. */
export function keyRecordOf(table: ModelTable, key: RecordKey): ModelRecord {
  const model = table.name;
  if (typeof key === 'string') {
    if (table.primaryKey.length !== 1) {
      throw new ValidationError(
        `${model}: its primary key has ${table.primaryKey.length} fields (${table.primaryKey.join(', ')}); pass them as an object`,
        model,
      );
    }
    return { [table.primaryKey[0]]: key };
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw new ValidationError(`${model}: a key must be a string or an object of key fields`, model);
  }
  const out: ModelRecord = {};
  for (const name of table.primaryKey) {
    const value = key[name];
    if (value === undefined || value === null) {
      throw new ValidationError(`${model}.${name}: the key field ${name} is missing`, `${model}.${name}`);
    }
    encodeColumnValue(table.field(name)!, value); // rejects a value of the wrong type
    out[name] = value;
  }
  return out;
}
