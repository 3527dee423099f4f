// The first pass of the SDL parser: the document itself, its type and enum definitions (with the
// names Outpost refuses) and Amplify's `input AMPLIFY { globalAuthRule }`.
import {
  GraphQLError,
  Kind,
  getLocation,
  parse,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type ValueNode,
} from 'graphql';
import { SchemaError } from '../errors.js';
import { rejectDirectives, type TypeEntry } from './schema-draft.js';
import { errorAt, type SdlContext } from './sdl-values.js';
import { SCALAR_TYPES, type EnumDef } from './types.js';

const OPERATION_TYPES = ['Query', 'Mutation', 'Subscription'];
const AMPLIFY_INPUT = 'AMPLIFY';

/** The GraphQL document of `ctx`'s source; a syntax error is a SchemaError at its line and column. */
export function parseDocument(ctx: SdlContext): DocumentNode {
  try {
    return parse(ctx.source);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    const where = at === undefined ? undefined : ctx.file === undefined ? { ...at } : { file: ctx.file, ...at };
    throw new SchemaError(error.message, where);
  }
}

/** Every type and enum definition by name; anything else, a reserved name or a duplicate is a SchemaError. */
export function collectTypes(ctx: SdlContext, document: DocumentNode): Map<string, TypeEntry> {
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
export function globalAuthRuleNode(ctx: SdlContext, document: DocumentNode): ValueNode | undefined {
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

/** An enum's values; a directive, a repeated value or no value is a SchemaError. */
export function parseEnum(ctx: SdlContext, node: EnumTypeDefinitionNode): EnumDef {
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
