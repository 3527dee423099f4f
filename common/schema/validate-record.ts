// Checks a record against its model before anything is written: every rule the server would apply
// (required fields, scalar formats, enum members, list items, embedded objects, location ranges)
// fails here first, with a ValidationError naming `Model.field` and the rule, so bad data never
// reaches the outbox.
import { ValidationError } from '../errors.js';
import { geoPointLayout, geoPointProblems } from './geo-point.js';
import { findField, findModel, getModel, storedFields } from './model-fields.js';
import { scalarRule } from './scalars.js';
import { METADATA_FIELDS, type FieldDef, type ModelDef, type ModelRecord, type Schema } from './types.js';

/** `create`: a whole new record; `update`: only the fields being changed. */
export type ValidationMode = 'create' | 'update';

/** Why a value was refused; carried as `details.rule` on the ValidationError. */
export type ValidationRule = 'not-an-object' | 'unknown-field' | 'required' | 'type' | 'enum' | 'list' | 'relation' | 'metadata' | 'range';

/**
 * Validates `record` for `modelName` and returns a normalised copy (undefined values dropped, lists and
 * embedded objects copied, fields in schema order then metadata). Create: required fields must be
 * present and non-null, except `id` (the caller may generate it) and read-only/implicit fields.
 * Update: only present fields are checked; required ones may not be set to null.
 * Throws ValidationError with `path` = `Model.field` (deeper for embedded values) and `details.rule`.
 * A GeoPoint-shaped value (geo-point.ts) out of range is refused with rule `range`, its path naming
 * the part: `Site.location.latitude: latitude must be between −90 and 90, got 200`.
 */
export function validateRecord(schema: Schema, modelName: string, record: unknown, mode: ValidationMode): ModelRecord {
  const model = getModel(schema, modelName);
  if (!isPlainObject(record)) {
    throw refusal(model.name, 'not-an-object', `a ${model.name} record must be an object`, record);
  }
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || (METADATA_FIELDS as readonly string[]).includes(name)) continue;
    const field = findField(model, name);
    const path = `${model.name}.${name}`;
    if (field === undefined) {
      const known = storedFields(model)
        .map((f) => f.name)
        .join(', ');
      throw refusal(path, 'unknown-field', `${path} is not a field of ${model.name} (fields: ${known})`);
    }
    if (field.relation !== undefined) throw relationRefusal(schema, model, field);
  }

  const out: ModelRecord = {};
  for (const field of storedFields(model)) {
    const path = `${model.name}.${field.name}`;
    const value = record[field.name];
    if (value === undefined) {
      if (mode === 'create' && field.isRequired && !mayBeOmittedOnCreate(model, field)) {
        throw refusal(path, 'required', `${path} is required`);
      }
      continue;
    }
    out[field.name] = checkValue(schema, field, value, path);
  }
  for (const name of METADATA_FIELDS) {
    const value = record[name];
    if (value !== undefined) out[name] = checkMetadata(`${model.name}.${name}`, name, value);
  }
  return out;
}

function mayBeOmittedOnCreate(model: ModelDef, field: FieldDef): boolean {
  return field.isReadOnly || field.isImplicit || (field.name === 'id' && model.primaryKey.includes('id'));
}

function checkValue(schema: Schema, field: FieldDef, value: unknown, path: string): unknown {
  if (value === null) {
    if (field.isRequired) throw refusal(path, 'required', `${path} is required and may not be null`);
    return null;
  }
  if (!field.isList) return checkItem(schema, field, value, path);
  if (!Array.isArray(value)) throw refusal(path, 'list', `${path} must be a list`, value);
  return value.map((item: unknown, i) => {
    const itemPath = `${path}[${i}]`;
    if (item === null || item === undefined) {
      if (field.isListItemRequired) throw refusal(itemPath, 'required', `${itemPath}: items of ${path} may not be null`);
      return null;
    }
    return checkItem(schema, field, item, itemPath);
  });
}

function checkItem(schema: Schema, field: FieldDef, value: unknown, path: string): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'scalar': {
      const rule = scalarRule(type.name, value);
      if (rule !== undefined) throw refusal(path, 'type', `${path} (${type.name}) ${rule}`, value);
      return value;
    }
    case 'enum': {
      const values = schema.enums[type.name]?.values ?? [];
      if (typeof value !== 'string' || !values.includes(value)) {
        throw refusal(path, 'enum', `${path} must be one of ${type.name}: ${values.join(', ')}`, value);
      }
      return value;
    }
    case 'embedded':
      return checkEmbedded(schema, type.name, value, path);
    case 'model':
      throw refusal(path, 'relation', `${path} is a relation and cannot hold a value`);
  }
}

// Embedded objects are written whole, so their required fields are checked in both modes.
function checkEmbedded(schema: Schema, typeName: string, value: unknown, path: string): ModelRecord {
  const embedded = schema.embeddedTypes[typeName];
  if (embedded === undefined) throw refusal(path, 'type', `${path} has unknown type ${typeName}`);
  if (!isPlainObject(value)) throw refusal(path, 'type', `${path} (${typeName}) must be an object`, value);
  for (const name of Object.keys(value)) {
    if (value[name] !== undefined && !embedded.fields.some((f) => f.name === name)) {
      const known = embedded.fields.map((f) => f.name).join(', ');
      throw refusal(`${path}.${name}`, 'unknown-field', `${path}.${name} is not a field of ${typeName} (fields: ${known})`);
    }
  }
  const out: ModelRecord = {};
  for (const field of embedded.fields) {
    const fieldPath = `${path}.${field.name}`;
    const fieldValue = value[field.name];
    if (fieldValue === undefined) {
      if (field.isRequired) throw refusal(fieldPath, 'required', `${fieldPath} is required`);
      continue;
    }
    out[field.name] = checkValue(schema, field, fieldValue, fieldPath);
  }
  const layout = geoPointLayout(embedded);
  const outOfRange = layout === null ? undefined : geoPointProblems(out, layout)[0];
  if (outOfRange !== undefined) {
    const partPath = `${path}.${outOfRange.field}`;
    throw refusal(partPath, 'range', `${partPath}: ${outOfRange.message}`);
  }
  return out;
}

function checkMetadata(path: string, name: (typeof METADATA_FIELDS)[number], value: unknown): unknown {
  if (name === '_deleted') {
    if (value === null || typeof value === 'boolean') return value;
    throw refusal(path, 'metadata', `${path} must be true, false or null`, value);
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const unit = name === '_version' ? 'a version number' : 'epoch milliseconds';
  throw refusal(path, 'metadata', `${path} must be a whole number ≥ 0 (${unit})`, value);
}

function relationRefusal(schema: Schema, model: ModelDef, field: FieldDef): ValidationError {
  const path = `${model.name}.${field.name}`;
  const relation = field.relation;
  if (relation === undefined || relation.kind === 'hasMany') {
    const related = relation?.relatedModel ?? field.type.name;
    const backKey = relation?.associatedWith.map((k) => `${related}.${k}`).join(', ') ?? 'its key field';
    return refusal(path, 'relation', `${path} is a relation: save each ${related} with ${backKey} set instead`);
  }
  const keys = relation.fields.map((k) => `${model.name}.${k}`).join(', ');
  const related = findModel(schema, relation.relatedModel)?.name ?? relation.relatedModel;
  return refusal(path, 'relation', `${path} is a relation: set ${keys} to the ${related}'s key instead`);
}

function refusal(path: string, rule: ValidationRule, message: string, ...got: unknown[]): ValidationError {
  const suffix = got.length === 0 ? '' : ` (got ${describe(got[0])})`;
  return new ValidationError(message + suffix, path, { rule });
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return typeof value;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
