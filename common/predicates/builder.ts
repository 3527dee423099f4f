// A fluent, typed way to write predicate trees: `where.title.beginsWith('x')`,
// `where.and(where.score.gt(3), where.not(where.status.eq('DRAFT')))`. The builder only shapes
// JSON; validatePredicate checks the result against the schema.
import type { And, Comparison, Not, Operator, Or, Predicate } from './types.js';

/** Operators every field type has. */
interface NullTestOps {
  /** `value` null tests for null/missing. */
  eq(value: null): Comparison;
  ne(value: null): Comparison;
}
interface ExistsOps {
  /** true: the field is set (not null); false: null or missing. */
  attributeExists(exists: boolean): Comparison;
}
interface EqualityOps<V> extends ExistsOps {
  eq(value: V | null): Comparison;
  ne(value: V | null): Comparison;
  /** Sugar for an `or` of `eq`; null in the list matches null/missing. */
  in(values: readonly (V | null)[]): Comparison;
}
interface OrderOps<V> extends EqualityOps<V> {
  lt(value: V): Comparison;
  le(value: V): Comparison;
  gt(value: V): Comparison;
  ge(value: V): Comparison;
  /** Inclusive on both ends; low must not exceed high. */
  between(low: V, high: V): Comparison;
}
/** Operators on String, ID and the AWS string scalars. */
export interface StringFieldOps extends OrderOps<string> {
  /** Case-sensitive prefix test; `%`, `_` and `\` are literal. */
  beginsWith(prefix: string): Comparison;
  /** Case-sensitive substring test. */
  contains(part: string): Comparison;
  notContains(part: string): Comparison;
}
/** Operators on Int, Float and AWSTimestamp. */
export type NumberFieldOps = OrderOps<number>;
/** Operators on Boolean. */
export type BooleanFieldOps = EqualityOps<boolean>;
/** Operators on an enum (AppSync offers only eq and ne). */
export interface EnumFieldOps<E extends string> {
  eq(value: E | null): Comparison;
  ne(value: E | null): Comparison;
  in(values: readonly (E | null)[]): Comparison;
}
/** Operators on a list: element membership and null tests. */
export interface ListFieldOps<E> extends NullTestOps, ExistsOps {
  /** True when some element equals `element`. */
  contains(element: E): Comparison;
  notContains(element: E): Comparison;
}
/** Every operator, for fields whose type is not known statically. */
export interface AnyFieldOps {
  eq(value: unknown): Comparison;
  ne(value: unknown): Comparison;
  lt(value: unknown): Comparison;
  le(value: unknown): Comparison;
  gt(value: unknown): Comparison;
  ge(value: unknown): Comparison;
  between(low: unknown, high: unknown): Comparison;
  beginsWith(prefix: string): Comparison;
  contains(value: unknown): Comparison;
  notContains(value: unknown): Comparison;
  attributeExists(exists: boolean): Comparison;
  in(values: readonly unknown[]): Comparison;
}

type NonNull<T> = Exclude<T, null | undefined>;

/** The operators that fit a field whose TypeScript value type is V (never for objects). */
export type FieldOps<V> = unknown extends V
  ? AnyFieldOps
  : [NonNull<V>] extends [readonly (infer E)[]]
    ? ListFieldOps<NonNull<E>>
    : [NonNull<V>] extends [string]
      ? string extends NonNull<V>
        ? StringFieldOps
        : EnumFieldOps<NonNull<V> & string>
      : [NonNull<V>] extends [number]
        ? NumberFieldOps
        : [NonNull<V>] extends [boolean]
          ? BooleanFieldOps
          : never;

/** Sync metadata every model can be filtered on. */
export interface MetadataFields {
  _version: number;
  _lastChangedAt: number;
  _deleted: boolean | null;
}

export interface Combinators {
  /** All of the predicates; `and()` with none matches everything. */
  and(...predicates: readonly Predicate[]): And;
  /** Any of the predicates; `or()` with none matches nothing. */
  or(...predicates: readonly Predicate[]): Or;
  not(predicate: Predicate): Not;
}

/** A builder for a model whose record type is F: one property per filterable field. */
export type PredicateBuilder<F> = {
  readonly [K in keyof (F & MetadataFields) & string as FieldOps<(F & MetadataFields)[K]> extends never ? never : K]: FieldOps<(F & MetadataFields)[K]>;
} & Combinators;

function leaf(field: string, op: Operator, value: unknown): Comparison {
  return Object.freeze({ field, op, value: Array.isArray(value) ? Object.freeze([...value]) : value });
}

function fieldOps(field: string): AnyFieldOps {
  return Object.freeze({
    eq: (value: unknown) => leaf(field, 'eq', value),
    ne: (value: unknown) => leaf(field, 'ne', value),
    lt: (value: unknown) => leaf(field, 'lt', value),
    le: (value: unknown) => leaf(field, 'le', value),
    gt: (value: unknown) => leaf(field, 'gt', value),
    ge: (value: unknown) => leaf(field, 'ge', value),
    between: (low: unknown, high: unknown) => leaf(field, 'between', [low, high]),
    beginsWith: (prefix: string) => leaf(field, 'beginsWith', prefix),
    contains: (value: unknown) => leaf(field, 'contains', value),
    notContains: (value: unknown) => leaf(field, 'notContains', value),
    attributeExists: (exists: boolean) => leaf(field, 'attributeExists', exists),
    in: (values: readonly unknown[]) => leaf(field, 'in', values),
  });
}

const combinators: Combinators = Object.freeze({
  and: (...predicates: readonly Predicate[]): And => Object.freeze({ and: Object.freeze([...predicates]) }),
  or: (...predicates: readonly Predicate[]): Or => Object.freeze({ or: Object.freeze([...predicates]) }),
  not: (predicate: Predicate): Not => Object.freeze({ not: predicate }),
});

/**
 * A predicate builder typed by a model's record type F (e.g. the generated `Inspection`):
 * `predicateFor<Inspection>().title.beginsWith('x')`. Any property name other than
 * and/or/not yields that field's operators at run time.
 */
export function predicateFor<F = Record<string, unknown>>(): PredicateBuilder<F> {
  const fields = new Map<string, AnyFieldOps>();
  return new Proxy(combinators, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop === 'and' || prop === 'or' || prop === 'not') return target[prop];
      let ops = fields.get(prop);
      if (!ops) {
        ops = fieldOps(prop);
        fields.set(prop, ops);
      }
      return ops;
    },
  }) as unknown as PredicateBuilder<F>;
}

/** An untyped builder for any model: every property is a field with every operator. */
export const where: PredicateBuilder<Record<string, unknown>> = predicateFor();
