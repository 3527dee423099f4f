// How the datastore reads a model's records: `where` (folded with `ignoreCase`), the full-text
// `search` (search-index.ts), the sort (a field, or the recency key `_changedAt`), ties broken by
// primary key ascending so pages are stable, and paging — for queries and counts alike.
import { sql, type Expression, type SqlBool } from 'kysely';
import { ValidationError } from '../../common/errors.js';
import { SQLITE_FLAVOUR } from '../../common/predicates/column-codec.js';
import { CHANGED_AT_SORT_FIELD } from '../../common/predicates/recency.js';
import { predicateToSql } from '../../common/predicates/to-sql.js';
import type { Predicate } from '../../common/predicates/types.js';
import { validatePredicate } from '../../common/predicates/validate-predicate.js';
import type { ModelRecord, Schema } from '../../common/schema/types.js';
import type { ModelTable } from './model-table.js';
import { catchUpSearchIndex, searchCondition, searchMatch, searchTableName } from './search-index.js';
import type { SqliteConnection } from './sqlite-connection.js';

export interface SortField {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** How `query` and `count` read text, beside `where`. */
export interface TextOptions {
  /** Only records whose text fields hold words starting with each word given, ignoring case and accents (search-index.ts). */
  readonly search?: string;
  /** Text comparisons in `where` ignore case and accents (text-fold.ts). Default false. */
  readonly ignoreCase?: boolean;
}

export interface QueryOptions extends TextOptions {
  readonly where?: Predicate;
  /**
   * Applied in order; ties are always broken by primary key ascending, so pages are stable. The
   * field `_changedAt` (CHANGED_AT_SORT_FIELD) sorts by the last change, local or remote.
   */
  readonly sort?: readonly SortField[];
  /** 0-based page index of size `limit` (requires `limit`). */
  readonly page?: number;
  /** Most records returned; unlimited when absent. */
  readonly limit?: number;
}

/** True when `model` has a search index (it has text fields). */
export function searchable(conn: SqliteConnection, model: string): boolean {
  return conn.first({ sql: `SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?`, parameters: [searchTableName(model)] }) !== undefined;
}

/** `query` narrowed by `where` (folded when `ignoreCase`) and the search, each when given. */
function filtered<Q extends { where(expression: ReturnType<typeof predicateToSql>): Q }>(
  schema: Schema,
  table: ModelTable,
  query: Q,
  options: QueryOptions,
): Q {
  let out = query;
  if (options.where !== undefined) {
    const where = validatePredicate(schema, table.name, options.where);
    out = out.where(predicateToSql(where, { model: table.model, dialect: SQLITE_FLAVOUR, table: table.name, ignoreCase: options.ignoreCase === true }));
  }
  if (options.search !== undefined) {
    if (typeof options.search !== 'string') throw new ValidationError(`${table.name}: search must be text`, `${table.name}.search`);
    const match = searchMatch(options.search);
    if (match !== null) out = out.where(searchCondition(table.model, match));
  }
  return out;
}

/** SQL identifier quoting, as Kysely's SQLite dialect writes it. */
function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The ORDER BY clause for `sort` on `table` (ties by key ascending), validated; cached per table
 * and sort shape, since a list asks with the same few sorts again and again.
 */
const orderByCache = new WeakMap<ModelTable, Map<string, string>>();

function orderByFor(table: ModelTable, sort: readonly SortField[]): string {
  const key = JSON.stringify(sort);
  let cache = orderByCache.get(table);
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const model = table.name;
  const terms: string[] = [];
  for (const [i, entry] of sort.entries()) {
    if (entry?.field === CHANGED_AT_SORT_FIELD && (entry.direction === 'asc' || entry.direction === 'desc')) {
      // The same expression as the recency index (schema-ddl.ts), so SQLite reads the page from it.
      terms.push(`${table.recencySql} ${entry.direction}`);
      continue;
    }
    const field = typeof entry?.field === 'string' ? table.field(entry.field) : undefined;
    if (field === undefined) {
      throw new ValidationError(`${model}: sort[${i}] names no stored field of ${model}: ${JSON.stringify(entry?.field)}`, model);
    }
    if (field.isList || field.type.kind === 'embedded') {
      throw new ValidationError(`${model}.${field.name}: lists and embedded objects cannot be sorted on`, `${model}.${field.name}`);
    }
    if (entry.direction !== 'asc' && entry.direction !== 'desc') {
      throw new ValidationError(`${model}: sort[${i}].direction must be 'asc' or 'desc'`, `${model}.${field.name}`);
    }
    terms.push(`${quoteId(field.name)} ${entry.direction}`);
  }
  for (const k of table.primaryKey) {
    if (!sort.some((s) => s.field === k)) terms.push(`${quoteId(k)} asc`);
  }
  const clause = ` order by ${terms.join(', ')}`;
  if (cache === undefined) {
    cache = new Map();
    orderByCache.set(table, cache);
  }
  // Bounded: sorts come from the UI's few columns, but a caller could vary them without end.
  if (cache.size > 200) cache.clear();
  cache.set(key, clause);
  return clause;
}

/**
 * Records of `table` matching `options` (where, search), sorted (ties by key ascending) and paged.
 * Only the conditions go through Kysely (they carry the values); the rest of the statement is text
 * fixed by the query's shape, so the same shape is the same SQL and SqliteConnection's statement
 * cache hands back the prepared statement instead of building and compiling a whole SELECT per call.
 */
export function selectRecords(conn: SqliteConnection, schema: Schema, table: ModelTable, options: QueryOptions): ModelRecord[] {
  const model = table.name;
  const sort = options.sort ?? [];
  if (!Array.isArray(sort)) throw new ValidationError(`${model}: sort must be a list of { field, direction }`, model);
  if (options.page !== undefined && options.limit === undefined) {
    throw new ValidationError(`${model}: page needs a limit (the page size)`, model);
  }
  if (options.search !== undefined) catchUpSearchIndex(conn, table.model);
  const conditions = filtered(schema, table, new Conditions(), options);
  let text = `select ${table.selectListSql} from ${quoteId(table.name)}`;
  const parameters: unknown[] = [];
  if (conditions.list.length > 0) {
    const parts: string[] = [];
    for (const condition of conditions.list) {
      const compiled = sql<SqlBool>`${condition}`.compile(conn.kysely);
      parts.push(compiled.sql);
      parameters.push(...compiled.parameters);
    }
    text += ` where ${parts.join(' and ')}`;
  }
  text += orderByFor(table, sort);
  if (options.limit !== undefined) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
      throw new ValidationError(`${model}: limit must be a positive integer, got ${JSON.stringify(options.limit)}`, model);
    }
    const page = options.page ?? 0;
    if (!Number.isSafeInteger(page) || page < 0) {
      throw new ValidationError(`${model}: page must be a non-negative integer, got ${JSON.stringify(options.page)}`, model);
    }
    text += ` limit ? offset ?`;
    parameters.push(options.limit, page * options.limit);
  }
  const { rows } = conn.allValues({ sql: text, parameters });
  const read = table.decodeValues(table.columns);
  const records: ModelRecord[] = new Array<ModelRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) records[i] = read(rows[i]!);
  return records;
}

/** The conditions `filtered` adds, collected rather than put in a Kysely query (selectRecords). */
class Conditions {
  readonly list: Expression<SqlBool>[] = [];
  where(expression: Expression<SqlBool>): Conditions {
    this.list.push(expression);
    return this;
  }
}

/** How many records of `table` match `options` (where, search). */
export function countRecords(conn: SqliteConnection, schema: Schema, table: ModelTable, options: TextOptions & { readonly where?: Predicate }): number {
  if (options.search !== undefined) catchUpSearchIndex(conn, table.model);
  const query = filtered(
    schema,
    table,
    conn.kysely.selectFrom(table.name).select((eb) => eb.fn.countAll().as('n')),
    options,
  );
  const row = conn.all(query.compile())[0];
  return Number(row?.n ?? 0);
}
