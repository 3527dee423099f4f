// Shapes one committed item into a subscription's `data` payload: the subscription's own
// selection set is executed over the item, so unselected fields are not sent, aliases, fragments
// and `__typename` work, and a null in a non-null field becomes the GraphQL error AppSync sends.
import { execute, type GraphQLSchema } from 'graphql';
import { dataPayload } from '../../common/realtime/realtime-frames.js';
import type { Schema } from '../../common/schema/types.js';
import type { SubscriptionRequest } from './subscription-request.js';
import { findModel } from '../../common/schema/model-fields.js';

/** The `payload` of a `data` frame. */
export interface SubscriptionPayload {
  readonly data: Readonly<Record<string, unknown>>;
  readonly errors?: readonly object[];
}

/**
 * Executes the subscription's selection over `item`. A `@belongsTo` field is given its parent's
 * key (from the foreign-key fields) so the `post { id _deleted }` selection DataStore makes
 * resolves without a storage read; has-many fields resolve to null.
 */
export function subscriptionPayload(
  graphqlSchema: GraphQLSchema,
  schema: Schema,
  request: SubscriptionRequest,
  item: Readonly<Record<string, unknown>>,
): SubscriptionPayload {
  const result = execute({
    schema: graphqlSchema,
    document: request.document,
    operationName: request.operationName,
    variableValues: request.variables,
    rootValue: { [request.rootField]: withParentKeys(schema, request, item) },
  });
  if ('then' in result) {
    // Every resolver here is the synchronous default one; a promise means the schema carries resolvers we did not expect.
    throw new Error('subscription payload execution must be synchronous');
  }
  const data = (result.data ?? { [request.rootField]: null }) as Record<string, unknown>;
  return result.errors && result.errors.length > 0 ? { data, errors: result.errors.map((e) => e.toJSON()) } : { data };
}

function withParentKeys(schema: Schema, request: SubscriptionRequest, item: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | null = null;
  for (const field of request.model.fields) {
    const relation = field.relation;
    if (relation?.kind !== 'belongsTo' || item[field.name] !== undefined) continue;
    const parent = findModel(schema, relation.relatedModel);
    if (!parent) continue;
    const key: Record<string, unknown> = {};
    let complete = true;
    relation.fields.forEach((fk, i) => {
      const value = item[fk];
      const pk = parent.primaryKey[i];
      if (value === null || value === undefined || pk === undefined) complete = false;
      else key[pk] = value;
    });
    if (!complete) continue;
    out ??= { ...item };
    out[field.name] = key;
  }
  return out ?? item;
}

/**
 * The JSON bytes of a `data` frame's payload for `item` (shared by every subscription with the
 * same document). A failure to shape it is reported and becomes AppSync's per-field error payload.
 */
export function subscriptionPayloadBytes(
  graphqlSchema: GraphQLSchema,
  schema: Schema,
  request: SubscriptionRequest,
  item: Readonly<Record<string, unknown>>,
  reportError: (error: unknown) => void,
): Buffer {
  try {
    const payload = subscriptionPayload(graphqlSchema, schema, request, item);
    return Buffer.from(JSON.stringify(dataPayload(payload.data, payload.errors)));
  } catch (error) {
    reportError(error);
    const rootField = request.rootField;
    return Buffer.from(JSON.stringify(dataPayload({ [rootField]: null }, [{ message: 'Internal error while preparing this event', path: [rootField] }])));
  }
}
