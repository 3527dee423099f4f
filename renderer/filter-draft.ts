// The filter builder's editable state and its translation into a predicate tree. Which operators
// a field offers comes from common/predicates (the same table validation and SQL use), so the
// builder can only produce predicates main will accept.
import { filterFieldsOf, type FilterableField } from '../common/predicates/filterable-fields.js';
import type { Operator, Predicate } from '../common/predicates/types.js';
import type { ModelDef } from '../common/schema/types.js';
import { titleField } from '../common/schema/record-labels.js';

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

/**
 * Fields the builder offers for `model` (metadata hidden): the field that names a record first
 * (`name`, `title`), then the others in declaration order, a generated `id` last — a person filters
 * by what they read, rarely by an id.
 */
export function filterableFields(model: ModelDef): FilterableField[] {
  const fields = [...filterFieldsOf(model).filterable.values()].filter((f) => !f.name.startsWith('_'));
  const title = titleField(model);
  const rank = (f: FilterableField) => (f.name === title ? 0 : f.name === 'id' ? 2 : 1);
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/** The filterable field `name` of `model` as the builder offers it, or undefined (unknown, unfilterable or metadata). */
export function filterableField(model: ModelDef, name: string): FilterableField | undefined {
  return name.startsWith('_') ? undefined : filterFieldsOf(model).filterable.get(name);
}

/** The condition after its field changed to `name`: the field's first operator (else `eq`), values cleared. */
export function withField(model: ModelDef, name: string): Pick<Condition, 'field' | 'op' | 'value' | 'value2'> {
  return { field: name, op: filterableField(model, name)?.operators[0] ?? 'eq', value: '', value2: '' };
}

/** A fresh condition on the first field offered (the record's name field where it has one), "contains" for text. */
export function newCondition(model: ModelDef): Condition | undefined {
  const field = filterableFields(model)[0];
  if (!field) return undefined;
  const op = field.kind === 'string' && !field.isList && field.operators.includes('contains') ? 'contains' : field.operators[0];
  return { field: field.name, op, value: '', value2: '' };
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

/** True when some condition compares free text, where "Match case" changes what it finds (a picked record or enum member does not). */
export function comparesText(model: ModelDef, draft: FilterDraft): boolean {
  return draft.conditions.some((c) => {
    const field = filterableField(model, c.field);
    const isKey = c.field === 'id' || model.fields.some((f) => f.relation?.kind === 'belongsTo' && f.relation.fields.includes(c.field));
    return field?.kind === 'string' && !isKey && c.op !== 'attributeExists' && /\p{L}/u.test(`${c.value}${c.value2}`);
  });
}
