// Checks a record against its model before anything is written: every rule the server would apply
// (required fields, scalar formats, enum members, list items, embedded objects, location ranges)
// fails here first, with a ValidationError naming `Model.field` and the rule, so bad data never
// reaches the outbox. `recordProblems` runs the same checks and answers every problem at once
// (a form shows each under its field); `validateRecord` throws the first of them.
import { ValidationError } from '../errors.js';
import { geoPointLayout, geoPointProblems } from './geo-point.js';
import { findField, findModel, getModel, storedFields } from './model-fields.js';
import { scalarRule } from './scalars.js';
import { METADATA_FIELDS, type FieldDef, type ModelDef, type ModelRecord, type Schema } from './types.js';

/** `create`: a whole new record; `update`: only the fields being changed. */
export type ValidationMode = 'create' | 'update';

/** Why a value was refused; carried as `details.rule` on the ValidationError. */
export type ValidationRule = 'not-an-object' | 'unknown-field' | 'required' | 'type' | 'enum' | 'list' | 'relation' | 'metadata' | 'range';

/** One thing wrong with a record: where (`Model.field`, deeper for parts and items), which rule, the sentence. */
export interface RecordProblem {
  readonly path: string;
  readonly rule: ValidationRule;
  /** The ValidationError message, `got` suffix included. */
  readonly message: string;
  /** For rule `type`: the scalar the value is not; for `enum`: the enum's name. */
  readonly typeName?: string;
  /** The refused value, when there is one (rule `type`, `enum`, `list`). */
  readonly value?: unknown;
}

/**
 * Validates `record` for `modelName` and returns a normalised copy (undefined values dropped, lists and
 * embedded objects copied, fields in schema order then metadata). Create: required fields must be
 * present and non-null, except `id` (the caller may generate it) and read-only/implicit fields.
 * Update: only present fields are checked; required ones may not be set to null.
 * Throws ValidationError with `path` = `Model.field` (deeper for embedded values) and `details.rule`
 * for the first problem `recordProblems` finds.
 * A GeoPoint-shaped value (geo-point.ts) out of range is refused with rule `range`, its path naming
 * the part: `Site.location.latitude: latitude must be between −90 and 90, got 200`.
 */
export function validateRecord(schema: Schema, modelName: string, record: unknown, mode: ValidationMode): ModelRecord {
  const problems: RecordProblem[] = [];
  const out = checkRecord(schema, modelName, record, mode, problems);
  const first = problems[0];
  if (first !== undefined) throw new ValidationError(first.message, first.path, { rule: first.rule });
  return out;
}

/**
 * Every problem `validateRecord` would refuse `record` for, in the order it checks them (unknown and
 * relation fields, then fields in schema order, then metadata); empty when the record is valid. A part
 * already refused (missing, not a number) gets no range problem besides. Throws only for an unknown model.
 */
export function recordProblems(schema: Schema, modelName: string, record: unknown, mode: ValidationMode): RecordProblem[] {
  const problems: RecordProblem[] = [];
  checkRecord(schema, modelName, record, mode, problems);
  return problems;
}

function checkRecord(schema: Schema, modelName: string, record: unknown, mode: ValidationMode, problems: RecordProblem[]): ModelRecord {
  const model = getModel(schema, modelName);
  if (!isPlainObject(record)) {
    problems.push(refusal(model.name, 'not-an-object', `a ${model.name} record must be an object`, {}, record));
    return {};
  }
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined || (METADATA_FIELDS as readonly string[]).includes(name)) continue;
    const field = findField(model, name);
    const path = `${model.name}.${name}`;
    if (field === undefined) {
      const known = storedFields(model)
        .map((f) => f.name)
        .join(', ');
      problems.push(refusal(path, 'unknown-field', `${path} is not a field of ${model.name} (fields: ${known})`));
      continue;
    }
    if (field.relation !== undefined) problems.push(relationRefusal(schema, model, field));
  }

  const out: ModelRecord = {};
  for (const field of storedFields(model)) {
    const path = `${model.name}.${field.name}`;
    const value = record[field.name];
    if (value === undefined) {
      if (mode === 'create' && field.isRequired && !mayBeOmittedOnCreate(model, field)) {
        problems.push(refusal(path, 'required', `${path} is required`));
      }
      continue;
    }
    out[field.name] = checkValue(schema, field, value, path, problems);
  }
  for (const name of METADATA_FIELDS) {
    const value = record[name];
    if (value !== undefined) out[name] = checkMetadata(`${model.name}.${name}`, name, value, problems);
  }
  return out;
}

function mayBeOmittedOnCreate(model: ModelDef, field: FieldDef): boolean {
  return field.isReadOnly || field.isImplicit || (field.name === 'id' && model.primaryKey.includes('id'));
}

function checkValue(schema: Schema, field: FieldDef, value: unknown, path: string, problems: RecordProblem[]): unknown {
  if (value === null) {
    if (field.isRequired) problems.push(refusal(path, 'required', `${path} is required and may not be null`));
    return null;
  }
  if (!field.isList) return checkItem(schema, field, value, path, problems);
  if (!Array.isArray(value)) {
    problems.push(refusal(path, 'list', `${path} must be a list`, {}, value));
    return value;
  }
  return value.map((item: unknown, i) => {
    const itemPath = `${path}[${i}]`;
    if (item === null || item === undefined) {
      if (field.isListItemRequired) problems.push(refusal(itemPath, 'required', `${itemPath}: items of ${path} may not be null`));
      return null;
    }
    return checkItem(schema, field, item, itemPath, problems);
  });
}

function checkItem(schema: Schema, field: FieldDef, value: unknown, path: string, problems: RecordProblem[]): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'scalar': {
      const rule = scalarRule(type.name, value);
      if (rule !== undefined) problems.push(refusal(path, 'type', `${path} (${type.name}) ${rule}`, { typeName: type.name }, value));
      return value;
    }
    case 'enum': {
      const values = schema.enums[type.name]?.values ?? [];
      if (typeof value !== 'string' || !values.includes(value)) {
        problems.push(refusal(path, 'enum', `${path} must be one of ${type.name}: ${values.join(', ')}`, { typeName: type.name }, value));
      }
      return value;
    }
    case 'embedded':
      return checkEmbedded(schema, type.name, value, path, problems);
    case 'model':
      problems.push(refusal(path, 'relation', `${path} is a relation and cannot hold a value`));
      return value;
  }
}

// Embedded objects are written whole, so their required fields are checked in both modes.
function checkEmbedded(schema: Schema, typeName: string, value: unknown, path: string, problems: RecordProblem[]): ModelRecord {
  const embedded = schema.embeddedTypes[typeName];
  if (embedded === undefined) {
    problems.push(refusal(path, 'type', `${path} has unknown type ${typeName}`));
    return {};
  }
  if (!isPlainObject(value)) {
    problems.push(refusal(path, 'type', `${path} (${typeName}) must be an object`, { typeName }, value));
    return {};
  }
  for (const name of Object.keys(value)) {
    if (value[name] !== undefined && !embedded.fields.some((f) => f.name === name)) {
      const known = embedded.fields.map((f) => f.name).join(', ');
      problems.push(refusal(`${path}.${name}`, 'unknown-field', `${path}.${name} is not a field of ${typeName} (fields: ${known})`));
    }
  }
  const out: ModelRecord = {};
  const before = problems.length;
  for (const field of embedded.fields) {
    const fieldPath = `${path}.${field.name}`;
    const fieldValue = value[field.name];
    if (fieldValue === undefined) {
      if (field.isRequired) problems.push(refusal(fieldPath, 'required', `${fieldPath} is required`));
      continue;
    }
    out[field.name] = checkValue(schema, field, fieldValue, fieldPath, problems);
  }
  const layout = geoPointLayout(embedded);
  if (layout === null) return out;
  // A part already refused (missing, not a number) is not refused again for its range.
  const refused = new Set(problems.slice(before).map((p) => p.path));
  for (const outOfRange of geoPointProblems(out, layout)) {
    const partPath = `${path}.${outOfRange.field}`;
    if (!refused.has(partPath)) problems.push(refusal(partPath, 'range', `${partPath}: ${outOfRange.message}`));
  }
  return out;
}

function checkMetadata(path: string, name: (typeof METADATA_FIELDS)[number], value: unknown, problems: RecordProblem[]): unknown {
  if (name === '_deleted') {
    if (value === null || typeof value === 'boolean') return value;
    problems.push(refusal(path, 'metadata', `${path} must be true, false or null`, {}, value));
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const unit = name === '_version' ? 'a version number' : 'epoch milliseconds';
  problems.push(refusal(path, 'metadata', `${path} must be a whole number ≥ 0 (${unit})`, {}, value));
  return value;
}

function relationRefusal(schema: Schema, model: ModelDef, field: FieldDef): RecordProblem {
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

function refusal(path: string, rule: ValidationRule, message: string, extra: { readonly typeName?: string } = {}, ...got: unknown[]): RecordProblem {
  const suffix = got.length === 0 ? '' : ` (got ${describe(got[0])})`;
  return { path, rule, message: message + suffix, ...extra, ...(got.length === 0 ? {} : { value: got[0] }) };
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
