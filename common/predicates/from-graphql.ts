// AppSync filter/condition input (PROTOCOL.md §1.5, §1.6) → predicate tree, for the server's
// `filter` and `condition` arguments and subscription filters. Sibling keys are ANDed, several
// operators on one field are ANDed, `in`/`notIn` (subscription inputs) become `in`/`not in`.
// An explicit null for a field, `and`, `or` or `not` means "not given", as for any optional GraphQL
// input field; `eq: null` / `ne: null` test for null; `{}` matches everything.
// Everything is checked against the model; errors name the input path (`filter.and[1].score.lt`).
import { ValidationError } from '../errors.js';
import type { Schema } from '../schema/types.js';
import { filterFieldsOf, type ModelFilterFields } from './filterable-fields.js';
import { MAX_PREDICATE_DEPTH, OPERATORS, type Predicate } from './types.js';
import { checkComparison, checkPredicate, enumMembersOf, modelNamed, type EnumMembers } from './validate-predicate.js';

const UNSUPPORTED: Readonly<Record<string, string>> = {
  attributeType: 'attributeType is not supported (values are typed by the schema)',
  size: 'size is not supported',
};

function isObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}

interface Context {
  readonly fields: ModelFilterFields;
  readonly enumMembers: EnumMembers;
}

function fieldOperators(ctx: Context, field: string, ops: unknown, path: string): Predicate[] {
  if (!isObject(ops)) {
    throw new ValidationError(`${path}: expected an object of operators for ${field}, got ${describe(ops)}`, path);
  }
  const parts: Predicate[] = [];
  for (const [op, value] of Object.entries(ops)) {
    const at = `${path}.${op}`;
    if (value === undefined) continue;
    if (Object.hasOwn(UNSUPPORTED, op)) throw new ValidationError(`${at}: ${UNSUPPORTED[op]}`, at);
    if (op === 'notIn') {
      parts.push({ not: checkComparison(ctx.fields, field, 'in', value, at, ctx.enumMembers) });
      continue;
    }
    if (!(OPERATORS as readonly string[]).includes(op)) {
      throw new ValidationError(`${at}: unknown operator ${JSON.stringify(op)}; operators: ${[...OPERATORS, 'notIn'].join(', ')}`, at);
    }
    // eq/ne: null tests for null; other operators reject null with a message saying so.
    parts.push(checkComparison(ctx.fields, field, op, value, at, ctx.enumMembers));
  }
  return parts;
}

function convert(ctx: Context, input: unknown, path: string, depth: number): Predicate {
  if (depth > MAX_PREDICATE_DEPTH) {
    throw new ValidationError(`${path}: filter nests deeper than ${MAX_PREDICATE_DEPTH} levels of and/or/not`, path);
  }
  if (!isObject(input)) throw new ValidationError(`${path}: expected a filter object, got ${describe(input)}`, path);
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(input)) {
    const at = `${path}.${key}`;
    if (value === null || value === undefined) continue;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new ValidationError(`${at}: expected a list of filters, got ${describe(value)}`, at);
      const members = value.map((m: unknown, i: number) => convert(ctx, m, `${at}[${i}]`, depth + 1));
      parts.push(key === 'and' ? { and: members } : { or: members });
    } else if (key === 'not') {
      parts.push({ not: convert(ctx, value, at, depth + 1) });
    } else {
      parts.push(...fieldOperators(ctx, key, value, at));
    }
  }
  return parts.length === 1 ? parts[0] : { and: parts };
}

/**
 * The predicate for an AppSync filter or condition input on `modelName` (null/undefined input →
 * null, "no filter"). `path` names the argument in error messages (default `filter`).
 * Throws ValidationError naming the path of the first bad part.
 */
export function fromGraphqlFilter(schema: Schema, modelName: string, input: unknown, path = 'filter'): Predicate | null {
  if (input === null || input === undefined) return null;
  const model = modelNamed(schema, modelName);
  const ctx: Context = { fields: filterFieldsOf(model), enumMembers: enumMembersOf(schema) };
  const predicate = convert(ctx, input, path, 1);
  // Splitting multi-operator fields and notIn can add levels; the result must still validate.
  return checkPredicate(model, predicate, ctx.enumMembers, path);
}
