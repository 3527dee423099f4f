// Checks an untrusted predicate (from IPC, a stored outbox entry, a GraphQL argument) against a
// model before any evaluator sees it, and returns a clean copy. Every rejection is a
// ValidationError that says where in the tree, which field, and what would be accepted.
import { ValidationError } from '../errors.js';
import { findModel } from '../schema/model-fields.js';
import type { ModelDef, Schema } from '../schema/types.js';
import { compareCodePoints } from './code-point-order.js';
import { showValue } from './show-value.js';
import { filterFieldsOf, typeLabel, type FilterableField, type ModelFilterFields } from './filterable-fields.js';
import { MAX_PREDICATE_DEPTH, OPERATORS, type Comparison, type Operator, type Predicate } from './types.js';

/** Most values an `in` may list (keeps SQL within every driver's parameter limit). */
export const MAX_IN_VALUES = 1000;

/** Looks up an enum's members by name; undefined when unknown (then any string passes). */
export type EnumMembers = (enumName: string) => readonly string[] | undefined;

const NODE_SHAPES = '{ field, op, value }, { and: [...] }, { or: [...] } or { not: {...} }';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(location: string, message: string, path?: string): never {
  throw new ValidationError(`${location}: ${message}`, path ?? location, { location });
}

function expectedValue(field: FilterableField, enumMembers: EnumMembers | undefined): string {
  switch (field.kind) {
    case 'string':
      return 'a string';
    case 'integer': {
      const [low, high] = field.range ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      return `an integer from ${low} to ${high}`;
    }
    case 'float':
      return 'a finite number';
    case 'boolean':
      return 'true or false';
    case 'enum': {
      const members = enumMembers?.(field.typeName);
      return members ? `a member of ${field.typeName} (${members.join(', ')})` : `a member of ${field.typeName}`;
    }
  }
}

// The problem with one non-null value for `field`, or undefined when it fits.
function valueProblem(field: FilterableField, value: unknown, enumMembers: EnumMembers | undefined): string | undefined {
  switch (field.kind) {
    case 'string':
    case 'enum': {
      if (typeof value !== 'string') return 'wrong type';
      // PostgreSQL text cannot hold U+0000 and a lone surrogate has no UTF-8 form: neither could be
      // stored, and the evaluators would disagree about them.
      if (value.includes('\u0000')) return 'contains U+0000, which cannot be stored';
      if (/\p{Cs}/u.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
      if (field.kind === 'enum') {
        const members = enumMembers?.(field.typeName);
        if (members && !members.includes(value)) return 'not a member';
      }
      return undefined;
    }
    case 'integer': {
      const [low, high] = field.range ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      return typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high ? undefined : 'wrong type';
    }
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'wrong type';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'wrong type';
  }
}

function requireValue(model: string, field: FilterableField, op: string, value: unknown, location: string, enumMembers: EnumMembers | undefined): void {
  const where = `${model}.${field.name}`;
  if (value === null || value === undefined) {
    fail(location, `${where} ${op} needs a value, got ${showValue(value)} (test for null with eq null or attributeExists)`, where);
  }
  const problem = valueProblem(field, value, enumMembers);
  if (problem === undefined) return;
  const element = field.isList ? ` (an element of ${typeLabel(field)})` : '';
  const detail = problem === 'wrong type' || problem === 'not a member' ? '' : `: ${problem}`;
  fail(location, `${where} ${op} needs ${expectedValue(field, enumMembers)}${element}, got ${showValue(value)}${detail}`, where);
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  return (a as number) - (b as number);
}

/**
 * Check one comparison `field op value` against the model's fields and return a clean copy;
 * `location` names the spot for error messages (e.g. `filter.and[0].title`).
 */
export function checkComparison(
  fields: ModelFilterFields,
  fieldName: unknown,
  op: unknown,
  value: unknown,
  location: string,
  enumMembers?: EnumMembers,
): Comparison {
  const model = fields.model;
  if (typeof fieldName !== 'string' || fieldName === '') fail(location, `field must be a non-empty string, got ${showValue(fieldName)}`);
  const field = fields.filterable.get(fieldName);
  if (!field) {
    const unfit = fields.unfilterable.get(fieldName);
    const where = `${model}.${fieldName}`;
    if (unfit) fail(location, `${where} ${unfit.reason}`, where);
    fail(location, `${model} has no field ${showValue(fieldName)}; fields that can be filtered: ${[...fields.filterable.keys()].join(', ')}`, where);
  }
  const where = `${model}.${field.name}`;
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    fail(location, `unknown operator ${showValue(op)} on ${where}; operators: ${OPERATORS.join(', ')}`, where);
  }
  const operator = op as Operator;
  if (!field.operators.includes(operator)) {
    fail(location, `${operator} does not apply to ${where} (${typeLabel(field)}); use one of: ${field.operators.join(', ')}`, where);
  }
  switch (operator) {
    case 'eq':
    case 'ne':
      if (field.isList && value !== null) {
        fail(
          location,
          `${where} is a list (${typeLabel(field)}); ${operator} only tests it for null there, got ${showValue(value)} (use contains / notContains)`,
          where,
        );
      }
      if (value !== null) requireValue(model, field, operator, value, location, enumMembers);
      return { field: field.name, op: operator, value };
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
    case 'beginsWith':
    case 'contains':
    case 'notContains':
      requireValue(model, field, operator, value, location, enumMembers);
      return { field: field.name, op: operator, value };
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) {
        fail(location, `${where} between needs a [low, high] array of 2 values, got ${showValue(value)}`, where);
      }
      const [low, high] = value as unknown[];
      requireValue(model, field, 'between', low, location, enumMembers);
      requireValue(model, field, 'between', high, location, enumMembers);
      if (compareValues(low, high) > 0) {
        fail(location, `${where} between has low ${showValue(low)} above high ${showValue(high)} (bounds are inclusive; swap them)`, where);
      }
      return { field: field.name, op: operator, value: [low, high] };
    }
    case 'in': {
      if (!Array.isArray(value)) fail(location, `${where} in needs an array of values, got ${showValue(value)}`, where);
      if (value.length > MAX_IN_VALUES) {
        fail(location, `${where} in lists ${value.length} values; at most ${MAX_IN_VALUES} are allowed`, where);
      }
      for (const item of value as unknown[]) {
        if (item !== null) requireValue(model, field, 'in', item, location, enumMembers);
      }
      return { field: field.name, op: operator, value: [...(value as unknown[])] };
    }
    case 'attributeExists':
      if (typeof value !== 'boolean') fail(location, `${where} attributeExists needs true or false, got ${showValue(value)}`, where);
      return { field: field.name, op: operator, value };
  }
}

function checkNode(fields: ModelFilterFields, node: unknown, location: string, depth: number, enumMembers: EnumMembers | undefined): Predicate {
  if (depth > MAX_PREDICATE_DEPTH) {
    fail(location, `predicate nests deeper than ${MAX_PREDICATE_DEPTH} levels of and/or/not`);
  }
  if (!isPlainObject(node)) fail(location, `expected a predicate node (${NODE_SHAPES}), got ${showValue(node)}`);
  const keys = Object.keys(node);
  if ('field' in node || 'op' in node) {
    const extra = keys.filter((k) => k !== 'field' && k !== 'op' && k !== 'value');
    if (extra.length > 0) fail(location, `unexpected key ${showValue(extra[0])} in a comparison (keys: field, op, value)`);
    if (!('op' in node)) fail(location, `comparison on ${showValue(node.field)} has no op`);
    if (!('value' in node) || node.value === undefined) {
      fail(location, `comparison ${showValue(node.field)} ${showValue(node.op)} has no value (use null to test for null)`);
    }
    return checkComparison(fields, node.field, node.op, node.value, location, enumMembers);
  }
  if (keys.length !== 1) fail(location, `expected a predicate node (${NODE_SHAPES}), got ${showValue(node)}`);
  const key = keys[0];
  const child = node[key];
  if (key === 'and' || key === 'or') {
    if (!Array.isArray(child)) fail(`${location}.${key}`, `${key} needs an array of predicates, got ${showValue(child)}`);
    const children = child.map((c: unknown, i: number) => checkNode(fields, c, `${location}.${key}[${i}]`, depth + 1, enumMembers));
    return key === 'and' ? { and: children } : { or: children };
  }
  if (key === 'not') return { not: checkNode(fields, child, `${location}.not`, depth + 1, enumMembers) };
  fail(location, `unknown key ${showValue(key)}; expected a predicate node (${NODE_SHAPES})`);
}

/**
 * Check an untrusted predicate against `model` without a schema at hand (enum members are then
 * only checked to be strings); returns a clean copy. `location` prefixes error messages.
 */
export function checkPredicate(model: ModelDef, predicate: unknown, enumMembers?: EnumMembers, location = 'predicate'): Predicate {
  return checkNode(filterFieldsOf(model), predicate, location, 1, enumMembers);
}

/** Enum member lookup for a parsed schema. */
export function enumMembersOf(schema: Schema): EnumMembers {
  return (name) => schema.enums[name]?.values;
}

/** The model a predicate is for (`findModel`), or a ValidationError in the predicate checks' wording listing the schema's models. */
export function modelNamed(schema: Schema, modelName: string): ModelDef {
  const model = findModel(schema, modelName);
  if (!model) {
    throw new ValidationError(`unknown model ${showValue(modelName)}; models: ${Object.keys(schema.models).join(', ')}`, String(modelName));
  }
  return model;
}

/**
 * Validate `predicate` (any JSON) against `modelName` in `schema`: node shapes, field names,
 * operators that fit each field's type, value types and enum members, nesting depth ≤ 32.
 * Returns a clean copy typed as Predicate; throws ValidationError naming the problem.
 */
export function validatePredicate(schema: Schema, modelName: string, predicate: unknown): Predicate {
  return checkPredicate(modelNamed(schema, modelName), predicate, enumMembersOf(schema));
}
