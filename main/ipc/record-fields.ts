// Field-level gate for records arriving from the renderer, applied before the datastore (which
// then checks every value's type). Fields the server or the sync worker own are dropped rather
// than refused, because the renderer legitimately echoes back records it was given.
import { ValidationError } from '../../common/errors.js';
import { METADATA_FIELDS, type ModelDef, type ModelRecord, type Schema } from '../../common/schema/types.js';

/** The model named `name`, or a ValidationError listing the models that exist. */
export function requireModel(schema: Schema, name: string): ModelDef {
  const model = Object.prototype.hasOwnProperty.call(schema.models, name) ? schema.models[name] : undefined;
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
