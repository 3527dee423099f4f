// Field-level gate for records arriving from the renderer, applied before the datastore (which
// then checks every value's type). Fields the server or the sync worker own are dropped rather
// than refused, because the renderer legitimately echoes back records it was given.
import { ValidationError } from '../../common/errors.js';
import { findModel } from '../../common/schema/model-fields.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import { METADATA_FIELDS, type ModelDef, type ModelRecord, type Schema } from '../../common/schema/types.js';
import { validateRecord } from '../../common/schema/validate-record.js';

/**
 * The model a request names (common/schema/model-fields.ts `findModel`), or a ValidationError at
 * the request's `model` path listing the models that exist — the wording the IPC clients show.
 */
export function requireModel(schema: Schema, name: string): ModelDef {
  const model = findModel(schema, name);
  if (!model) {
    throw new ValidationError(`unknown model '${name}'; known models: ${Object.keys(schema.models).join(', ')}`, 'model');
  }
  return model;
}

const metadata = new Set<string>(METADATA_FIELDS);

/** A copy of `record` holding only fields the renderer may write; unknown and relation fields are refused. */
export function writableRecord(model: ModelDef, record: ModelRecord): ModelRecord {
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  const out: ModelRecord = {};
  for (const [key, value] of Object.entries(record)) {
    if (metadata.has(key)) continue;
    const field = fields.get(key);
    if (!field) {
      throw new ValidationError(`${model.name}.${key}: ${model.name} has no field '${key}'`, `${model.name}.${key}`);
    }
    if (field.isReadOnly) continue;
    if (field.type.kind === 'model') {
      const keys = field.relation?.kind === 'belongsTo' ? `; set ${field.relation.fields.join(', ')} instead` : '';
      throw new ValidationError(
        `${model.name}.${key}: is a relation to ${field.type.name} and cannot be saved through this record${keys}`,
        `${model.name}.${key}`,
      );
    }
    out[key] = value;
  }
  if ('id' in out && typeof out.id !== 'string') {
    throw new ValidationError(`${model.name}.id: must be a string`, `${model.name}.id`);
  }
  return out;
}

/**
 * The key object `key` stands for, checked against `model`'s primary key: a string only for a
 * one-field key; an object naming every key field, no other field, each value of its field's type.
 * A ValidationError names `Model.field` otherwise, so a bad key never reaches the datastore.
 */
export function checkedKey(schema: Schema, model: ModelDef, key: string | KeyObject): KeyObject {
  const keyFields = model.primaryKey;
  const described = `the ${model.name} key is ${keyFields.join(', ')}`;
  let out: Record<string, unknown>;
  if (typeof key === 'string') {
    if (keyFields.length !== 1) {
      throw new ValidationError(`${model.name}: ${described}; give the key as an object { ${keyFields.join(', ')} }, not a string`, model.name);
    }
    out = { [keyFields[0]!]: key };
  } else {
    for (const name of Object.keys(key)) {
      if (!keyFields.includes(name)) {
        throw new ValidationError(`${model.name}.${name}: is not a key field (${described})`, `${model.name}.${name}`);
      }
    }
    out = {};
    for (const name of keyFields) {
      if (!Object.hasOwn(key, name)) {
        throw new ValidationError(`${model.name}.${name}: the key field ${name} is missing (${described})`, `${model.name}.${name}`);
      }
      out[name] = key[name];
    }
  }
  // Each value must be valid for its field (an ID non-empty, an Int an integer, …).
  validateRecord(schema, model.name, out, 'update');
  return out as KeyObject;
}
