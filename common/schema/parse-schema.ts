// `schema.graphql` (Amplify SDL) → the typed Schema every process works from. Reads the AST from the
// `graphql` package and applies Amplify's transformer rules (implicit timestamps and owner fields,
// relation keys, plural names). Anything it cannot honour is a SchemaError at the exact line/column:
// a schema that parses here is one the store, the server and the UI can all serve.
import pluralize from 'pluralize';
import {
  GraphQLError,
  Kind,
  Source,
  getLocation,
  parse,
  type DirectiveNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type NamedTypeNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import { SchemaError } from '../errors.js';
import { parseAuthDirective, parseAuthRule } from './auth-rules.js';
import { topologicalModelOrder } from './model-order.js';
import { schemaVersion } from './schema-version.js';
import {
  directiveArguments,
  errorAt,
  intValue,
  nullableStringValue,
  objectFields,
  stringListValue,
  stringValue,
  wordValue,
  type SdlContext,
} from './sdl-values.js';
import {
  SCALAR_TYPES,
  type AuthRule,
  type EmbeddedTypeDef,
  type EnumDef,
  type FieldDef,
  type FieldType,
  type IndexDef,
  type ModelDef,
  type ModelSubscriptionsDef,
  type RelationDef,
  type RelationKind,
  type ScalarTypeName,
  type Schema,
} from './types.js';

const TYPE_DIRECTIVES = ['model', 'auth'];
const FIELD_DIRECTIVES = ['primaryKey', 'index', 'hasMany', 'hasOne', 'belongsTo'];
const RELATION_DIRECTIVES: readonly RelationKind[] = ['hasMany', 'hasOne', 'belongsTo'];
const OPERATION_TYPES = ['Query', 'Mutation', 'Subscription'];
const AMPLIFY_INPUT = 'AMPLIFY';
const TIMESTAMP_DEFAULTS = { createdAt: 'createdAt', updatedAt: 'updatedAt' } as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface TypeEntry {
  readonly kind: 'enum' | 'model' | 'embedded';
  readonly node: EnumTypeDefinitionNode | ObjectTypeDefinitionNode;
}

// A field as declared, kept with its AST node so later checks can point at it.
interface DeclaredField {
  readonly def: Mutable<FieldDef>;
  readonly node: FieldDefinitionNode;
}

interface ModelDraft {
  readonly name: string;
  readonly node: ObjectTypeDefinitionNode;
  readonly fields: DeclaredField[];
  primaryKey: string[];
  indexes: IndexDef[];
}

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

function parseDocument(ctx: SdlContext): DocumentNode {
  try {
    return parse(ctx.source);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    const where = at === undefined ? undefined : ctx.file === undefined ? { ...at } : { file: ctx.file, ...at };
    throw new SchemaError(error.message, where);
  }
}

function collectTypes(ctx: SdlContext, document: DocumentNode): Map<string, TypeEntry> {
  const types = new Map<string, TypeEntry>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && definition.name.value === AMPLIFY_INPUT) continue;
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.ENUM_TYPE_DEFINITION) {
      const what = definition.kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      throw errorAt(ctx, definition, `${what} is not supported in an Outpost schema (only type and enum definitions)`);
    }
    const name = definition.name.value;
    if ((SCALAR_TYPES as readonly string[]).includes(name)) {
      throw errorAt(ctx, definition.name, `type name "${name}" is a built-in scalar`);
    }
    if (name.startsWith('AWS')) throw errorAt(ctx, definition.name, `type name "${name}" uses the reserved AWS prefix`);
    const previous = types.get(name);
    if (previous !== undefined) {
      const firstLine = previous.node.loc === undefined ? '?' : getLocation(ctx.source, previous.node.loc.start).line;
      throw errorAt(ctx, definition.name, `duplicate type "${name}" (first defined at line ${firstLine})`);
    }
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      types.set(name, { kind: 'enum', node: definition });
      continue;
    }
    if (OPERATION_TYPES.includes(name)) {
      throw errorAt(ctx, definition.name, `custom ${name} type is not supported: Outpost generates the API from @model types`);
    }
    if ((definition.interfaces ?? []).length > 0) {
      throw errorAt(ctx, definition.interfaces?.[0], `"implements" is not supported (type ${name})`);
    }
    const isModel = (definition.directives ?? []).some((d) => d.name.value === 'model');
    types.set(name, { kind: isModel ? 'model' : 'embedded', node: definition });
  }
  return types;
}

// Amplify's generated starter schemas carry `input AMPLIFY { globalAuthRule: AuthRule = { allow: public } }`:
// the rule applies to every model without its own @auth.
function globalAuthRuleNode(ctx: SdlContext, document: DocumentNode): ValueNode | undefined {
  const inputs = document.definitions.filter(
    (d): d is InputObjectTypeDefinitionNode => d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && d.name.value === AMPLIFY_INPUT,
  );
  if (inputs.length > 1) throw errorAt(ctx, inputs[1].name, `duplicate type "${AMPLIFY_INPUT}"`);
  const input = inputs[0];
  if (input === undefined) return undefined;
  rejectDirectives(ctx, input.directives, [], `input ${AMPLIFY_INPUT}`);
  let rule: ValueNode | undefined;
  for (const field of input.fields ?? []) {
    if (field.name.value !== 'globalAuthRule') {
      throw errorAt(ctx, field.name, `unknown field "${field.name.value}" in input ${AMPLIFY_INPUT} (known: globalAuthRule)`);
    }
    if (field.type.kind !== Kind.NAMED_TYPE || field.type.name.value !== 'AuthRule') {
      throw errorAt(ctx, field.type, `${AMPLIFY_INPUT}.globalAuthRule must have type AuthRule`);
    }
    if (field.defaultValue === undefined) {
      throw errorAt(ctx, field, `${AMPLIFY_INPUT}.globalAuthRule needs a rule as its default value, e.g. = { allow: public }`);
    }
    rule = field.defaultValue;
  }
  return rule;
}

function parseEnum(ctx: SdlContext, node: EnumTypeDefinitionNode): EnumDef {
  rejectDirectives(ctx, node.directives, [], `enum ${node.name.value}`);
  const values: string[] = [];
  for (const value of node.values ?? []) {
    rejectDirectives(ctx, value.directives, [], `enum value ${node.name.value}.${value.name.value}`);
    if (values.includes(value.name.value)) {
      throw errorAt(ctx, value, `duplicate value "${value.name.value}" in enum ${node.name.value}`);
    }
    values.push(value.name.value);
  }
  if (values.length === 0) throw errorAt(ctx, node.name, `enum ${node.name.value} has no values`);
  return { name: node.name.value, values };
}

function rejectDirectives(
  ctx: SdlContext,
  directives: readonly DirectiveNode[] | undefined,
  allowed: readonly string[],
  where: string,
): void {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (allowed.includes(name)) continue;
    const known = [...TYPE_DIRECTIVES, ...FIELD_DIRECTIVES].includes(name);
    const hint = allowed.length === 0 ? 'no directives are allowed here' : `allowed here: ${allowed.map((a) => `@${a}`).join(', ')}`;
    throw errorAt(ctx, directive, `${known ? 'directive' : 'unknown directive'} @${name} is not supported on ${where} (${hint})`);
  }
}

function declaredFields(
  ctx: SdlContext,
  node: ObjectTypeDefinitionNode,
  types: ReadonlyMap<string, TypeEntry>,
  isModel: boolean,
): DeclaredField[] {
  const typeName = node.name.value;
  rejectDirectives(ctx, node.directives, isModel ? TYPE_DIRECTIVES : [], `type ${typeName}`);
  const seenDirectives = new Set<string>();
  for (const directive of node.directives ?? []) {
    if (seenDirectives.has(directive.name.value)) {
      throw errorAt(ctx, directive, `@${directive.name.value} given twice on ${typeName}`);
    }
    seenDirectives.add(directive.name.value);
  }
  const fields: DeclaredField[] = [];
  for (const fieldNode of node.fields ?? []) {
    const name = fieldNode.name.value;
    const path = `${typeName}.${name}`;
    if (name.startsWith('_')) {
      throw errorAt(ctx, fieldNode.name, `field name "${path}" is reserved: names starting with "_" belong to sync metadata (_version, _deleted, _lastChangedAt)`);
    }
    if (fields.some((f) => f.def.name === name)) throw errorAt(ctx, fieldNode.name, `duplicate field "${path}"`);
    if ((fieldNode.arguments ?? []).length > 0) {
      throw errorAt(ctx, fieldNode.arguments?.[0], `field arguments are not supported (${path})`);
    }
    rejectDirectives(ctx, fieldNode.directives, isModel ? FIELD_DIRECTIVES : [], isModel ? `field ${path}` : `field ${path} of non-model type ${typeName}`);

    const shape = fieldShape(ctx, fieldNode.type, types, path);
    const relationDirectives = (fieldNode.directives ?? []).filter((d) => (RELATION_DIRECTIVES as readonly string[]).includes(d.name.value));
    if (shape.type.kind === 'model') {
      if (!isModel) {
        throw errorAt(ctx, fieldNode.type, `non-model type ${typeName} cannot hold model ${shape.type.name} (${path}); store its id instead`);
      }
      if (relationDirectives.length === 0) {
        throw errorAt(ctx, fieldNode.type, `field ${path} refers to model ${shape.type.name} without @hasMany, @hasOne or @belongsTo`);
      }
    }
    if (relationDirectives.length > 1) {
      throw errorAt(ctx, relationDirectives[1], `field ${path} has more than one relation directive`);
    }
    fields.push({
      node: fieldNode,
      def: { name, ...shape, isReadOnly: false, isImplicit: false },
    });
  }
  if (fields.length === 0) throw errorAt(ctx, node.name, `type ${typeName} has no fields`);
  return fields;
}

function fieldShape(
  ctx: SdlContext,
  typeNode: TypeNode,
  types: ReadonlyMap<string, TypeEntry>,
  path: string,
): Pick<FieldDef, 'type' | 'isList' | 'isRequired' | 'isListItemRequired'> {
  let node = typeNode;
  const isRequired = node.kind === Kind.NON_NULL_TYPE;
  if (node.kind === Kind.NON_NULL_TYPE) node = node.type;
  let isList = false;
  let isListItemRequired = false;
  if (node.kind === Kind.LIST_TYPE) {
    isList = true;
    node = node.type;
    isListItemRequired = node.kind === Kind.NON_NULL_TYPE;
    if (node.kind === Kind.NON_NULL_TYPE) node = node.type;
    if (node.kind === Kind.LIST_TYPE) throw errorAt(ctx, node, `lists of lists are not supported (${path})`);
  }
  return { type: namedFieldType(ctx, node as NamedTypeNode, types, path), isList, isRequired, isListItemRequired };
}

function namedFieldType(ctx: SdlContext, node: NamedTypeNode, types: ReadonlyMap<string, TypeEntry>, path: string): FieldType {
  const name = node.name.value;
  if ((SCALAR_TYPES as readonly string[]).includes(name)) return { kind: 'scalar', name: name as ScalarTypeName };
  const entry = types.get(name);
  if (entry === undefined) {
    throw errorAt(ctx, node, `unknown type "${name}" for field ${path} (not a scalar, enum or type defined in this schema)`);
  }
  return { kind: entry.kind, name };
}

function fieldDirectives(field: DeclaredField, name: string): DirectiveNode[] {
  return (field.node.directives ?? []).filter((d) => d.name.value === name);
}

// A key or index part must be a single scalar or enum value that exists on the model.
function keyField(ctx: SdlContext, draft: ModelDraft, name: string, at: DirectiveNode | FieldDefinitionNode, role: string): DeclaredField {
  const field = draft.fields.find((f) => f.def.name === name);
  if (field === undefined) {
    const known = draft.fields.filter((f) => f.def.type.kind !== 'model').map((f) => f.def.name);
    throw errorAt(ctx, at, `${role} names field "${name}", which ${draft.name} does not have (fields: ${known.join(', ')})`);
  }
  if (field.def.isList || (field.def.type.kind !== 'scalar' && field.def.type.kind !== 'enum')) {
    throw errorAt(ctx, at, `${role} field ${draft.name}.${name} must be a single scalar or enum value`);
  }
  return field;
}

function parsePrimaryKey(ctx: SdlContext, draft: ModelDraft): string[] {
  const marked = draft.fields.flatMap((field) => fieldDirectives(field, 'primaryKey').map((directive) => ({ field, directive })));
  if (marked.length > 1) throw errorAt(ctx, marked[1].directive, `${draft.name} has more than one @primaryKey`);
  const first = marked[0];
  if (first === undefined) {
    const id = draft.fields.find((f) => f.def.name === 'id');
    const ok = id !== undefined && id.def.type.kind === 'scalar' && id.def.type.name === 'ID' && id.def.isRequired && !id.def.isList;
    if (!ok) {
      throw errorAt(ctx, id?.node.type ?? draft.node.name, `model ${draft.name} needs an "id: ID!" field (or a @primaryKey on another field)`);
    }
    return ['id'];
  }
  const args = directiveArguments(ctx, first.directive, ['sortKeyFields']);
  const sortArg = args.get('sortKeyFields');
  const sortKeys = sortArg === undefined ? [] : stringListValue(ctx, sortArg.value, 'sortKeyFields');
  const key = [first.field.def.name, ...sortKeys];
  for (const name of key) {
    const field = keyField(ctx, draft, name, first.directive, `@primaryKey of ${draft.name}`);
    if (!field.def.isRequired) {
      throw errorAt(ctx, first.directive, `primary key field ${draft.name}.${name} must be required (${name}: ${field.def.type.name}!)`);
    }
  }
  if (new Set(key).size !== key.length) throw errorAt(ctx, first.directive, `@primaryKey of ${draft.name} repeats a field`);
  return key;
}

function parseIndexes(ctx: SdlContext, draft: ModelDraft): IndexDef[] {
  const indexes: IndexDef[] = [];
  for (const field of draft.fields) {
    for (const directive of fieldDirectives(field, 'index')) {
      const args = directiveArguments(ctx, directive, ['name', 'sortKeyFields', 'queryField']);
      const nameArg = args.get('name');
      if (nameArg === undefined) throw errorAt(ctx, directive, `@index on ${draft.name}.${field.def.name} needs a name: @index(name: "by…")`);
      const name = stringValue(ctx, nameArg.value, '@index name');
      if (indexes.some((i) => i.name === name)) throw errorAt(ctx, nameArg, `duplicate index name "${name}" on ${draft.name}`);
      const sortArg = args.get('sortKeyFields');
      const fields = [field.def.name, ...(sortArg === undefined ? [] : stringListValue(ctx, sortArg.value, 'sortKeyFields'))];
      for (const part of fields) keyField(ctx, draft, part, directive, `@index "${name}"`);
      if (new Set(fields).size !== fields.length) throw errorAt(ctx, directive, `@index "${name}" repeats a field`);
      const queryArg = args.get('queryField');
      const queryField = queryArg === undefined ? undefined : stringValue(ctx, queryArg.value, '@index queryField');
      indexes.push(queryField === undefined ? { name, fields } : { name, fields, queryField });
    }
  }
  return indexes;
}

function resolveRelation(ctx: SdlContext, draft: ModelDraft, field: DeclaredField, drafts: ReadonlyMap<string, ModelDraft>): void {
  const directive = (field.node.directives ?? []).find((d) => (RELATION_DIRECTIVES as readonly string[]).includes(d.name.value));
  if (directive === undefined) return;
  const kind = directive.name.value as RelationKind;
  const path = `${draft.name}.${field.def.name}`;
  const related = field.def.type.kind === 'model' ? drafts.get(field.def.type.name) : undefined;
  if (related === undefined) {
    throw errorAt(ctx, directive, `@${kind} on ${path} needs a @model type, but ${field.def.type.name} is not a model`);
  }
  if (kind === 'hasMany' && !field.def.isList) throw errorAt(ctx, field.node.type, `@hasMany field ${path} must be a list: [${related.name}]`);
  if (kind !== 'hasMany' && field.def.isList) throw errorAt(ctx, field.node.type, `@${kind} field ${path} must not be a list`);

  const args = directiveArguments(ctx, directive, kind === 'hasMany' ? ['indexName', 'fields', 'limit'] : ['fields']);
  const fieldsArg = args.get('fields');
  const ownFields = fieldsArg === undefined ? undefined : stringListValue(ctx, fieldsArg.value, `@${kind} fields`);
  const checkOwn = (names: readonly string[]): void => {
    for (const name of names) keyField(ctx, draft, name, directive, `@${kind} on ${path}`);
  };
  let relation: RelationDef;
  if (kind === 'hasMany') {
    const indexArg = args.get('indexName');
    if (indexArg === undefined) {
      throw errorAt(ctx, directive, `@hasMany on ${path} needs indexName: the name of an @index on ${related.name} that holds the ${draft.name} key`);
    }
    const limitArg = args.get('limit');
    if (limitArg !== undefined && intValue(ctx, limitArg.value, '@hasMany limit') < 1) {
      throw errorAt(ctx, limitArg.value, '@hasMany limit must be at least 1');
    }
    const indexName = stringValue(ctx, indexArg.value, '@hasMany indexName');
    const index = related.indexes.find((i) => i.name === indexName);
    if (index === undefined) {
      const known = related.indexes.map((i) => i.name);
      throw errorAt(ctx, indexArg.value, `@hasMany on ${path}: ${related.name} has no @index named "${indexName}" (${known.length === 0 ? 'it has no indexes' : `indexes: ${known.join(', ')}`})`);
    }
    const fields = ownFields ?? draft.primaryKey;
    checkOwn(fields);
    if (fields.length === 0 || fields.length > index.fields.length) {
      throw errorAt(ctx, fieldsArg ?? directive, `@hasMany on ${path}: ${fields.length} field(s) cannot match index "${indexName}" on ${related.name} (${index.fields.join(', ')})`);
    }
    relation = { kind, relatedModel: related.name, fields, indexName, associatedWith: index.fields.slice(0, fields.length) };
  } else {
    if (ownFields === undefined) {
      throw errorAt(ctx, directive, `@${kind} on ${path} needs fields: the foreign-key field(s) on ${draft.name} holding the ${related.name} key (${related.primaryKey.join(', ')})`);
    }
    checkOwn(ownFields);
    if (ownFields.length !== related.primaryKey.length) {
      throw errorAt(ctx, fieldsArg, `@${kind} on ${path}: ${ownFields.length} field(s) given, but the ${related.name} key has ${related.primaryKey.length} (${related.primaryKey.join(', ')})`);
    }
    relation = { kind, relatedModel: related.name, fields: ownFields, associatedWith: [...related.primaryKey] };
  }
  field.def.relation = relation;
}

function finishModel(ctx: SdlContext, draft: ModelDraft, globalAuth: ValueNode | undefined): ModelDef {
  const declared = draft.fields.map((f) => f.def);
  const has = (name: string): boolean => declared.some((f) => f.name === name);
  const modelDirective = (draft.node.directives ?? []).find((d) => d.name.value === 'model');
  const authDirective = (draft.node.directives ?? []).find((d) => d.name.value === 'auth');
  const { timestamps, subscriptions } = parseModelDirective(ctx, modelDirective, draft.name);
  const auth =
    authDirective !== undefined
      ? parseAuthDirective(ctx, authDirective, draft.name)
      : globalAuth !== undefined
        ? [parseAuthRule(ctx, globalAuth, 'AMPLIFY.globalAuthRule', draft.name)]
        : [];

  const implicit: FieldDef[] = [];
  for (const name of [timestamps.createdAt, timestamps.updatedAt]) {
    if (name !== null && !has(name)) {
      implicit.push(implicitField(name, { kind: 'scalar', name: 'AWSDateTime' }, true));
    }
  }
  checkAuthFields(ctx, draft, auth, authDirective);
  for (const rule of auth) {
    const owner = rule.ownerField;
    if (owner !== undefined && !has(owner) && !implicit.some((f) => f.name === owner)) {
      implicit.push(implicitField(owner, { kind: 'scalar', name: 'String' }, false));
    }
  }
  return {
    name: draft.name,
    pluralName: pluralize(draft.name),
    fields: [...declared, ...implicit],
    primaryKey: draft.primaryKey,
    indexes: draft.indexes,
    auth,
    timestamps,
    subscriptions,
  };
}

function implicitField(name: string, type: FieldType, isReadOnly: boolean): FieldDef {
  return { name, type, isList: false, isRequired: false, isListItemRequired: false, isReadOnly, isImplicit: true };
}

// Owner and group fields named by rules must hold strings; a dynamic groups field must be declared.
function checkAuthFields(ctx: SdlContext, draft: ModelDraft, auth: readonly AuthRule[], at: DirectiveNode | undefined): void {
  for (const rule of auth) {
    const name = rule.ownerField ?? rule.groupsField;
    if (name === undefined) continue;
    const field = draft.fields.find((f) => f.def.name === name);
    if (field === undefined) {
      if (rule.groupsField !== undefined) {
        throw errorAt(ctx, at, `groupsField "${name}" is not a field of ${draft.name}; declare it (e.g. ${name}: [String])`);
      }
      continue;
    }
    const type = field.def.type;
    if (type.kind !== 'scalar' || (type.name !== 'String' && type.name !== 'ID')) {
      throw errorAt(ctx, field.node.type, `${draft.name}.${name} is used by an @auth ${rule.allow} rule, so it must be String, ID or a list of them`);
    }
  }
}

function parseModelDirective(
  ctx: SdlContext,
  directive: DirectiveNode | undefined,
  modelName: string,
): { timestamps: ModelDef['timestamps']; subscriptions: ModelSubscriptionsDef } {
  const timestamps: Mutable<ModelDef['timestamps']> = { ...TIMESTAMP_DEFAULTS };
  let subscriptions: ModelSubscriptionsDef = { level: 'on' };
  if (directive === undefined) return { timestamps, subscriptions };
  const args = directiveArguments(ctx, directive, ['queries', 'mutations', 'subscriptions', 'timestamps']);
  for (const name of ['queries', 'mutations']) {
    const arg = args.get(name);
    if (arg !== undefined) {
      throw errorAt(ctx, arg, `@model(${name}: …) is not supported on ${modelName}: sync needs the generated ${name} as they are`);
    }
  }
  const timestampsArg = args.get('timestamps');
  if (timestampsArg !== undefined) {
    if (timestampsArg.value.kind === Kind.NULL) {
      timestamps.createdAt = null;
      timestamps.updatedAt = null;
    } else {
      const keys = objectFields(ctx, timestampsArg.value, ['createdAt', 'updatedAt'], `@model(timestamps:) of ${modelName}`);
      for (const [key, node] of keys) {
        const name = nullableStringValue(ctx, node.value, `timestamps.${key}`);
        if (name !== null && name.startsWith('_')) throw errorAt(ctx, node.value, `timestamp field name "${name}" is reserved (starts with "_")`);
        timestamps[key as 'createdAt' | 'updatedAt'] = name;
      }
      if (timestamps.createdAt !== null && timestamps.createdAt === timestamps.updatedAt) {
        throw errorAt(ctx, timestampsArg.value, `createdAt and updatedAt of ${modelName} must be different fields`);
      }
    }
  }
  const subscriptionsArg = args.get('subscriptions');
  if (subscriptionsArg !== undefined) {
    if (subscriptionsArg.value.kind === Kind.NULL) {
      subscriptions = { level: 'off' };
    } else {
      const keys = objectFields(ctx, subscriptionsArg.value, ['onCreate', 'onUpdate', 'onDelete', 'level'], `@model(subscriptions:) of ${modelName}`);
      const levelNode = keys.get('level');
      const result: Mutable<ModelSubscriptionsDef> = {
        level: levelNode === undefined ? 'on' : wordValue(ctx, levelNode.value, ['on', 'off', 'public'] as const, 'subscriptions.level'),
      };
      for (const key of ['onCreate', 'onUpdate', 'onDelete'] as const) {
        const node = keys.get(key);
        if (node !== undefined) result[key] = stringListValue(ctx, node.value, `subscriptions.${key}`);
      }
      subscriptions = result;
    }
  }
  return { timestamps, subscriptions };
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
