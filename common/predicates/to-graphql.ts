// Predicate tree → AppSync filter/condition input (PROTOCOL.md §1.5, §4.10), shaped like the
// documents amplify-js DataStore sends: a leaf is `{ field: { op: value } }`, groups are
// `{ and: [...] }`, `{ or: [...] }`, `{ not: {...} }`, a lone root leaf stays wrapped in `and`,
// nested single-child groups are flattened. `in` has no query-side input, so it travels as an
// `or` of `eq` (null members as `eq: null`).
import { ValidationError } from '../errors.js';
import type { ModelDef } from '../schema/types.js';
import { filterFieldsOf, typeLabel, type FilterableField } from './filterable-fields.js';
import type { Comparison, GraphqlFilterInput, Predicate } from './types.js';

// Fields AppSync's filter/condition inputs leave out (only `_deleted` of the metadata is there).
const NOT_ON_THE_WIRE = new Set(['_version', '_lastChangedAt']);

// What AppSync's generated input for the field cannot say, or undefined. Lists of numbers and
// booleans get the element's ModelInt/Float/BooleanInput (no contains); enum inputs have only
// eq/ne (+ contains/notContains for enum lists). Everything else our validation allows fits.
function wireProblem(field: FilterableField, op: Comparison['op']): string | undefined {
  if (NOT_ON_THE_WIRE.has(field.name)) return `${field.name} is not part of AppSync's filter and condition inputs`;
  const input =
    field.kind === 'enum'
      ? `Model${field.typeName}${field.isList ? 'List' : ''}Input`
      : field.kind === 'integer'
        ? 'ModelIntInput'
        : field.kind === 'float'
          ? 'ModelFloatInput'
          : field.kind === 'boolean'
            ? 'ModelBooleanInput'
            : undefined;
  if (input === undefined) return undefined;
  const lacks = (field.isList && field.kind !== 'enum' && (op === 'contains' || op === 'notContains')) || (field.kind === 'enum' && op === 'attributeExists');
  return lacks ? `${typeLabel(field)} fields take ${input}, which has no ${op}` : undefined;
}

/**
 * Throw a ValidationError naming the field and operator when AppSync's generated filter/condition
 * inputs for `model` cannot carry some comparison of `predicate` (contains on number/boolean
 * lists, attributeExists on enums, `_version`/`_lastChangedAt`). Run it where a predicate is
 * accepted for sending (save/delete conditions, selective sync) so the user hears at once.
 */
export function checkSendable(p: Predicate, model: ModelDef): void {
  if ('and' in p) p.and.forEach((c) => checkSendable(c, model));
  else if ('or' in p) p.or.forEach((c) => checkSendable(c, model));
  else if ('not' in p) checkSendable(p.not, model);
  else {
    const field = filterFieldsOf(model).filterable.get(p.field);
    const problem = field === undefined ? undefined : wireProblem(field, p.op);
    if (problem !== undefined) {
      const where = `${model.name}.${p.field}`;
      throw new ValidationError(`${where} ${p.op} cannot be sent in an AppSync filter: ${problem} (evaluate it locally instead)`, where);
    }
  }
}

function leaf(c: Comparison): GraphqlFilterInput {
  if (c.op === 'in') {
    const values = c.value as readonly unknown[];
    return { or: values.map((v) => ({ [c.field]: { eq: v } })) };
  }
  return { [c.field]: { [c.op]: c.value } };
}

function isList(f: GraphqlFilterInput): boolean {
  return 'and' in f || 'or' in f;
}

// undefined = everything under this node was omitted (condition inputs drop key fields).
function convert(p: Predicate, omit: ReadonlySet<string>, root: boolean): GraphqlFilterInput | undefined {
  if ('field' in p) {
    if (omit.has(p.field)) return undefined;
    return root && p.op !== 'in' ? { and: [leaf(p)] } : leaf(p);
  }
  if ('not' in p) {
    const child = convert(p.not, omit, false);
    return child === undefined ? undefined : { not: child };
  }
  const type = 'and' in p ? 'and' : 'or';
  const members = 'and' in p ? p.and : p.or;
  const children = members.map((m) => convert(m, omit, false)).filter((c): c is GraphqlFilterInput => c !== undefined);
  if (members.length > 0 && children.length === 0) return undefined;
  // A one-member group means its member; at the root only when the member is itself a group,
  // so a lone leaf still arrives as `{ and: [leaf] }` as DataStore sends it.
  if (children.length === 1 && (!root || isList(children[0]))) return children[0];
  return type === 'and' ? { and: children } : { or: children };
}

/**
 * The AppSync filter input (`Model<T>FilterInput`, also subscription filters) for `predicate`.
 * With `model`, first checks that AppSync's generated inputs can carry every comparison
 * (ValidationError naming the field and operator otherwise).
 */
export function toGraphqlFilter(predicate: Predicate, model?: ModelDef): GraphqlFilterInput {
  if (model !== undefined) checkSendable(predicate, model);
  return convert(predicate, new Set(), true) ?? { and: [] };
}

/**
 * The `condition` argument (`Model<T>ConditionInput`) for a save/delete of `model`: as the filter,
 * but without comparisons on primary-key fields, which the condition input does not have
 * (PROTOCOL.md §4.13; DataStore drops them the same way). Under `or`/`not` that widens the
 * condition, as it does in DataStore: the record's key is fixed by the mutation anyway, so put key
 * tests in the mutation, not the condition. Null when nothing is left to send. Never throws for a
 * validated predicate (outbox entries must always be sendable); see checkSendable.
 */
export function toConditionInput(predicate: Predicate, model: ModelDef): GraphqlFilterInput | null {
  return convert(predicate, new Set(model.primaryKey), true) ?? null;
}
