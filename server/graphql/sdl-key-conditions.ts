// Sort-key conditions (AppSync's Model<Type>KeyConditionInput): which input a sort-key field takes,
// and the input's declaration. Used by `@index` queries and has-many connection fields.
import { findField } from '../../common/schema/model-fields.js';
import type { FieldDef, ModelDef } from '../../common/schema/types.js';
import { block } from './sdl-text.js';

/** Key-condition input of a sort-key field (AppSync's Model<Type>KeyConditionInput), or undefined. */
export function keyConditionInputOf(field: FieldDef | undefined): string | undefined {
  if (field === undefined || field.isList) return undefined;
  if (field.type.kind === 'enum') return 'ModelStringKeyConditionInput';
  if (field.type.kind !== 'scalar') return undefined;
  switch (field.type.name) {
    case 'ID':
      return 'ModelIDKeyConditionInput';
    case 'Int':
    case 'AWSTimestamp':
      return 'ModelIntKeyConditionInput';
    case 'Float':
      return 'ModelFloatKeyConditionInput';
    case 'Boolean':
      return undefined;
    default:
      return 'ModelStringKeyConditionInput';
  }
}

const KEY_CONDITION_INPUTS: Readonly<Record<string, string>> = {
  ModelStringKeyConditionInput: 'String',
  ModelIDKeyConditionInput: 'ID',
  ModelIntKeyConditionInput: 'Int',
  ModelFloatKeyConditionInput: 'Float',
};

/** The declaration of the key-condition input `name`; `beginsWith` only for String and ID keys. */
export function keyConditionInput(name: string): string {
  const t = KEY_CONDITION_INPUTS[name] ?? 'String';
  const lines = [`eq: ${t}`, `le: ${t}`, `lt: ${t}`, `ge: ${t}`, `gt: ${t}`, `between: [${t}]`];
  if (t === 'String' || t === 'ID') lines.push(`beginsWith: ${t}`);
  return block('input', name, lines);
}

/** The sort-key field of an index with exactly one sort key, else undefined. */
export function sortKeyFieldOf(model: ModelDef, indexName: string | undefined): FieldDef | undefined {
  const index = model.indexes.find((i) => i.name === indexName);
  if (index === undefined || index.fields.length !== 2) return undefined;
  return findField(model, index.fields[1]);
}
