// The AppSync-exact GraphQL SDL for a parsed schema with conflict detection on (PROTOCOL.md §1):
// object types with sync metadata, connections, get/list/sync queries, create/update/delete
// mutations with `condition`, filter/condition/subscription-filter inputs and subscriptions.
import { SCALAR_TYPES, type FieldDef, type ModelDef, type Schema, type ScalarTypeName } from '../../common/schema/types.js';
import { isTimestampField, storedFields } from '../../common/schema/model-fields.js';
import { isImplicitOwnerField, ownerFieldOf, ownerRulesOf, ruleGrantsRead } from './model-fields.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';

/** AWS scalars: built into AppSync, declared here so the SDL stands alone. */
const AWS_SCALARS = SCALAR_TYPES.filter((s) => s.startsWith('AWS'));

const SCALAR_FILTER_INPUT: Record<ScalarTypeName, string> = {
  ID: 'ModelIDInput',
  String: 'ModelStringInput',
  Int: 'ModelIntInput',
  Float: 'ModelFloatInput',
  Boolean: 'ModelBooleanInput',
  AWSDate: 'ModelStringInput',
  AWSTime: 'ModelStringInput',
  AWSDateTime: 'ModelStringInput',
  AWSTimestamp: 'ModelIntInput',
  AWSEmail: 'ModelStringInput',
  AWSJSON: 'ModelStringInput',
  AWSURL: 'ModelStringInput',
  AWSPhone: 'ModelStringInput',
  AWSIPAddress: 'ModelStringInput',
};

const SCALAR_SUBSCRIPTION_INPUT: Record<ScalarTypeName, string> = {
  ID: 'ModelSubscriptionIDInput',
  String: 'ModelSubscriptionStringInput',
  Int: 'ModelSubscriptionIntInput',
  Float: 'ModelSubscriptionFloatInput',
  Boolean: 'ModelSubscriptionBooleanInput',
  AWSDate: 'ModelSubscriptionStringInput',
  AWSTime: 'ModelSubscriptionStringInput',
  AWSDateTime: 'ModelSubscriptionStringInput',
  AWSTimestamp: 'ModelSubscriptionIntInput',
  AWSEmail: 'ModelSubscriptionStringInput',
  AWSJSON: 'ModelSubscriptionStringInput',
  AWSURL: 'ModelSubscriptionStringInput',
  AWSPhone: 'ModelSubscriptionStringInput',
  AWSIPAddress: 'ModelSubscriptionStringInput',
};

const SHARED_INPUTS = `input ModelStringInput {
  ne: String
  eq: String
  le: String
  lt: String
  ge: String
  gt: String
  contains: String
  notContains: String
  between: [String]
  beginsWith: String
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
  size: ModelSizeInput
}

input ModelIntInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelFloatInput {
  ne: Float
  eq: Float
  le: Float
  lt: Float
  ge: Float
  gt: Float
  between: [Float]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelBooleanInput {
  ne: Boolean
  eq: Boolean
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelIDInput {
  ne: ID
  eq: ID
  le: ID
  lt: ID
  ge: ID
  gt: ID
  contains: ID
  notContains: ID
  between: [ID]
  beginsWith: ID
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
  size: ModelSizeInput
}

input ModelSubscriptionStringInput {
  ne: String
  eq: String
  le: String
  lt: String
  ge: String
  gt: String
  contains: String
  notContains: String
  between: [String]
  beginsWith: String
  in: [String]
  notIn: [String]
}

input ModelSubscriptionIntInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
  in: [Int]
  notIn: [Int]
}

input ModelSubscriptionFloatInput {
  ne: Float
  eq: Float
  le: Float
  lt: Float
  ge: Float
  gt: Float
  between: [Float]
  in: [Float]
  notIn: [Float]
}

input ModelSubscriptionBooleanInput {
  ne: Boolean
  eq: Boolean
}

input ModelSubscriptionIDInput {
  ne: ID
  eq: ID
  le: ID
  lt: ID
  ge: ID
  gt: ID
  contains: ID
  notContains: ID
  between: [ID]
  beginsWith: ID
  in: [ID]
  notIn: [ID]
}

enum ModelAttributeTypes {
  binary
  binarySet
  bool
  list
  map
  number
  numberSet
  string
  stringSet
  _null
}

input ModelSizeInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
}

enum ModelSortDirection {
  ASC
  DESC
}`;

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

function keyConditionInput(name: string): string {
  const t = KEY_CONDITION_INPUTS[name] ?? 'String';
  const lines = [`eq: ${t}`, `le: ${t}`, `lt: ${t}`, `ge: ${t}`, `gt: ${t}`, `between: [${t}]`];
  if (t === 'String' || t === 'ID') lines.push(`beginsWith: ${t}`);
  return block('input', name, lines);
}

/** The sort-key field of an index with exactly one sort key, else undefined. */
export function sortKeyFieldOf(model: ModelDef, indexName: string | undefined): FieldDef | undefined {
  const index = model.indexes.find((i) => i.name === indexName);
  if (index === undefined || index.fields.length !== 2) return undefined;
  return model.fields.find((f) => f.name === index.fields[1]);
}

function block(keyword: string, name: string, lines: readonly string[], suffix = ''): string {
  return `${keyword} ${name}${suffix} {\n${lines.map((l) => `  ${l}`).join('\n')}\n}`;
}

/** The GraphQL type reference of a field as declared (`[String]`, `Int!`, …); `input` maps embedded types to `<T>Input`. */
function typeRef(field: FieldDef, opts: { input: boolean; required: boolean }): string {
  let base = field.type.name;
  if (opts.input && field.type.kind === 'embedded') base = `${base}Input`;
  if (field.isList) base = `[${base}${field.isListItemRequired ? '!' : ''}]`;
  return opts.required ? `${base}!` : base;
}

function filterInputFor(schemaField: FieldDef, flavour: 'filter' | 'subscription'): string | undefined {
  const t = schemaField.type;
  if (t.kind === 'scalar') {
    return flavour === 'filter' ? SCALAR_FILTER_INPUT[t.name] : SCALAR_SUBSCRIPTION_INPUT[t.name];
  }
  if (t.kind === 'enum') {
    if (flavour === 'subscription') return 'ModelSubscriptionStringInput';
    return schemaField.isList ? `Model${t.name}ListInput` : `Model${t.name}Input`;
  }
  // Embedded objects and relations cannot be filtered on, as in AppSync.
  return undefined;
}

function objectType(schema: Schema, model: ModelDef): string {
  const lines: string[] = [];
  for (const field of model.fields) {
    if (field.type.kind === 'model') {
      const rel = field.relation;
      const related = schema.models[field.type.name];
      if (rel?.kind === 'hasMany' && related !== undefined) {
        const names = operationNamesOf(related);
        const sortField = sortKeyFieldOf(related, rel.indexName);
        const keyInput = keyConditionInputOf(sortField);
        const sortArg = sortField !== undefined && keyInput !== undefined ? `${sortField.name}: ${keyInput}, ` : '';
        lines.push(
          `${field.name}(${sortArg}filter: ${names.filterInput}, sortDirection: ModelSortDirection, limit: Int, nextToken: String): ${names.connection}`,
        );
      } else {
        lines.push(`${field.name}: ${field.type.name}`);
      }
      continue;
    }
    // Timestamps are always set by the server, so the object type promises them.
    const required = field.isRequired || isTimestampField(model, field.name);
    lines.push(`${field.name}: ${typeRef(field, { input: false, required })}`);
  }
  lines.push('_version: Int!', '_deleted: Boolean', '_lastChangedAt: AWSTimestamp!');
  return block('type', model.name, lines);
}

function connectionType(model: ModelDef): string {
  return block('type', operationNamesOf(model).connection, [
    `items: [${model.name}]!`,
    'nextToken: String',
    'startedAt: AWSTimestamp',
  ]);
}

function filterInput(model: ModelDef): string {
  return queryComparisonInput(model, operationNamesOf(model).filterInput, false);
}

/** The condition input is the filter input without the primary key (AppSync removes it). */
function conditionInput(model: ModelDef): string {
  return queryComparisonInput(model, operationNamesOf(model).conditionInput, true);
}

function queryComparisonInput(model: ModelDef, name: string, withoutPrimaryKey: boolean): string {
  const lines: string[] = [];
  for (const field of storedFields(model)) {
    if (withoutPrimaryKey && model.primaryKey.includes(field.name)) continue;
    const input = filterInputFor(field, 'filter');
    if (input !== undefined) lines.push(`${field.name}: ${input}`);
  }
  lines.push(`and: [${name}]`, `or: [${name}]`, `not: ${name}`, '_deleted: ModelBooleanInput');
  return block('input', name, lines);
}

function subscriptionFilterInput(model: ModelDef): string {
  const name = operationNamesOf(model).subscriptionFilterInput;
  const lines: string[] = [];
  for (const field of storedFields(model)) {
    // Owner fields keep the query-side input, as the auth transformer re-adds them.
    const input = isImplicitOwnerField(model, field) ? 'ModelStringInput' : filterInputFor(field, 'subscription');
    if (input !== undefined) lines.push(`${field.name}: ${input}`);
  }
  lines.push(`and: [${name}]`, `or: [${name}]`, '_deleted: ModelBooleanInput');
  return block('input', name, lines);
}

function mutationInputs(model: ModelDef): string[] {
  const names = operationNamesOf(model);
  const writable = storedFields(model).filter((f) => !isImplicitOwnerField(model, f));
  const create: string[] = [];
  const update: string[] = [];
  for (const field of writable) {
    const isKey = model.primaryKey.includes(field.name);
    const isTimestamp = isTimestampField(model, field.name);
    if (isKey) {
      create.push(`${field.name}: ${typeRef(field, { input: true, required: model.primaryKey.length > 1 })}`);
      update.push(`${field.name}: ${typeRef(field, { input: true, required: true })}`);
      continue;
    }
    create.push(`${field.name}: ${typeRef(field, { input: true, required: field.isRequired && !isTimestamp })}`);
    update.push(`${field.name}: ${typeRef(field, { input: true, required: false })}`);
  }
  create.push('_version: Int');
  update.push('_version: Int');
  const del = [
    ...storedFields(model)
      .filter((f) => model.primaryKey.includes(f.name))
      .map((f) => `${f.name}: ${typeRef(f, { input: true, required: true })}`),
    '_version: Int',
  ];
  return [block('input', names.createInput, create), block('input', names.updateInput, update), block('input', names.deleteInput, del)];
}

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
    const field = model.fields.find((f) => f.name === fieldName);
    if (field?.isList === true) continue;
    if (!out.includes(fieldName)) out.push(fieldName);
  }
  return out;
}

function enumInputs(schema: Schema): string[] {
  const out: string[] = [];
  for (const e of Object.values(schema.enums)) {
    out.push(block('enum', e.name, e.values));
    out.push(block('input', `Model${e.name}Input`, [`eq: ${e.name}`, `ne: ${e.name}`]));
    out.push(
      block('input', `Model${e.name}ListInput`, [
        `eq: [${e.name}]`,
        `ne: [${e.name}]`,
        `contains: ${e.name}`,
        `notContains: ${e.name}`,
      ]),
    );
  }
  return out;
}

function embeddedTypes(schema: Schema): string[] {
  const out: string[] = [];
  for (const t of Object.values(schema.embeddedTypes)) {
    out.push(block('type', t.name, t.fields.map((f) => `${f.name}: ${typeRef(f, { input: false, required: f.isRequired })}`)));
    out.push(
      block('input', `${t.name}Input`, t.fields.map((f) => `${f.name}: ${typeRef(f, { input: true, required: f.isRequired })}`)),
    );
  }
  return out;
}

/** The full SDL (types, inputs, Query, Mutation, Subscription) for `schema`, models in `schema.modelOrder`. */
export function generateSdl(schema: Schema): string {
  const models = schema.modelOrder.map((name) => schema.models[name]).filter((m): m is ModelDef => m !== undefined);
  const parts: string[] = [
    ...AWS_SCALARS.map((s) => `scalar ${s}`),
    'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION',
  ];
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
      const partition = model.fields.find((f) => f.name === index.fields[0]);
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
    const ownerArgs = subscriptionOwnerArgsOf(model).map((a) => `, ${a}: String`).join('');
    for (const [field, mutationName] of [
      [n.onCreate, n.create],
      [n.onUpdate, n.update],
      [n.onDelete, n.delete],
    ] as const) {
      subscription.push(
        `${field}(filter: ${n.subscriptionFilterInput}${ownerArgs}): ${model.name} @aws_subscribe(mutations: ["${mutationName}"])`,
      );
    }
  }
  for (const model of models) {
    for (const field of model.fields) {
      const related = field.relation?.kind === 'hasMany' ? schema.models[field.relation.relatedModel] : undefined;
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
