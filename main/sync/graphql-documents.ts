// The exact GraphQL documents Amplify DataStore sends (PROTOCOL.md §1.7) and the variables of each
// outbox mutation (§4.3 step 1), built from the parsed schema. Servers written for AppSync accept
// these unchanged, so selection order, operation name and variable declarations follow DataStore.
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import { belongsToFields, findField, findModel, inputFields, ownerFieldNames } from '../../common/schema/model-fields.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { METADATA_FIELDS } from '../../common/schema/types.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { OutboxOperation } from '../datastore/outbox-entry.js';

/** A document and the root field its answer arrives under. */
export interface ModelOperation {
  readonly query: string;
  /** The root field of the result (`syncSites`, `createSite`, `onCreateSite`, …). */
  readonly field: string;
}

export type SubscriptionKind = 'onCreate' | 'onUpdate' | 'onDelete';
export const SUBSCRIPTION_KINDS: readonly SubscriptionKind[] = ['onCreate', 'onUpdate', 'onDelete'];

function graphqlTypeOf(field: FieldDef): string {
  const named = field.type.name;
  const inner = field.isList ? `[${named}${field.isListItemRequired ? '!' : ''}]` : named;
  return inner;
}

function embeddedSelection(schema: Pick<Schema, 'embeddedTypes'>, typeName: string, trail: readonly string[]): string {
  const type = schema.embeddedTypes[typeName];
  if (type === undefined) throw new Error(`embedded type ${typeName} is not in the schema`);
  if (trail.includes(typeName)) throw new Error(`embedded type ${typeName} contains itself (${[...trail, typeName].join(' → ')})`);
  const parts: string[] = [];
  for (const f of type.fields) {
    if (f.type.kind === 'embedded') parts.push(`${f.name} { ${embeddedSelection(schema, f.type.name, [...trail, typeName])} }`);
    else if (f.type.kind !== 'model') parts.push(f.name);
  }
  return parts.join(' ');
}

/**
 * The selection set of a model (§1.7): scalar and enum fields in definition order, implicit owner
 * fields, embedded fields as nested selections, `_version _lastChangedAt _deleted`, then every
 * belongs-to field as `field { <parent key> _deleted }`. Has-many/has-one are never selected.
 */
export function selectionSet(schema: Pick<Schema, 'models' | 'embeddedTypes'>, model: ModelDef): string {
  const owners = ownerFieldNames(model);
  const implicitOwners = owners.filter((name) => {
    const f = findField(model, name);
    return f === undefined || f.isImplicit;
  });
  const lines: string[] = [];
  for (const f of model.fields) {
    if (f.type.kind === 'scalar' || f.type.kind === 'enum') {
      if (!implicitOwners.includes(f.name)) lines.push(f.name);
    }
  }
  lines.push(...implicitOwners);
  for (const f of model.fields) {
    if (f.type.kind === 'embedded') lines.push(`${f.name} { ${embeddedSelection(schema, f.type.name, [])} }`);
  }
  lines.push(...METADATA_FIELDS);
  for (const f of belongsToFields(model)) {
    const parent = findModel(schema, f.relation.relatedModel);
    const key = parent === undefined ? ['id'] : parent.primaryKey;
    lines.push(`${f.name} { ${[...key, '_deleted'].join(' ')} }`);
  }
  return lines.join('\n');
}

function indent(block: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return block
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

/** `query operation(...){ sync<Models>(...){ items { … } nextToken startedAt } }` (§1.7). */
export function syncQueryDocument(schema: Schema, model: ModelDef): ModelOperation {
  const names = operationNamesOf(model);
  const query = [
    `query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: ${names.filterInput}){`,
    `  ${names.sync}(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter){`,
    '    items {',
    indent(selectionSet(schema, model), 6),
    '    }',
    '    nextToken',
    '    startedAt',
    '  }',
    '}',
  ].join('\n');
  return { query, field: names.sync };
}

/** Variables of one sync page: `lastSync` 0 asks for a full sync; `filter` only with selective sync. */
export function syncQueryVariables(page: {
  readonly limit: number;
  readonly nextToken: string | null;
  readonly lastSync: number;
  readonly filter: GraphqlFilterInput | null;
}): Record<string, unknown> {
  return { limit: page.limit, nextToken: page.nextToken, lastSync: page.lastSync, filter: page.filter };
}

/** `query operation($id: ID!){ get<Model>(id: $id){ … } }`, one argument per primary-key field. */
export function getQueryDocument(schema: Schema, model: ModelDef): ModelOperation {
  const names = operationNamesOf(model);
  const keyFields = model.primaryKey.map((name) => {
    const f = findField(model, name);
    return { name, type: f === undefined ? 'ID' : graphqlTypeOf(f) };
  });
  const declared = keyFields.map((k) => `$${k.name}: ${k.type}!`).join(', ');
  const args = keyFields.map((k) => `${k.name}: $${k.name}`).join(', ');
  const query = [`query operation(${declared}){`, `  ${names.get}(${args}){`, indent(selectionSet(schema, model), 4), '  }', '}'].join('\n');
  return { query, field: names.get };
}

/** Variables of a `get` query: the record's primary-key values. */
export function getQueryVariables(model: ModelDef, record: ModelRecord): Record<string, unknown> {
  return Object.fromEntries(model.primaryKey.map((k) => [k, record[k]]));
}

/** The parts of one outbox mutation: root field, its input and condition types, its selection. */
export interface MutationParts {
  readonly field: string;
  readonly inputType: string;
  /** Null for create: DataStore never sends a condition with one. */
  readonly conditionType: string | null;
  readonly selection: string;
}

/** The root field, argument types and selection of a create/update/delete mutation of `model`. */
export function mutationParts(schema: Schema, model: ModelDef, operation: OutboxOperation): MutationParts {
  const names = operationNamesOf(model);
  const field = operation === 'Create' ? names.create : operation === 'Update' ? names.update : names.delete;
  const inputType = operation === 'Create' ? names.createInput : operation === 'Update' ? names.updateInput : names.deleteInput;
  return { field, inputType, conditionType: operation === 'Create' ? null : names.conditionInput, selection: selectionSet(schema, model) };
}

/** The document sending one mutation alone; create declares no `$condition` (DataStore never sends one). */
export function singleMutationQuery({ field, inputType, conditionType, selection }: MutationParts): string {
  const header =
    conditionType === null
      ? `mutation operation($input: ${inputType}!){\n  ${field}(input: $input){`
      : `mutation operation($input: ${inputType}!, $condition: ${conditionType}){\n  ${field}(input: $input, condition: $condition){`;
  return [header, indent(selection, 4), '  }', '}'].join('\n');
}

/** The create/update/delete mutation document of `model`. */
export function mutationDocument(schema: Schema, model: ModelDef, operation: OutboxOperation): ModelOperation {
  const parts = mutationParts(schema, model, operation);
  return { query: singleMutationQuery(parts), field: parts.field };
}

/**
 * Mutation variables for an outbox entry (§4.3): create = every sendable field present in `data`
 * (no read-only timestamps, no implicit owner, no null owner; absent fields stay absent, never null); update = the same over the changed
 * fields plus key and `_version`; delete = key fields and `_version`. `_lastChangedAt`/`_deleted`
 * are never sent. `condition` is already in AppSync input form (null when none).
 */
export function mutationVariables(
  model: ModelDef,
  operation: OutboxOperation,
  data: ModelRecord,
  condition: GraphqlFilterInput | null,
): Record<string, unknown> {
  const owners = ownerFieldNames(model);
  const input: Record<string, unknown> = {};
  if (operation === 'Delete') {
    for (const key of model.primaryKey) input[key] = data[key];
  } else {
    for (const f of inputFields(model)) {
      // Only fields the entry holds: a create queues what the user set (plus the key), and an
      // unset field sent as null would override the server's @default (PROTOCOL.md "Outpost
      // decisions"). An explicit null the user set is sent. In a create `undefined` is unset; in an
      // update the field is there because it changed, so `undefined` means cleared (null).
      if (!Object.hasOwn(data, f.name)) continue;
      if (data[f.name] === undefined && operation === 'Create') continue;
      const value = data[f.name] === undefined ? null : data[f.name];
      if (value === null && owners.includes(f.name)) continue;
      input[f.name] = value;
    }
    for (const key of model.primaryKey) input[key] = data[key];
  }
  if (operation !== 'Create') {
    input._version = typeof data._version === 'number' ? data._version : null;
    return { input, condition };
  }
  return { input };
}

/** The subscription document (§1.7); `$filter` only with selective sync, owner arguments only when given. */
export function subscriptionDocument(
  schema: Schema,
  model: ModelDef,
  kind: SubscriptionKind,
  options: { readonly withFilter: boolean; readonly ownerArguments?: readonly string[] } = { withFilter: false },
): ModelOperation {
  const names = operationNamesOf(model);
  const field = names[kind];
  const declared: string[] = [];
  const args: string[] = [];
  if (options.withFilter) {
    declared.push(`$filter: ${names.subscriptionFilterInput}`);
    args.push('filter: $filter');
  }
  for (const owner of options.ownerArguments ?? []) {
    declared.push(`$${owner}: String!`);
    args.push(`${owner}: $${owner}`);
  }
  const head = declared.length === 0 ? 'subscription operation{' : `subscription operation(${declared.join(',')}){`;
  const call = args.length === 0 ? `  ${field}{` : `  ${field}(${args.join(',')}){`;
  const query = [head, call, indent(selectionSet(schema, model), 4), '  }', '}'].join('\n');
  return { query, field };
}

/** One sync page as received: null items (partial errors) removed. */
export interface SyncPage {
  readonly items: ModelRecord[];
  readonly nextToken: string | null;
  readonly startedAt: number;
}

/** Reads a `sync<Models>` answer; throws naming what is missing when the shape is wrong. */
export function readSyncPage(field: string, data: unknown): SyncPage {
  const root = (data as Record<string, unknown> | null | undefined)?.[field];
  if (typeof root !== 'object' || root === null) throw new Error(`the answer has no ${field} object`);
  const { items, nextToken, startedAt } = root as Record<string, unknown>;
  if (!Array.isArray(items)) throw new Error(`${field}.items is not a list`);
  if (typeof startedAt !== 'number') throw new Error(`${field}.startedAt is not a number`);
  if (nextToken !== null && nextToken !== undefined && typeof nextToken !== 'string') throw new Error(`${field}.nextToken is not a string`);
  return {
    items: items.filter((item): item is ModelRecord => typeof item === 'object' && item !== null && !Array.isArray(item)),
    nextToken: typeof nextToken === 'string' ? nextToken : null,
    startedAt,
  };
}

/** The record a server answer carries under `field`, with its relation selections dropped (FKs hold them). */
export function readRecord(model: ModelDef, field: string, data: unknown): ModelRecord | null {
  const value = (data as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return withoutRelations(model, value as ModelRecord);
}

/** `record` without belongs-to selections such as `site { id _deleted }`. */
export function withoutRelations(model: ModelDef, record: ModelRecord): ModelRecord {
  const out: ModelRecord = { ...record };
  for (const f of model.fields) if (f.type.kind === 'model') delete out[f.name];
  return out;
}
