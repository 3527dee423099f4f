// The AppSync-exact GraphQL SDL for a parsed schema with conflict detection on (PROTOCOL.md §1):
// the per-model types and inputs (sdl-model-types.ts), the shared inputs (sdl-shared-inputs.ts),
// the key conditions in use (sdl-key-conditions.ts), and the Query, Mutation and Subscription
// fields assembled here.
import { findField, getModel, storedFields } from '../../common/schema/model-fields.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { ownerFieldOf, ownerRulesOf, ruleGrantsRead } from './owner-rules.js';
import { keyConditionInput, keyConditionInputOf, sortKeyFieldOf } from './sdl-key-conditions.js';
import {
  conditionInput,
  connectionType,
  embeddedTypes,
  enumInputs,
  filterInput,
  mutationInputs,
  objectType,
  subscriptionFilterInput,
} from './sdl-model-types.js';
import { AWS_SCALARS, SHARED_INPUTS } from './sdl-shared-inputs.js';
import { block, typeRef } from './sdl-text.js';

function keyArgs(model: ModelDef): string {
  return storedFields(model)
    .filter((f) => model.primaryKey.includes(f.name))
    .map((f) => `${f.name}: ${typeRef(f, { input: true, required: true })}`)
    .join(', ');
}

/** Owner arguments of subscriptions: one nullable `String` per single-valued owner field whose rule grants read. */
export function subscriptionOwnerArgsOf(model: ModelDef): string[] {
  const out: string[] = [];
  for (const rule of ownerRulesOf(model)) {
    if (!ruleGrantsRead(rule)) continue;
    const fieldName = ownerFieldOf(rule);
    const field = findField(model, fieldName);
    if (field?.isList === true) continue;
    if (!out.includes(fieldName)) out.push(fieldName);
  }
  return out;
}

/** The full SDL (types, inputs, Query, Mutation, Subscription) for `schema`, models in `schema.modelOrder`. */
export function generateSdl(schema: Schema): string {
  const models = schema.modelOrder.map((name) => getModel(schema, name));
  const parts: string[] = [...AWS_SCALARS.map((s) => `scalar ${s}`), 'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION'];
  for (const model of models) {
    parts.push(
      objectType(schema, model),
      connectionType(model),
      filterInput(model),
      conditionInput(model),
      ...mutationInputs(model),
      subscriptionFilterInput(model),
    );
  }
  parts.push(...enumInputs(schema), ...embeddedTypes(schema), SHARED_INPUTS);

  const keyInputs = new Set<string>();
  const query: string[] = [];
  const mutation: string[] = [];
  const subscription: string[] = [];
  for (const model of models) {
    const n = operationNamesOf(model);
    query.push(
      `${n.get}(${keyArgs(model)}): ${model.name}`,
      `${n.list}(filter: ${n.filterInput}, limit: Int, nextToken: String): ${n.connection}`,
      `${n.sync}(filter: ${n.filterInput}, limit: Int, nextToken: String, lastSync: AWSTimestamp): ${n.connection}`,
    );
    for (const index of model.indexes) {
      if (index.queryField === undefined) continue;
      const partition = findField(model, index.fields[0]);
      if (partition === undefined) continue;
      const sortField = sortKeyFieldOf(model, index.name);
      const keyInput = keyConditionInputOf(sortField);
      const sortArg = sortField !== undefined && keyInput !== undefined ? `, ${sortField.name}: ${keyInput}` : '';
      if (keyInput !== undefined && sortField !== undefined) keyInputs.add(keyInput);
      query.push(
        `${index.queryField}(${partition.name}: ${typeRef(partition, { input: true, required: true })}${sortArg}, sortDirection: ModelSortDirection, filter: ${n.filterInput}, limit: Int, nextToken: String): ${n.connection}`,
      );
    }
    mutation.push(
      `${n.create}(input: ${n.createInput}!, condition: ${n.conditionInput}): ${model.name}`,
      `${n.update}(input: ${n.updateInput}!, condition: ${n.conditionInput}): ${model.name}`,
      `${n.delete}(input: ${n.deleteInput}!, condition: ${n.conditionInput}): ${model.name}`,
    );
    const ownerArgs = subscriptionOwnerArgsOf(model)
      .map((a) => `, ${a}: String`)
      .join('');
    for (const [field, mutationName] of [
      [n.onCreate, n.create],
      [n.onUpdate, n.update],
      [n.onDelete, n.delete],
    ] as const) {
      subscription.push(`${field}(filter: ${n.subscriptionFilterInput}${ownerArgs}): ${model.name} @aws_subscribe(mutations: ["${mutationName}"])`);
    }
  }
  for (const model of models) {
    for (const field of model.fields) {
      const related = field.relation?.kind === 'hasMany' ? getModel(schema, field.relation.relatedModel) : undefined;
      const keyInput = related ? keyConditionInputOf(sortKeyFieldOf(related, field.relation?.indexName)) : undefined;
      if (keyInput !== undefined) keyInputs.add(keyInput);
    }
  }
  for (const name of [...keyInputs].sort()) parts.push(keyConditionInput(name));
  if (query.length > 0) {
    parts.push(block('type', 'Query', query), block('type', 'Mutation', mutation), block('type', 'Subscription', subscription));
  }
  return `${parts.join('\n\n')}\n`;
}
