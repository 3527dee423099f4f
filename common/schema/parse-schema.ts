// `schema.graphql` (Amplify SDL) → the typed Schema every process works from. Reads the AST from the
// `graphql` package and applies Amplify's transformer rules (implicit timestamps and owner fields,
// relation keys, plural names). Anything it cannot honour is a SchemaError at the exact line/column:
// a schema that parses here is one the store, the server and the UI can all serve. The passes live
// beside it: type-definitions.ts, declared-fields.ts, key-directives.ts, relation-directives.ts and
// model-definition.ts (@model, @auth, implicit fields), over the drafts of schema-draft.ts.
import { Source, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import { declaredFields } from './declared-fields.js';
import { parseIndexes, parsePrimaryKey } from './key-directives.js';
import { finishModel } from './model-definition.js';
import { topologicalModelOrder } from './model-order.js';
import { resolveRelation } from './relation-directives.js';
import { fieldDirectives, type ModelDraft } from './schema-draft.js';
import { schemaVersion } from './schema-version.js';
import { errorAt, type SdlContext } from './sdl-values.js';
import { collectTypes, globalAuthRuleNode, parseDocument, parseEnum } from './type-definitions.js';
import type { EmbeddedTypeDef, EnumDef, ModelDef, Schema } from './types.js';

/** Parses Amplify SDL into a Schema; throws SchemaError naming `file` (default `<schema>`), line and column. */
export function parseSchema(sdl: string, file?: string): Schema {
  const ctx: SdlContext = file === undefined ? { source: new Source(sdl) } : { source: new Source(sdl, file), file };
  const document = parseDocument(ctx);
  const types = collectTypes(ctx, document);
  const globalAuth = globalAuthRuleNode(ctx, document);

  const enums: Record<string, EnumDef> = {};
  const embeddedTypes: Record<string, EmbeddedTypeDef> = {};
  const drafts: ModelDraft[] = [];
  for (const [name, entry] of types) {
    if (entry.kind === 'enum') {
      enums[name] = parseEnum(ctx, entry.node as EnumTypeDefinitionNode);
    } else if (entry.kind === 'embedded') {
      const node = entry.node as ObjectTypeDefinitionNode;
      embeddedTypes[name] = { name, fields: declaredFields(ctx, node, types, false).map((f) => f.def) };
    } else {
      const node = entry.node as ObjectTypeDefinitionNode;
      drafts.push({ name, node, fields: declaredFields(ctx, node, types, true), primaryKey: [], indexes: [] });
    }
  }

  // Keys and indexes first: relations on any model refer to them.
  for (const draft of drafts) {
    draft.primaryKey = parsePrimaryKey(ctx, draft);
    draft.indexes = parseIndexes(ctx, draft);
  }
  const draftsByName = new Map(drafts.map((d) => [d.name, d]));
  const models: Record<string, ModelDef> = {};
  for (const draft of drafts) {
    for (const field of draft.fields) resolveRelation(ctx, draft, field, draftsByName);
    models[draft.name] = finishModel(ctx, draft, globalAuth);
  }

  const modelOrder = orderModels(ctx, drafts, models);
  return { models, enums, embeddedTypes, modelOrder, version: schemaVersion({ models, enums, embeddedTypes }) };
}

function orderModels(ctx: SdlContext, drafts: readonly ModelDraft[], models: Readonly<Record<string, ModelDef>>): string[] {
  const parentsOf = (name: string): string[] => {
    const parents: string[] = [];
    for (const field of models[name].fields) {
      const parent = field.relation?.kind === 'belongsTo' ? field.relation.relatedModel : undefined;
      if (parent !== undefined && parent !== name && !parents.includes(parent)) parents.push(parent);
    }
    return parents;
  };
  const result = topologicalModelOrder(drafts.map((d) => ({ name: d.name, parents: parentsOf(d.name) })));
  if ('order' in result) return result.order;
  const [first, second] = result.cycle;
  const draft = drafts.find((d) => d.name === first);
  const edge = draft?.fields.find((f) => f.def.relation?.kind === 'belongsTo' && f.def.relation.relatedModel === second);
  const at = edge === undefined ? draft?.node.name : fieldDirectives(edge, 'belongsTo')[0];
  throw errorAt(ctx, at, `@belongsTo cycle: ${result.cycle.join(' → ')}; one side must be @hasOne or @hasMany instead`);
}
