// Reads a `start` message's payload into a subscription the server can serve: the GraphQL
// document (parsed, validated against the generated API schema), the model and mutation it
// listens to, its coerced `filter` and owner arguments.
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { ValidationError } from '../../common/errors.js';
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { subscriptionOwnerArgsOf } from '../graphql/generate-sdl.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { MutationKind } from './change-event.js';

/** Limits on one subscription document. */
export interface SubscriptionDocumentLimits {
  /** Longest `query` string, in characters; default 65 536. */
  readonly maxQueryLength: number;
  /** Most lexical tokens the parser reads; default 10 000. */
  readonly maxTokens: number;
  /** Deepest nesting of selection sets; default 10. */
  readonly maxSelectionDepth: number;
}

export const DEFAULT_DOCUMENT_LIMITS: SubscriptionDocumentLimits = {
  maxQueryLength: 65_536,
  maxTokens: 10_000,
  maxSelectionDepth: 10,
};

/** A `start` that is not a subscription (`query`/`mutation` documents): AppSync's `UnsupportedOperation`. */
export class UnsupportedOperation extends ValidationError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedOperation';
  }
}

/** A subscription ready to be registered. */
export interface SubscriptionRequest {
  readonly model: ModelDef;
  readonly mutation: MutationKind;
  /** The subscription field, e.g. `onCreateSite`. */
  readonly rootField: string;
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  /** Variables as the client sent them (the executor coerces them again per event). */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Equal for requests that shape an item identically (same document, operation and variables). */
  readonly documentKey: string;
  /** The coerced `filter` argument, or null. */
  readonly filter: GraphqlFilterInput | null;
  /** Non-null owner arguments, by owner field name. */
  readonly ownerArguments: Readonly<Record<string, string>>;
}

/** Which model and mutation each subscription field listens to, e.g. `onCreateSite` → Site/create. */
export function subscriptionFieldsOf(schema: Schema): Map<string, { model: ModelDef; mutation: MutationKind }> {
  const fields = new Map<string, { model: ModelDef; mutation: MutationKind }>();
  for (const model of Object.values(schema.models)) {
    const names = operationNamesOf(model);
    fields.set(names.onCreate, { model, mutation: 'create' });
    fields.set(names.onUpdate, { model, mutation: 'update' });
    fields.set(names.onDelete, { model, mutation: 'delete' });
  }
  return fields;
}

/**
 * Parses and validates a `start` payload (`{ data: "<JSON {query, variables}>", extensions }`).
 * Throws ValidationError (or UnsupportedOperation) with a message naming what is wrong.
 */
export function parseSubscriptionRequest(
  payload: unknown,
  api: {
    readonly graphqlSchema: GraphQLSchema;
    readonly fields: ReadonlyMap<string, { model: ModelDef; mutation: MutationKind }>;
    readonly limits: SubscriptionDocumentLimits;
  },
): SubscriptionRequest {
  const { query, variables, operationName } = readRequestData(payload, api.limits);
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: api.limits.maxTokens, noLocation: false });
  } catch (error) {
    throw new ValidationError(`Invalid subscription document: ${(error as Error).message}`, 'payload.data.query');
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    throw new ValidationError(
      operationName === undefined
        ? 'The document must contain exactly one operation, or name one with "operationName"'
        : `The document has no operation named "${operationName}"`,
      'payload.data.query',
    );
  }
  if (operation.operation !== 'subscription') {
    throw new UnsupportedOperation(`${operation.operation} not supported through the realtime channel`);
  }
  const depth = selectionDepth(operation.selectionSet, document, 0, api.limits.maxSelectionDepth);
  if (depth > api.limits.maxSelectionDepth) {
    throw new ValidationError(`Selections nest deeper than ${api.limits.maxSelectionDepth} levels`, 'payload.data.query');
  }
  const errors = validate(api.graphqlSchema, document);
  if (errors.length > 0) {
    throw new ValidationError(`Invalid subscription document: ${errors.slice(0, 5).map(describeError).join('; ')}`, 'payload.data.query');
  }
  // Validation guarantees exactly one root field (SingleFieldSubscriptionsRule), and no fragments at the root of a model field here.
  const rootNode = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === 'Field');
  const subscriptionType = api.graphqlSchema.getSubscriptionType();
  const listened = rootNode ? api.fields.get(rootNode.name.value) : undefined;
  const fieldDef = rootNode ? subscriptionType?.getFields()[rootNode.name.value] : undefined;
  if (!rootNode || !listened || !fieldDef) {
    throw new ValidationError('The subscription must select one onCreate/onUpdate/onDelete field', 'payload.data.query');
  }
  const coerced = getVariableValues(api.graphqlSchema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) {
    throw new ValidationError(`Invalid variables: ${coerced.errors.slice(0, 5).map(describeError).join('; ')}`, 'payload.data.variables');
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(fieldDef, rootNode, coerced.coerced);
  } catch (error) {
    throw new ValidationError(`Invalid arguments: ${(error as Error).message}`, 'payload.data.query');
  }
  const ownerArguments: Record<string, string> = {};
  for (const name of subscriptionOwnerArgsOf(listened.model)) {
    const value = args[name];
    if (typeof value === 'string') ownerArguments[name] = value;
  }
  const filter = args.filter;
  return {
    model: listened.model,
    mutation: listened.mutation,
    rootField: rootNode.name.value,
    document,
    operationName,
    variables,
    documentKey: JSON.stringify([query, operationName ?? null, variables]),
    filter: filter !== null && typeof filter === 'object' ? (filter as GraphqlFilterInput) : null,
    ownerArguments,
  };
}

function readRequestData(
  payload: unknown,
  limits: SubscriptionDocumentLimits,
): { query: string; variables: Record<string, unknown>; operationName: string | undefined } {
  if (!isObject(payload)) throw new ValidationError('"start" needs a "payload" object', 'payload');
  let data: unknown = payload.data;
  if (typeof data === 'string') {
    if (data.length > limits.maxQueryLength * 2) {
      throw new ValidationError(`payload.data is longer than ${limits.maxQueryLength * 2} characters`, 'payload.data');
    }
    try {
      data = JSON.parse(data);
    } catch (error) {
      throw new ValidationError(`payload.data is not valid JSON: ${(error as Error).message}`, 'payload.data');
    }
  }
  if (!isObject(data)) {
    throw new ValidationError('payload.data must be a JSON string of {"query", "variables"}', 'payload.data');
  }
  const { query, variables, operationName } = data;
  if (typeof query !== 'string' || query.trim() === '') {
    throw new ValidationError('payload.data.query must be a non-empty GraphQL document string', 'payload.data.query');
  }
  if (query.length > limits.maxQueryLength) {
    throw new ValidationError(`payload.data.query is longer than ${limits.maxQueryLength} characters`, 'payload.data.query');
  }
  if (variables !== undefined && variables !== null && !isObject(variables)) {
    throw new ValidationError('payload.data.variables must be an object', 'payload.data.variables');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new ValidationError('payload.data.operationName must be a string', 'payload.data.operationName');
  }
  return {
    query,
    variables: isObject(variables) ? variables : {},
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

/** Depth of nested selection sets, following fragments; stops counting past `limit` (and on cycles). */
function selectionDepth(set: SelectionSetNode, document: DocumentNode, depth: number, limit: number): number {
  if (depth > limit) return depth;
  let deepest = depth;
  for (const selection of set.selections) {
    let inner: SelectionSetNode | undefined;
    let next = depth + 1;
    if (selection.kind === 'Field') inner = selection.selectionSet;
    else if (selection.kind === 'InlineFragment') {
      inner = selection.selectionSet;
      next = depth;
    } else {
      const name = selection.name.value;
      const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition' && d.name.value === name);
      inner = fragment?.selectionSet;
      // A spread does not add a level itself; counting it anyway bounds fragment cycles.
      next = depth + 1;
    }
    if (inner) deepest = Math.max(deepest, selectionDepth(inner, document, next, limit));
    else deepest = Math.max(deepest, next);
  }
  return deepest;
}

function describeError(error: GraphQLError): string {
  const at = error.locations?.[0];
  return at ? `${error.message} (line ${at.line}, column ${at.column})` : error.message;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
