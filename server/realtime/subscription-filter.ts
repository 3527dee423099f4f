// AppSync "enhanced filtering" for subscriptions: the `filter` argument
// (`ModelSubscription<T>FilterInput`, PROTOCOL.md §1.6) becomes a predicate tree, is checked
// against the model, and is evaluated in memory on every committed item.
import { ValidationError } from '../../common/errors.js';
import { matcher } from '../../common/predicates/evaluate.js';
import type { GraphqlFilterInput, Operator, Predicate } from '../../common/predicates/types.js';
import { checkPredicate } from '../../common/predicates/validate-predicate.js';
import type { ModelDef } from '../../common/schema/types.js';
import type { ItemAccess } from './subscription-authorization.js';

/** Enhanced-filter bounds; AppSync's are tighter (5 levels, 10 conditions), ours leave room. */
export const SUBSCRIPTION_FILTER_LIMITS = { maxDepth: 10, maxConditions: 100 } as const;

/** Operators of the subscription inputs that map 1:1 onto predicate operators. */
const DIRECT_OPERATORS = new Set(['eq', 'ne', 'le', 'lt', 'ge', 'gt', 'between', 'beginsWith', 'contains', 'notContains', 'in', 'attributeExists']);

/**
 * Checks the filter and returns the per-item test; `null`/absent filter lets everything through.
 * Throws ValidationError naming the offending path.
 */
export function compileSubscriptionFilter(model: ModelDef, filter: GraphqlFilterInput | null): ItemAccess {
  const predicate = subscriptionFilterPredicate(model, filter);
  if (predicate === null) return () => true;
  return matcher(predicate);
}

/** The predicate tree equivalent to a subscription filter input (`notIn` → `not in`), validated against `model`. */
export function subscriptionFilterPredicate(model: ModelDef, filter: GraphqlFilterInput | null): Predicate | null {
  if (filter === null || filter === undefined) return null;
  const counter = { conditions: 0 };
  const tree = convert(filter, 'filter', 1, counter);
  return checkPredicate(model, tree, undefined, 'filter');
}

function convert(input: unknown, path: string, depth: number, counter: { conditions: number }): Predicate {
  if (depth > SUBSCRIPTION_FILTER_LIMITS.maxDepth) {
    throw new ValidationError(`${path}: filters nest deeper than ${SUBSCRIPTION_FILTER_LIMITS.maxDepth} levels`, path);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${path}: expected a filter object`, path);
  }
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new ValidationError(`${path}.${key}: expected a list of filters`, `${path}.${key}`);
      const children = value.map((child, i) => convert(child, `${path}.${key}[${i}]`, depth + 1, counter));
      parts.push(key === 'and' ? { and: children } : { or: children });
      continue;
    }
    if (key === 'not') {
      // Not in ModelSubscription<T>FilterInput; reached only when the API schema was not used to validate.
      throw new ValidationError(`${path}.not: subscription filters have no "not"; use ne / notIn / notContains`, `${path}.not`);
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError(`${path}.${key}: expected an operator object such as { eq: ... }`, `${path}.${key}`);
    }
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      if (operand === undefined) continue;
      const at = `${path}.${key}.${op}`;
      if (++counter.conditions > SUBSCRIPTION_FILTER_LIMITS.maxConditions) {
        throw new ValidationError(`${path}: more than ${SUBSCRIPTION_FILTER_LIMITS.maxConditions} conditions`, at);
      }
      if (op === 'notIn') parts.push({ not: { field: key, op: 'in', value: operand } });
      else if (DIRECT_OPERATORS.has(op)) parts.push({ field: key, op: op as Operator, value: operand });
      else {
        throw new ValidationError(
          `${at}: "${op}" is not supported in subscription filters (use eq, ne, le, lt, ge, gt, between, beginsWith, contains, notContains, in, notIn)`,
          at,
        );
      }
    }
  }
  return parts.length === 1 ? parts[0] : { and: parts };
}
