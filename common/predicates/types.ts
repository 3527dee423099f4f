// The predicate tree: plain JSON, safe to send over IPC, store with an outbox entry, and translate
// into SQL, AppSync filter/condition input, or evaluate in memory (DESIGN.md "Predicates").

/** Comparison operators; `in` is sugar for an `or` of `eq`. */
export const OPERATORS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'beginsWith', 'contains', 'notContains', 'attributeExists', 'in'] as const;
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

// ---------------------------------------------------------------------------------------------
// Semantics shared by every evaluator (evaluate.ts in memory, to-sql.ts for SQLite/PostgreSQL,
// to-graphql.ts/from-graphql.ts for AppSync filter and condition inputs). They follow DynamoDB,
// which is what AppSync translates filters into, so a predicate means the same thing locally, on
// our server and on AWS. The property test test/unit/predicates/sql-vs-memory.test.ts holds all
// evaluators to these rules.
//
// - Missing and null are the same thing: AppSync removes an attribute set to null, and SQL has
//   one NULL. `eq null` is true for null/missing, `ne null` for anything else;
//   `attributeExists: true` means "not null", `false` means "null or missing".
// - Every comparison is two-valued (true/false, never SQL's unknown): `lt le gt ge between
//   beginsWith contains` on null/missing are false; `ne x` (x not null) is the negation of `eq x`,
//   so true on null; `notContains v` is the negation of `contains v`, so true on null (DynamoDB
//   `NOT contains(a, v)`); `not p` is the plain negation of p.
// - `_deleted` is null on live records and `eq false` does not match null (as in DynamoDB); use
//   `ne true` for "not deleted".
// - Strings compare by Unicode code point (= UTF-8 byte order, DynamoDB's order). JavaScript's `<`
//   compares UTF-16 code units, which puts astral characters (emoji) below U+E000–U+FFFF; we do
//   not use it. SQLite's BINARY collation is code point order; PostgreSQL uses `COLLATE "C"`.
// - `beginsWith` and `contains` are case-sensitive and treat `%`, `_` and `\` literally (no LIKE).
// - `contains` on a list field is membership of an element equal to the value; on a string field
//   it is substring. An empty string is a prefix and a substring of every non-null string.
// - `between [low, high]` is inclusive on both ends; validation rejects low > high (DynamoDB
//   rejects it too).
// - Numbers compare numerically (Int, Float, AWSTimestamp, `_version`, `_lastChangedAt`).
//   Booleans compare only by eq/ne (stored as 0/1 in SQLite). Enums are compared as their member
//   names (eq/ne/in only).
// - AWSDate, AWSTime, AWSDateTime and the other AWS string scalars compare as strings, as AppSync
//   does: ISO-8601 values with the same format and offset order chronologically, others do not.
// - `in [a, b]` means `eq a OR eq b`; an empty `in` matches nothing.
// - `and: []` matches everything, `or: []` matches nothing (the identities of AND and OR).
// - Values of the wrong type never match (validation rejects them before evaluation).
// ---------------------------------------------------------------------------------------------

/** A field's operator object in an AppSync filter/condition input, e.g. `{ beginsWith: "x" }`. */
export type GraphqlFieldFilter = { readonly [operator: string]: unknown };

/**
 * An AppSync `Model<T>FilterInput` / `Model<T>ConditionInput` value: field keys map to operator
 * objects; `and`/`or` hold arrays and `not` one nested input; sibling keys are ANDed.
 */
export interface GraphqlFilterInput {
  readonly and?: readonly GraphqlFilterInput[];
  readonly or?: readonly GraphqlFilterInput[];
  readonly not?: GraphqlFilterInput;
  readonly [field: string]: GraphqlFieldFilter | readonly GraphqlFilterInput[] | GraphqlFilterInput | undefined;
}

/** Deepest nesting of and/or/not a predicate may have (validation rejects deeper trees). */
export const MAX_PREDICATE_DEPTH = 32;
