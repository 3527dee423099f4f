// Compiles a predicate into a Kysely boolean expression for SQLite or PostgreSQL over the storage
// layout of column-codec.ts, with the semantics documented in types.ts. Values are always bound
// parameters; identifiers come only from the model's fields (checked here) and are quoted by Kysely.
//
// Every leaf yields TRUE or FALSE, never NULL, so NOT and OR behave like the in-memory evaluator
// (SQL's three-valued logic would make `NOT (score < 0)` drop rows whose score is NULL).
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { ValidationError } from '../errors.js';
import type { ModelDef } from '../schema/types.js';
import { encodeBoolean, sqlFlavour, type SqlDialect, type SqlFlavour } from './column-codec.js';
import { filterFieldsOf, type FilterableField } from './filterable-fields.js';
import type { Comparison, Predicate } from './types.js';
import { checkPredicate } from './validate-predicate.js';
import { FOLD_SQL_FUNCTION, foldText } from './text-fold.js';

export interface SqlPredicateOptions {
  /** The model the predicate filters; field names are checked against it. */
  readonly model: ModelDef;
  /** The database's SQL flavour (or its name). */
  readonly dialect: SqlFlavour | SqlDialect;
  /** Qualify columns with this table name or alias (default: unqualified). */
  readonly table?: string;
  /**
   * Text comparisons ignore case and accents: both sides folded by text-fold.ts (SQLite only, where
   * the local store registers `outpost_fold`; never sent to a server). Default false.
   */
  readonly ignoreCase?: boolean;
}

type Bool = RawBuilder<SqlBool>;

const TRUE: Bool = sql<SqlBool>`(1 = 1)`;
const FALSE: Bool = sql<SqlBool>`(1 = 0)`;

interface Context {
  readonly flavour: SqlFlavour;
  readonly table?: string;
  readonly fields: ReadonlyMap<string, FilterableField>;
  readonly ignoreCase: boolean;
}

function param(ctx: Context, value: unknown): RawBuilder<unknown> {
  // better-sqlite3 cannot bind booleans; SQLite stores them as 0/1 (column-codec.ts).
  if (typeof value === 'boolean') return sql.val(encodeBoolean(value, ctx.flavour));
  return sql.val(value);
}

// A column as an ordered string: PostgreSQL's default collation is linguistic; "C" is code point.
function ordered(ctx: Context, column: RawBuilder<unknown>, field: FilterableField): RawBuilder<unknown> {
  const collation = ctx.flavour.collation;
  return collation !== null && field.kind === 'string' ? sql`${column} COLLATE ${sql.id(collation)}` : column;
}

function membership(ctx: Context, column: RawBuilder<unknown>, element: unknown): Bool {
  if (ctx.flavour.listMembership === 'jsonb-containment') {
    // jsonb containment of a one-element array = "some element equals", numerically for numbers.
    return sql<SqlBool>`(${column} IS NOT NULL AND CAST(${column} AS jsonb) @> CAST(${JSON.stringify([element])} AS jsonb))`;
  }
  const alias = sql.id('_outpost_element');
  return sql<SqlBool>`(${column} IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(${column}) AS ${alias} WHERE ${alias}.value = ${param(ctx, element)}))`;
}

function substring(ctx: Context, column: RawBuilder<unknown>, part: unknown): Bool {
  // instr/strpos are case-sensitive and give %, _ and \ no meaning (LIKE would do both wrong).
  return ctx.flavour.substringFunction === 'strpos'
    ? sql<SqlBool>`(${column} IS NOT NULL AND strpos(${column}, ${part}) > 0)`
    : sql<SqlBool>`(${column} IS NOT NULL AND instr(${column}, ${part}) > 0)`;
}

// The least string above every string that starts with `prefix` (code point order): the prefix with
// its last code point raised by one; undefined when every code point is already U+10FFFF.
function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

function comparison(ctx: Context, c: Comparison): Bool {
  const field = ctx.fields.get(c.field);
  // checkPredicate already rejected unknown fields; this keeps the compiler honest on its own.
  if (!field) throw new ValidationError(`${c.field} is not a filterable field`, c.field);
  const stored = ctx.table === undefined ? sql.id(field.name) : sql.id(ctx.table, field.name);
  const folding = ctx.ignoreCase && (field.kind === 'string' || field.kind === 'enum');
  if (folding && field.isList) return foldedListComparison(ctx, stored, c);
  // Folded, the column is an expression: `stored` still answers IS NULL, which folding keeps.
  const column = folding ? sql`${sql.raw(FOLD_SQL_FUNCTION)}(${stored})` : stored;
  const value = folding ? foldValue(c.value) : c.value;
  switch (c.op) {
    case 'eq':
      return value === null ? sql<SqlBool>`${stored} IS NULL` : sql<SqlBool>`(${column} IS NOT NULL AND ${column} = ${param(ctx, value)})`;
    case 'ne':
      return value === null ? sql<SqlBool>`${stored} IS NOT NULL` : sql<SqlBool>`(${column} IS NULL OR ${column} <> ${param(ctx, value)})`;
    case 'lt':
      return sql<SqlBool>`(${column} IS NOT NULL AND ${ordered(ctx, column, field)} < ${param(ctx, value)})`;
    case 'le':
      return sql<SqlBool>`(${column} IS NOT NULL AND ${ordered(ctx, column, field)} <= ${param(ctx, value)})`;
    case 'gt':
      return sql<SqlBool>`(${column} IS NOT NULL AND ${ordered(ctx, column, field)} > ${param(ctx, value)})`;
    case 'ge':
      return sql<SqlBool>`(${column} IS NOT NULL AND ${ordered(ctx, column, field)} >= ${param(ctx, value)})`;
    case 'between': {
      const [low, high] = value as readonly unknown[];
      const col = ordered(ctx, column, field);
      return sql<SqlBool>`(${column} IS NOT NULL AND ${col} >= ${param(ctx, low)} AND ${col} <= ${param(ctx, high)})`;
    }
    case 'beginsWith':
      if (folding) return sql<SqlBool>`(${column} IS NOT NULL AND instr(${column}, ${value}) = 1)`;
      if (ctx.flavour.prefixMatch === 'starts-with') return sql<SqlBool>`(${column} IS NOT NULL AND starts_with(${column}, ${value}))`;
      {
        // The range lets SQLite scan only the prefix's slice of an index on the column; instr decides.
        const upper = prefixUpperBound(value as string);
        const below = upper === undefined ? sql`` : sql` AND ${column} < ${upper}`;
        return sql<SqlBool>`(${column} IS NOT NULL AND ${column} >= ${value}${below} AND instr(${column}, ${value}) = 1)`;
      }
    case 'contains':
      return field.isList ? membership(ctx, column, value) : substring(ctx, column, value);
    case 'notContains':
      return sql<SqlBool>`NOT ${field.isList ? membership(ctx, column, value) : substring(ctx, column, value)}`;
    case 'attributeExists':
      return value === true ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`${column} IS NULL`;
    case 'in': {
      const values = value as readonly unknown[];
      const present = values.filter((v) => v !== null);
      const parts: Bool[] = [];
      if (present.length < values.length) parts.push(sql<SqlBool>`${column} IS NULL`);
      if (present.length > 0) {
        const list = sql.join(present.map((v) => param(ctx, v)));
        parts.push(sql<SqlBool>`(${column} IS NOT NULL AND ${column} IN (${list}))`);
      }
      return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
    }
  }
}

/** A predicate value with its strings folded (an `in` list, a `between` pair element-wise). */
function foldValue(value: unknown): unknown {
  if (typeof value === 'string') return foldText(value);
  return Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? foldText(v) : v)) : value;
}

/** A comparison on a list of strings or enum members with `ignoreCase`: membership compares folded elements. */
function foldedListComparison(ctx: Context, column: RawBuilder<unknown>, c: Comparison): Bool {
  const alias = sql.id('_outpost_element');
  const has = (element: unknown) =>
    sql<SqlBool>`(${column} IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(${column}) AS ${alias} WHERE ${sql.raw(FOLD_SQL_FUNCTION)}(${alias}.value) = ${param(ctx, foldValue(element))}))`;
  switch (c.op) {
    case 'contains':
      return has(c.value);
    case 'notContains':
      return sql<SqlBool>`NOT ${has(c.value)}`;
    case 'eq':
      return c.value === null ? sql<SqlBool>`${column} IS NULL` : FALSE;
    case 'ne':
      return c.value === null ? sql<SqlBool>`${column} IS NOT NULL` : TRUE;
    case 'attributeExists':
      return c.value === true ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`${column} IS NULL`;
    default:
      throw new ValidationError(`${c.field}: ${c.op} does not apply to a list`, c.field);
  }
}

function compile(ctx: Context, p: Predicate): Bool {
  if ('and' in p) {
    if (p.and.length === 0) return TRUE;
    return p.and.length === 1
      ? compile(ctx, p.and[0])
      : sql<SqlBool>`(${sql.join(
          p.and.map((c) => compile(ctx, c)),
          sql` AND `,
        )})`;
  }
  if ('or' in p) {
    if (p.or.length === 0) return FALSE;
    return p.or.length === 1
      ? compile(ctx, p.or[0])
      : sql<SqlBool>`(${sql.join(
          p.or.map((c) => compile(ctx, c)),
          sql` OR `,
        )})`;
  }
  if ('not' in p) return sql<SqlBool>`NOT (${compile(ctx, p.not)})`;
  return comparison(ctx, p);
}

/**
 * A WHERE expression for `predicate` over `options.model`'s table in `options.dialect`'s SQL. The tree is
 * checked against the model first (ValidationError on unknown fields, bad operators or values);
 * enum membership is only checked by validatePredicate, which callers with a schema run first.
 */
export function predicateToSql(predicate: Predicate, options: SqlPredicateOptions): Expression<SqlBool> {
  const checked = checkPredicate(options.model, predicate);
  const flavour = sqlFlavour(options.dialect);
  const ignoreCase = options.ignoreCase === true;
  if (ignoreCase && flavour.name !== 'sqlite') {
    throw new ValidationError(`ignoreCase is for the local SQLite store only, not ${flavour.name}`);
  }
  const ctx: Context = {
    flavour,
    ...(options.table === undefined ? {} : { table: options.table }),
    fields: filterFieldsOf(options.model).filterable,
    ignoreCase,
  };
  return compile(ctx, checked);
}
