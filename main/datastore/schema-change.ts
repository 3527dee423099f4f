// Classifies how a model changed between the schema a database was written with and the current
// one. Pure: migrate.ts acts on the verdict. "Additive" means every existing row is still a valid
// row of the new model with no rewrite: new optional fields, relaxed nullability, new enum members,
// new optional embedded fields. Anything else means the local copy cannot be trusted to match what
// the server will now send, so the model is re-created from the server (see migrate.ts).
import type { EmbeddedTypeDef, FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import { columnFields } from '../../common/predicates/column-fields.js';

export type ModelChange =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'additive'; readonly addedFields: readonly string[] }
  | { readonly kind: 'incompatible'; readonly reason: string };

/** Compares the stored shape of `model` under the old and new schema (indexes are not considered). */
export function classifyModelChange(oldSchema: Schema, oldModel: ModelDef, newSchema: Schema, newModel: ModelDef): ModelChange {
  if (oldModel.primaryKey.join(',') !== newModel.primaryKey.join(',')) {
    return {
      kind: 'incompatible',
      reason: `primary key changed from (${oldModel.primaryKey.join(', ')}) to (${newModel.primaryKey.join(', ')})`,
    };
  }
  const verdict = compareFields(oldSchema, columnFields(oldModel), newSchema, columnFields(newModel), newModel.name);
  if (typeof verdict === 'string') return { kind: 'incompatible', reason: verdict };
  return verdict.length === 0 ? { kind: 'unchanged' } : { kind: 'additive', addedFields: verdict };
}

/** Added field names when the change is additive, or the reason it is not. */
function compareFields(oldSchema: Schema, oldFields: readonly FieldDef[], newSchema: Schema, newFields: readonly FieldDef[], owner: string): string[] | string {
  const added: string[] = [];
  for (const oldField of oldFields) {
    if (!newFields.some((f) => f.name === oldField.name)) return `field ${owner}.${oldField.name} was removed`;
  }
  for (const newField of newFields) {
    const oldField = oldFields.find((f) => f.name === newField.name);
    if (oldField === undefined) {
      if (newField.isRequired) return `required field ${owner}.${newField.name} was added`;
      added.push(newField.name);
      continue;
    }
    const problem = compareField(oldSchema, oldField, newSchema, newField, `${owner}.${newField.name}`);
    if (problem !== null) return problem;
  }
  return added;
}

function compareField(oldSchema: Schema, oldField: FieldDef, newSchema: Schema, newField: FieldDef, path: string): string | null {
  if (oldField.type.kind !== newField.type.kind || oldField.type.name !== newField.type.name) {
    return `field ${path} changed type from ${oldField.type.name} to ${newField.type.name}`;
  }
  if (oldField.isList !== newField.isList) return `field ${path} changed between list and single value`;
  if (!oldField.isRequired && newField.isRequired) return `field ${path} became required`;
  if (!oldField.isListItemRequired && newField.isListItemRequired) return `list items of ${path} became required`;
  if (newField.type.kind === 'enum') {
    const before = oldSchema.enums[oldField.type.name]?.values ?? [];
    const after = new Set(newSchema.enums[newField.type.name]?.values ?? []);
    const removed = before.filter((v) => !after.has(v));
    if (removed.length > 0) return `enum ${newField.type.name} (field ${path}) lost ${removed.join(', ')}`;
  }
  if (newField.type.kind === 'embedded') {
    const before: EmbeddedTypeDef | undefined = oldSchema.embeddedTypes[oldField.type.name];
    const after: EmbeddedTypeDef | undefined = newSchema.embeddedTypes[newField.type.name];
    if (before === undefined || after === undefined) return `embedded type of ${path} is missing`;
    const verdict = compareFields(oldSchema, before.fields, newSchema, after.fields, `${path}(${after.name})`);
    if (typeof verdict === 'string') return verdict;
    // New optional members of an embedded type need no column change: the value is JSON text.
  }
  return null;
}
