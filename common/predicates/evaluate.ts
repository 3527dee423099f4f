// The in-memory evaluator (observe filters, subscription filters, tests), following the semantics
// documented in types.ts. It needs no schema: a record's values carry their own type (strings,
// numbers, booleans, arrays for lists), and values of another type than the predicate's never match.
import { ValidationError } from '../errors.js';
import type { ModelRecord } from '../schema/types.js';
import { compareCodePoints } from './code-point-order.js';
import type { Comparison, Predicate } from './types.js';
import { foldText } from './text-fold.js';

/** How the evaluator compares text. */
export interface MatchOptions {
  /** Strings (and string elements of lists) compare folded: case and accents ignored (text-fold.ts). Default false. */
  readonly ignoreCase?: boolean;
}

// A value with its strings folded, list elements included.
function folded(value: unknown): unknown {
  if (typeof value === 'string') return foldText(value);
  return Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? foldText(v) : v)) : value;
}

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function equals(actual: unknown, expected: unknown): boolean {
  return isScalar(actual) && typeof actual === typeof expected && actual === expected;
}

// Order of two same-typed values; undefined when they cannot be ordered (so the comparison fails).
function order(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string') return compareCodePoints(actual, expected);
  return undefined;
}

function ordered(o: number | undefined, test: (o: number) => boolean): boolean {
  return o !== undefined && test(o);
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((element) => equals(element, expected));
  return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
}

function compare(c: Comparison, record: ModelRecord, ignoreCase: boolean): boolean {
  const raw = Object.prototype.hasOwnProperty.call(record, c.field) ? record[c.field] : undefined;
  const actual = ignoreCase ? folded(raw) : raw;
  const isNull = actual === null || actual === undefined;
  const value = ignoreCase ? folded(c.value) : c.value;
  switch (c.op) {
    case 'eq':
      return value === null ? isNull : equals(actual, value);
    case 'ne':
      return value === null ? !isNull : !equals(actual, value);
    case 'lt':
      return ordered(order(actual, value), (o) => o < 0);
    case 'le':
      return ordered(order(actual, value), (o) => o <= 0);
    case 'gt':
      return ordered(order(actual, value), (o) => o > 0);
    case 'ge':
      return ordered(order(actual, value), (o) => o >= 0);
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) throw new ValidationError(`between needs [low, high] on ${c.field}`, c.field);
      return ordered(order(actual, value[0]), (o) => o >= 0) && ordered(order(actual, value[1]), (o) => o <= 0);
    }
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'contains':
      return contains(actual, value);
    case 'notContains':
      return !contains(actual, value);
    case 'attributeExists':
      return value === !isNull;
    case 'in': {
      if (!Array.isArray(value)) throw new ValidationError(`in needs an array on ${c.field}`, c.field);
      return value.some((v: unknown) => (v === null ? isNull : equals(actual, v)));
    }
    default:
      throw new ValidationError(`unknown operator ${JSON.stringify((c as { op: unknown }).op)}`, c.field);
  }
}

/**
 * Whether `record` satisfies `predicate` (a validated tree; see validatePredicate). Missing keys
 * count as null.
 */
export function matches(predicate: Predicate, record: ModelRecord, options: MatchOptions = {}): boolean {
  const ignoreCase = options.ignoreCase === true;
  const test = (p: Predicate): boolean => {
    if ('and' in p) return p.and.every(test);
    if ('or' in p) return p.or.some(test);
    if ('not' in p) return !test(p.not);
    return compare(p, record, ignoreCase);
  };
  return test(predicate);
}

/** A reusable filter function for `predicate` (e.g. for Array.prototype.filter or observe). */
export function matcher(predicate: Predicate): (record: ModelRecord) => boolean {
  return (record) => matches(predicate, record);
}
