// AppSync's AWS scalars with the shared validation of common/schema/scalars: a bad value in
// variables or a literal is a GraphQL validation error naming the scalar, before any resolver runs.
import { GraphQLError, Kind, type GraphQLSchema, type GraphQLScalarType, type ValueNode } from 'graphql';
import { scalarRule } from '../../common/schema/scalars.js';
import { SCALAR_TYPES, type ScalarTypeName } from '../../common/schema/types.js';

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    default:
      return undefined;
  }
}

function checker(name: ScalarTypeName): (value: unknown) => unknown {
  return (value) => {
    const rule = scalarRule(name, value);
    if (rule !== undefined) throw new GraphQLError(`${name} ${rule}, got ${JSON.stringify(value)}`);
    return value;
  };
}

/** Installs validation on the AWS scalars declared in `schema` (mutates the built schema's scalar types). */
export function installAwsScalars(schema: GraphQLSchema): void {
  for (const name of SCALAR_TYPES) {
    if (!name.startsWith('AWS')) continue;
    const type = schema.getType(name) as GraphQLScalarType | undefined;
    if (type === undefined) continue;
    const check = checker(name);
    type.parseValue = check;
    type.parseLiteral = (node: ValueNode) => check(literalValue(node));
    type.serialize = (value: unknown) => value;
  }
}
