// Reading directive arguments out of a parsed SDL document. Every reader reports a SchemaError at the
// exact line and column of the offending node, so schema authors can jump straight to the mistake.
import { Kind, getLocation, type ASTNode, type ArgumentNode, type DirectiveNode, type ObjectFieldNode, type Source, type ValueNode } from 'graphql';
import { SchemaError } from '../errors.js';

/** Where the SDL came from: used to place errors. */
export interface SdlContext {
  readonly source: Source;
  /** File name shown in errors; undefined prints `<schema>`. */
  readonly file?: string;
}

/** A SchemaError located at `node` (or without a location when the node has none). */
export function errorAt(ctx: SdlContext, node: ASTNode | undefined, message: string): SchemaError {
  if (node?.loc === undefined) return new SchemaError(message);
  const { line, column } = getLocation(ctx.source, node.loc.start);
  return new SchemaError(message, ctx.file === undefined ? { line, column } : { file: ctx.file, line, column });
}

/** The directive's arguments by name; rejects unknown and repeated arguments. */
export function directiveArguments(ctx: SdlContext, directive: DirectiveNode, allowed: readonly string[]): Map<string, ArgumentNode> {
  const args = new Map<string, ArgumentNode>();
  for (const arg of directive.arguments ?? []) {
    const name = arg.name.value;
    if (!allowed.includes(name)) {
      const known = allowed.length === 0 ? 'it takes no arguments' : `known arguments: ${allowed.join(', ')}`;
      throw errorAt(ctx, arg, `unknown argument "${name}" on @${directive.name.value} (${known})`);
    }
    if (args.has(name)) throw errorAt(ctx, arg, `argument "${name}" given twice on @${directive.name.value}`);
    args.set(name, arg);
  }
  return args;
}

/** The fields of an input-object value by name; rejects non-objects, unknown and repeated keys. */
export function objectFields(ctx: SdlContext, value: ValueNode, allowed: readonly string[], what: string): Map<string, ObjectFieldNode> {
  if (value.kind !== Kind.OBJECT) throw errorAt(ctx, value, `${what} must be an object { … }`);
  const fields = new Map<string, ObjectFieldNode>();
  for (const field of value.fields) {
    const name = field.name.value;
    if (!allowed.includes(name)) {
      throw errorAt(ctx, field, `unknown key "${name}" in ${what} (known keys: ${allowed.join(', ')})`);
    }
    if (fields.has(name)) throw errorAt(ctx, field, `key "${name}" given twice in ${what}`);
    fields.set(name, field);
  }
  return fields;
}

/** A string literal. */
export function stringValue(ctx: SdlContext, value: ValueNode, what: string): string {
  if (value.kind !== Kind.STRING) throw errorAt(ctx, value, `${what} must be a string`);
  return value.value;
}

/** A string literal or `null`. */
export function nullableStringValue(ctx: SdlContext, value: ValueNode, what: string): string | null {
  return value.kind === Kind.NULL ? null : stringValue(ctx, value, what);
}

/** A list of string literals (a single string counts as a one-element list, as GraphQL input coercion allows). */
export function stringListValue(ctx: SdlContext, value: ValueNode, what: string): string[] {
  if (value.kind === Kind.STRING) return [value.value];
  if (value.kind !== Kind.LIST) throw errorAt(ctx, value, `${what} must be a list of strings`);
  return value.values.map((item) => stringValue(ctx, item, `each entry of ${what}`));
}

/** An enum-like word (bare `owner` or quoted `"owner"`) from a closed set. */
export function wordValue<T extends string>(ctx: SdlContext, value: ValueNode, allowed: readonly T[], what: string): T {
  const word = value.kind === Kind.ENUM || value.kind === Kind.STRING ? value.value : undefined;
  const match = allowed.find((candidate) => candidate === word);
  if (match === undefined) {
    const got = word === undefined ? `a ${value.kind.toLowerCase().replace('value', '')} value` : `"${word}"`;
    throw errorAt(ctx, value, `${what} must be one of ${allowed.join(', ')} (got ${got})`);
  }
  return match;
}

/** A list of enum-like words from a closed set (a single word counts as a one-element list). */
export function wordListValue<T extends string>(ctx: SdlContext, value: ValueNode, allowed: readonly T[], what: string): T[] {
  if (value.kind !== Kind.LIST) return [wordValue(ctx, value, allowed, what)];
  return value.values.map((item) => wordValue(ctx, item, allowed, `each entry of ${what}`));
}

/** An integer literal. */
export function intValue(ctx: SdlContext, value: ValueNode, what: string): number {
  if (value.kind !== Kind.INT) throw errorAt(ctx, value, `${what} must be an integer`);
  return Number(value.value);
}
