// The fields a type declares: names, list and required shapes and types resolved against the
// schema's definitions, with the directives each place allows.
import { Kind, type NamedTypeNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { FIELD_DIRECTIVES, RELATION_DIRECTIVES, TYPE_DIRECTIVES, rejectDirectives, type DeclaredField, type TypeEntry } from './schema-draft.js';
import { errorAt, type SdlContext } from './sdl-values.js';
import { SCALAR_TYPES, type FieldDef, type FieldType, type ScalarTypeName } from './types.js';

/** The fields of a model (`isModel`) or embedded type, each checked; a type without fields is a SchemaError. */
export function declaredFields(ctx: SdlContext, node: ObjectTypeDefinitionNode, types: ReadonlyMap<string, TypeEntry>, isModel: boolean): DeclaredField[] {
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
      throw errorAt(
        ctx,
        fieldNode.name,
        `field name "${path}" is reserved: names starting with "_" belong to sync metadata (_version, _deleted, _lastChangedAt)`,
      );
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
