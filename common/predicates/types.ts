// The predicate tree: plain JSON, safe to send over IPC, store with an outbox entry, and translate
// into SQL, AppSync filter/condition input, or evaluate in memory (DESIGN.md "Predicates").

/** Comparison operators; `in` is sugar for an `or` of `eq`. */
export const OPERATORS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'between',
  'beginsWith',
  'contains',
  'notContains',
  'attributeExists',
  'in',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** A leaf: `field op value` (`between` takes `[low, high]`, `in` an array, `attributeExists` a boolean). */
export interface Comparison {
  readonly field: string;
  readonly op: Operator;
  readonly value?: unknown;
}
export interface And {
  readonly and: readonly Predicate[];
}
export interface Or {
  readonly or: readonly Predicate[];
}
export interface Not {
  readonly not: Predicate;
}
export type Predicate = Comparison | And | Or | Not;
