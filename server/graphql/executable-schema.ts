// The runnable API: the generated SDL built with graphql-js, AWS scalars validated, and every
// Query/Mutation/relation field wired to its resolver. Subscription fields are served by the
// real-time endpoint; over HTTP they answer with an error.
import { buildSchema, GraphQLObjectType, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { resolveCreate, resolveDelete, resolveUpdate } from '../resolvers/mutation-resolvers.js';
import { resolveGet, resolveIndexQuery, resolveList, resolveRelated, resolveSync } from '../resolvers/query-resolvers.js';
import { mutationIdOf, type FieldPosition, type RequestContext, type ServerServices } from '../resolvers/resolver-context.js';
import { installAwsScalars } from './aws-scalars.js';
import { generateSdl } from './generate-sdl.js';
import { primaryKeyOf } from '../storage/storage-key.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import { findModel } from '../../common/schema/model-fields.js';

type Resolver = GraphQLFieldResolver<unknown, RequestContext, Record<string, unknown>>;
type Args = Record<string, unknown>;

function setResolver(type: GraphQLObjectType | null | undefined, field: string, resolve: Resolver): void {
  const def = type?.getFields()[field];
  if (def !== undefined) def.resolve = resolve;
}

/** The field's response key (alias or name) and whether it is a root field. */
function positionOf(info: GraphQLResolveInfo): FieldPosition {
  return { responseKey: String(info.path.key), root: info.path.prev === undefined };
}

function pageArgs(args: Args): { filter?: unknown; limit?: number | null; nextToken?: string | null } {
  return {
    filter: args.filter,
    limit: (args.limit as number | null | undefined) ?? null,
    nextToken: (args.nextToken as string | null | undefined) ?? null,
  };
}

function wireRelations(schema: Schema, gql: GraphQLSchema, model: ModelDef, services: ServerServices): void {
  const type = gql.getType(model.name);
  if (!(type instanceof GraphQLObjectType)) return;
  for (const field of model.fields) {
    const rel = field.relation;
    if (field.type.kind !== 'model' || rel === undefined) continue;
    const related = findModel(schema, rel.relatedModel);
    if (related === undefined) continue;
    if (rel.kind === 'hasMany') {
      const foreignKey = rel.associatedWith[0];
      const ownKey = rel.fields[0] ?? primaryKeyOf(model);
      if (foreignKey === undefined) continue;
      const index = related.indexes.find((i) => i.name === rel.indexName && i.fields[0] === foreignKey);
      setResolver(type, field.name, (source, args, ctx) => {
        const options = { field: `${model.name}.${field.name}`, partitionValue: (source as Args)[ownKey] };
        if (index !== undefined) return resolveIndexQuery(services, related, index, { ...args, ...pageArgs(args) }, ctx, options);
        return resolveList(services, related, pageArgs(args), ctx, {
          field: options.field,
          equals: { field: foreignKey, value: options.partitionValue },
        });
      });
    } else if (rel.fields.length > 0) {
      // belongsTo, or hasOne through foreign key field(s) on this model, matched to the related key in order.
      const keyFields = related.primaryKey.length > 0 ? related.primaryKey : ['id'];
      setResolver(type, field.name, (source, _args, ctx) => {
        const values: Args = {};
        keyFields.forEach((keyField, i) => {
          const fk = rel.fields[i];
          if (fk !== undefined) values[keyField] = (source as Args)[fk];
        });
        return resolveRelated(services, related, values, ctx);
      });
    } else {
      // hasOne whose key lives on the related model.
      const foreignKey = rel.associatedWith[0];
      if (foreignKey === undefined) continue;
      setResolver(type, field.name, async (source, _args, ctx) => {
        const page = await resolveList(services, related, { limit: 1 }, ctx, {
          field: `${model.name}.${field.name}`,
          equals: { field: foreignKey, value: (source as Args)[primaryKeyOf(model)] },
        });
        return page.items[0] ?? null;
      });
    }
  }
}

/** The executable GraphQL schema for `schema`, resolving through `services`. */
export function buildExecutableSchema(schema: Schema, services: ServerServices): GraphQLSchema {
  const gql = buildSchema(generateSdl(schema));
  installAwsScalars(gql);
  const query = gql.getQueryType();
  const mutation = gql.getMutationType();
  const subscription = gql.getSubscriptionType();
  for (const model of Object.values(schema.models)) {
    const n = operationNamesOf(model);
    setResolver(query, n.get, (_s, args, ctx) => resolveGet(services, model, args, ctx));
    setResolver(query, n.list, (_s, args, ctx) => resolveList(services, model, pageArgs(args), ctx, { field: n.list }));
    setResolver(query, n.sync, (_s, args, ctx, info) =>
      resolveSync(services, model, { ...pageArgs(args), lastSync: (args.lastSync as number | null | undefined) ?? null }, ctx, positionOf(info)),
    );
    for (const index of model.indexes) {
      const queryField = index.queryField;
      const partitionField = index.fields[0];
      if (queryField === undefined || partitionField === undefined) continue;
      setResolver(query, queryField, (_s, args, ctx) =>
        resolveIndexQuery(services, model, index, { ...args, ...pageArgs(args) }, ctx, { field: queryField, partitionValue: args[partitionField] }),
      );
    }
    const mutationArgs = (args: Args, ctx: RequestContext, info: GraphQLResolveInfo) => ({
      input: args.input as Args,
      condition: args.condition,
      mutationId: mutationIdOf(ctx, positionOf(info)),
    });
    setResolver(mutation, n.create, (_s, args, ctx, info) => resolveCreate(services, model, mutationArgs(args, ctx, info), ctx));
    setResolver(mutation, n.update, (_s, args, ctx, info) => resolveUpdate(services, model, mutationArgs(args, ctx, info), ctx));
    setResolver(mutation, n.delete, (_s, args, ctx, info) => resolveDelete(services, model, mutationArgs(args, ctx, info), ctx));
    for (const field of [n.onCreate, n.onUpdate, n.onDelete]) {
      setResolver(subscription, field, () => {
        throw new Error(`${field} is a subscription: open it on the real-time endpoint /graphql/realtime`);
      });
    }
    wireRelations(schema, gql, model, services);
  }
  return gql;
}
