// The few lookups every layer needs on a parsed model: which fields are columns, which a client may
// send, which are relations. One definition each, so the store, the server and the forms agree.
import { ValidationError } from '../errors.js';
import type { FieldDef, ModelDef, RelationDef, Schema } from './types.js';

/** The model named `name`, or undefined (never an inherited property such as `toString`). */
export function findModel(schema: Pick<Schema, 'models'>, name: string): ModelDef | undefined {
  return Object.hasOwn(schema.models, name) ? schema.models[name] : undefined;
}

/** The model named `name`; ValidationError naming it and listing the known models when there is none. */
export function getModel(schema: Schema, name: string): ModelDef {
  const model = findModel(schema, name);
  if (model === undefined) {
    const known = Object.keys(schema.models);
    throw new ValidationError(`unknown model "${name}" (known models: ${known.join(', ') || 'none'})`, name, { rule: 'unknown-model' });
  }
  return model;
}

/** The field `name` of `model` (or of a non-model type), or undefined. */
export function findField(model: Pick<ModelDef, 'fields'>, name: string): FieldDef | undefined {
  return model.fields.find((f) => f.name === name);
}

/** The field `name` of `model`; ValidationError naming `Model.field` and listing the fields when there is none. */
export function getField(model: ModelDef, name: string): FieldDef {
  const field = findField(model, name);
  if (field === undefined) {
    const known = model.fields.map((f) => f.name).join(', ');
    throw new ValidationError(`unknown field ${model.name}.${name} (fields: ${known})`, `${model.name}.${name}`, { rule: 'unknown-field' });
  }
  return field;
}

/** True for relational fields (`@hasMany`, `@hasOne`, `@belongsTo`): resolved through keys, never stored. */
export function isRelationField(field: FieldDef): field is FieldDef & { readonly relation: RelationDef } {
  return field.type.kind === 'model';
}

/** Fields stored as columns: everything but relational fields, in declaration order (implicit ones last). */
export function storedFields(model: ModelDef): FieldDef[] {
  return model.fields.filter((f) => !isRelationField(f));
}

/** Fields a client may send in a create/update: stored, not read-only (timestamps), not an implicit owner field. */
export function inputFields(model: ModelDef): FieldDef[] {
  return storedFields(model).filter((f) => !f.isReadOnly && !f.isImplicit);
}

/** Relational fields, in declaration order. */
export function relationFields(model: ModelDef): Array<FieldDef & { readonly relation: RelationDef }> {
  return model.fields.filter(isRelationField);
}

/** `@belongsTo` fields: the parents this model points at through its foreign-key fields. */
export function belongsToFields(model: ModelDef): Array<FieldDef & { readonly relation: RelationDef }> {
  return relationFields(model).filter((f) => f.relation.kind === 'belongsTo');
}

/** True when `name` is one of the model's timestamp fields (`createdAt`/`updatedAt` or their renamed forms). */
export function isTimestampField(model: ModelDef, name: string): boolean {
  return name === model.timestamps.createdAt || name === model.timestamps.updatedAt;
}

/** Names of the fields owner rules store the owner in (default `owner`), without repeats. */
export function ownerFieldNames(model: ModelDef): string[] {
  const names: string[] = [];
  for (const rule of model.auth) {
    if (rule.allow === 'owner' && !names.includes(rule.ownerField ?? 'owner')) names.push(rule.ownerField ?? 'owner');
  }
  return names;
}
