// The filter builder's editable state and its translation into a predicate tree. Which operators
// a field offers comes from common/predicates (the same table validation and SQL use), so the
// builder can only produce predicates main will accept.
import { filterFieldsOf, type FilterableField } from '../common/predicates/filterable-fields.js';
import type { Operator, Predicate } from '../common/predicates/types.js';
import type { ModelDef } from '../common/schema/types.js';

export interface Condition {
  readonly field: string;
  readonly op: Operator;
  /** Raw text from the inputs; `between` uses both. */
  readonly value: string;
  readonly value2: string;
}

export interface FilterDraft {
  readonly combine: 'and' | 'or';
  readonly conditions: readonly Condition[];
}

export const EMPTY_FILTER: FilterDraft = { combine: 'and', conditions: [] };

export const OPERATOR_LABELS: Record<Operator, string> = {
  eq: 'is',
  ne: 'is not',
  lt: '<',
  le: '≤',
  gt: '>',
  ge: '≥',
  between: 'between',
  beginsWith: 'begins with',
  contains: 'contains',
  notContains: 'does not contain',
  attributeExists: 'is set',
  in: 'is one of',
};

/** Fields the builder offers for `model` (metadata hidden), in declaration order. */
export function filterableFields(model: ModelDef): FilterableField[] {
  return [...filterFieldsOf(model).filterable.values()].filter((f) => !f.name.startsWith('_'));
}

/** The filterable field `name` of `model` as the builder offers it, or undefined (unknown, unfilterable or metadata). */
export function filterableField(model: ModelDef, name: string): FilterableField | undefined {
  return name.startsWith('_') ? undefined : filterFieldsOf(model).filterable.get(name);
}

/** The condition after its field changed to `name`: the field's first operator (else `eq`), values cleared. */
export function withField(model: ModelDef, name: string): Pick<Condition, 'field' | 'op' | 'value' | 'value2'> {
  return { field: name, op: filterableField(model, name)?.operators[0] ?? 'eq', value: '', value2: '' };
}

/** A fresh condition on the model's first filterable field. */
export function newCondition(model: ModelDef): Condition | undefined {
  const field = filterableFields(model)[0];
  return field ? { field: field.name, op: field.operators[0], value: '', value2: '' } : undefined;
}

function parse(field: FilterableField, text: string): unknown {
  switch (field.kind) {
    case 'integer':
    case 'float': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? text : n;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

/** The predicate for a draft, or undefined when it has no conditions. */
export function toPredicate(model: ModelDef, draft: FilterDraft): Predicate | undefined {
  const fields = filterFieldsOf(model).filterable;
  const leaves: Predicate[] = [];
  for (const c of draft.conditions) {
    const field = fields.get(c.field);
    if (!field) continue;
    if (c.op === 'attributeExists') leaves.push({ field: c.field, op: c.op, value: c.value !== 'false' });
    else if (c.op === 'between') leaves.push({ field: c.field, op: c.op, value: [parse(field, c.value), parse(field, c.value2)] });
    else if (c.op === 'in') {
      leaves.push({
        field: c.field,
        op: c.op,
        value: c.value
          .split(',')
          .map((v) => parse(field, v.trim()))
          .filter((v) => v !== ''),
      });
    } else if ((c.op === 'eq' || c.op === 'ne') && field.isList) leaves.push({ field: c.field, op: c.op, value: null });
    else leaves.push({ field: c.field, op: c.op, value: parse(field, c.value) });
  }
  if (leaves.length === 0) return undefined;
  return draft.combine === 'and' ? { and: leaves } : { or: leaves };
}
