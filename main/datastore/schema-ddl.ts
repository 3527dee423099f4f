// CREATE statements for model tables and their indexes, built with Kysely from the parsed schema.
// Only primary-key columns are NOT NULL: values are validated in JS before any write, and rows
// merged from the server may legitimately lack fields a local create requires.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { IndexDef } from '../../common/schema/types.js';
import { columnTypeFor } from '../../common/predicates/column-codec.js';
import type { DynamicDatabase } from './sqlite-connection.js';
import { LOCAL_CHANGED_AT_COLUMN, type ModelTable } from './model-table.js';

/** SQLite name of the index built for `@index(name: …)` on a model. */
export function indexNameFor(model: string, index: IndexDef): string {
  return `${model}__${index.name}`;
}

/** The CREATE TABLE statement for a model table (idempotent). */
export function createTableQuery(kysely: Kysely<DynamicDatabase>, table: ModelTable): CompiledQuery {
  let builder = kysely.schema.createTable(table.name).ifNotExists();
  for (const field of table.fields) {
    const isKey = table.primaryKey.includes(field.name);
    builder = builder.addColumn(field.name, sql.raw(columnTypeFor(field)), (col) => (isKey ? col.notNull() : col));
  }
  builder = builder.addColumn(LOCAL_CHANGED_AT_COLUMN, 'integer');
  builder = builder.addPrimaryKeyConstraint(`${table.name}__pk`, [...table.primaryKey] as never);
  return builder.compile();
}

/** The ADD COLUMN statement giving a table of an older file its `LOCAL_CHANGED_AT_COLUMN`. */
export function addLocalChangedAtQuery(kysely: Kysely<DynamicDatabase>, table: ModelTable): CompiledQuery {
  return kysely.schema.alterTable(table.name).addColumn(LOCAL_CHANGED_AT_COLUMN, 'integer').compile();
}

/**
 * The index that serves "newest first" (`recencySql` descending, then the key ascending, as the
 * datastore orders ties), so the first page of 100,000 records is read from the index, not sorted;
 * its name and its CREATE statement.
 */
export function recencyIndexSql(table: ModelTable): { readonly name: string; readonly sql: string } {
  const keys = table.primaryKey.map((k) => `"${k}"`).join(', ');
  const name = `_outpost_recency_${table.name}`;
  // Written as SQLite stores it (no IF NOT EXISTS), so migrate.ts can tell an index built for another expression.
  return { name, sql: `CREATE INDEX "${name}" ON "${table.name}" (${table.recencySql} DESC, ${keys})` };
}

/** The ADD COLUMN statement for a field added to an existing model. */
export function addColumnQuery(kysely: Kysely<DynamicDatabase>, table: ModelTable, fieldName: string): CompiledQuery {
  const field = table.field(fieldName);
  if (field === undefined) throw new Error(`${table.name} has no stored field ${fieldName}`);
  return kysely.schema
    .alterTable(table.name)
    .addColumn(field.name, sql.raw(columnTypeFor(field)))
    .compile();
}

/** One index the datastore keeps: its SQLite name and its CREATE statement as SQLite stores it. */
export interface IndexSql {
  readonly name: string;
  readonly sql: string;
}

/** SQLite name of the companion of `@index(name: …)` that serves its sort key descending. */
export function descendingIndexNameFor(model: string, index: IndexDef): string {
  return `${indexNameFor(model, index)}__desc`;
}

/**
 * The indexes built for every `@index` of the model. Each ends with the primary key, the datastore's
 * tiebreak (record-query.ts orders ties by key ascending), so a query on the index's leading fields
 * sorted by its sort key reads its page straight from the index instead of sorting ties in a temp
 * B-tree. An index with a sort key (two fields or more) also gets a companion with that key
 * descending and the primary key still ascending: scanning the first backwards would give key
 * descending, ties descending too, which is not the datastore's order. Written as SQLite stores
 * them (no IF NOT EXISTS), so migrate.ts can tell an index built by an older version and rebuild it.
 */
export function indexSqlFor(table: ModelTable): IndexSql[] {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const out: IndexSql[] = [];
  for (const index of table.model.indexes) {
    if (!index.fields.every((f) => table.field(f) !== undefined)) continue;
    const keys = table.primaryKey.filter((k) => !index.fields.includes(k)).map(quote);
    const fields = index.fields.map(quote);
    const name = indexNameFor(table.name, index);
    out.push({ name, sql: `CREATE INDEX ${quote(name)} ON ${quote(table.name)} (${[...fields, ...keys].join(', ')})` });
    if (index.fields.length >= 2) {
      const desc = descendingIndexNameFor(table.name, index);
      const columns = [...fields.slice(0, -1), `${fields[fields.length - 1]!} DESC`, ...keys];
      out.push({ name: desc, sql: `CREATE INDEX ${quote(desc)} ON ${quote(table.name)} (${columns.join(', ')})` });
    }
  }
  return out;
}

/** DROP INDEX for an index that is no longer declared. */
export function dropIndexQuery(kysely: Kysely<DynamicDatabase>, name: string): CompiledQuery {
  return kysely.schema.dropIndex(name).ifExists().compile();
}

/** DROP TABLE for a model table being re-created. */
export function dropTableQuery(kysely: Kysely<DynamicDatabase>, name: string): CompiledQuery {
  return kysely.schema.dropTable(name).ifExists().compile();
}
