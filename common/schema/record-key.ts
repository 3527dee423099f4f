// A record's primary key in the two forms the app passes around: the key object (key field → value,
// what `get` and `delete` take) and the outbox `modelId` string (PROTOCOL.md §4.2: the key values
// joined by "-"), which the outbox, sync events, error notices and conflicts carry. Defined once so
// the datastore, main's IPC layer and the renderer build and read keys the same way.
import type { ModelDef, ModelRecord } from './types.js';
import { findField } from './model-fields.js';

/** Separator between primary-key values in an outbox `modelId` (PROTOCOL.md §4.2). */
export const MODEL_ID_SEPARATOR = '-';

/** One key field's value: a string (ID, String, dates, enums) or a number (Int, Float, AWSTimestamp). */
export type KeyValue = string | number;

/** A record's key as an object of its primary-key fields, e.g. `{ siteCode: 'N1', visitedOn: '2026-01-02' }`. */
export type KeyObject = Readonly<Record<string, KeyValue>>;

const NUMERIC = new Set(['Int', 'Float', 'AWSTimestamp']);

/** True when the key is the generated `id` alone: a new record gets it from the datastore, not the user. */
export function hasGeneratedId(model: ModelDef): boolean {
  return model.primaryKey.length === 1 && model.primaryKey[0] === 'id';
}

/** The key object of `record`, or undefined when a key field is missing or not a string/number. */
export function keyOf(model: ModelDef, record: ModelRecord | null | undefined): KeyObject | undefined {
  if (record === null || record === undefined) return undefined;
  const key: Record<string, KeyValue> = {};
  for (const name of model.primaryKey) {
    const value = record[name];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    key[name] = value;
  }
  return key;
}

/** The outbox `modelId` of a record (or of its key object): its key values in key order, joined by "-". */
export function modelIdOf(model: Pick<ModelDef, 'primaryKey'>, record: ModelRecord): string {
  return model.primaryKey.map((k) => String(record[k])).join(MODEL_ID_SEPARATOR);
}

/**
 * The key object a `modelId` stands for, or undefined when it cannot be told apart: a composite
 * key whose values themselves contain "-" (e.g. an AWSDate sort key) splits into too many parts,
 * so callers that have the record should use `keyOf` on it instead.
 */
export function keyFromModelId(model: ModelDef, modelId: string): KeyObject | undefined {
  const parts = model.primaryKey.length === 1 ? [modelId] : modelId.split(MODEL_ID_SEPARATOR);
  if (parts.length !== model.primaryKey.length) return undefined;
  const key: Record<string, KeyValue> = {};
  for (const [i, name] of model.primaryKey.entries()) {
    const field = findField(model, name);
    const part = parts[i]!;
    if (field?.type.kind === 'scalar' && NUMERIC.has(field.type.name)) {
      const n = Number(part);
      if (part.trim() === '' || !Number.isFinite(n)) return undefined;
      key[name] = n;
    } else {
      key[name] = part;
    }
  }
  return key;
}
