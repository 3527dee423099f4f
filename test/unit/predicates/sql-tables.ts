// Real SQL tables for the predicate tests: one per model, columns from the shared column codec,
// in SQLite (in-memory better-sqlite3) and, when it answers, a throw-away PostgreSQL database.
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { columnTypeFor, encodeColumnValue, type SqlDialect } from '../../../common/predicates/column-codec.js';
import { columnFields } from '../../../common/predicates/column-fields.js';
import { predicateToSql } from '../../../common/predicates/to-sql.js';
import type { Predicate } from '../../../common/predicates/types.js';
import type { ModelDef, ModelRecord } from '../../../common/schema/types.js';

/** Tables are created at run time from the schema: any table name, any column. */
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

export interface SqlTarget {
  readonly dialect: SqlDialect;
  readonly db: AnyDb;
  close(): Promise<void>;
}

/** An in-memory SQLite database behind Kysely. */
export function openSqlite(): SqlTarget {
  const db: AnyDb = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  return { dialect: 'sqlite', db, close: () => db.destroy() };
}

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

/** A fresh PostgreSQL database `outpost_test_<random>` (dropped on close), or why there is none. */
export async function openPostgres(): Promise<SqlTarget | { skip: string }> {
  const name = `outpost_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ ...PG, database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    // A linguistic (ICU en-US) default collation, as production databases often have, so the tests
    // prove to-sql.ts gets code point order from COLLATE "C" rather than from the database default.
    await admin
      .query(`CREATE DATABASE ${name} ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0`)
      .catch(() => admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`));
  } catch (err) {
    await admin.end().catch(() => undefined);
    return { skip: `PostgreSQL at ${PG.host}:${PG.port} unavailable: ${(err as Error).message}` };
  }
  await admin.end();
  const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...PG, database: name, max: 2 }) }) });
  return {
    dialect: 'postgres',
    db,
    async close() {
      await db.destroy();
      const dropper = new pg.Client({ ...PG, database: 'postgres' });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Create the model's table with one column per stored field. */
export async function createTable(target: SqlTarget, model: ModelDef): Promise<void> {
  let builder = target.db.schema.createTable(model.name);
  for (const field of columnFields(model)) {
    builder = builder.addColumn(field.name, sql.raw(columnTypeFor(field, target.dialect)));
  }
  await builder.execute();
}

/** Replace the table's rows with `records`, encoded by the shared codec. */
export async function replaceRows(target: SqlTarget, model: ModelDef, records: readonly ModelRecord[]): Promise<void> {
  await target.db.deleteFrom(model.name).execute();
  if (records.length === 0) return;
  const fields = columnFields(model);
  const rows = records.map((r) => Object.fromEntries(fields.map((f) => [f.name, encodeColumnValue(f, r[f.name], target.dialect)])));
  await target.db.insertInto(model.name).values(rows).execute();
}

/** The `keyField` values of the rows matching `predicate`, sorted. */
export async function selectKeys(target: SqlTarget, model: ModelDef, predicate: Predicate, keyField: string): Promise<string[]> {
  const rows = await target.db
    .selectFrom(model.name)
    .select(keyField)
    .where(predicateToSql(predicate, { model, dialect: target.dialect, table: model.name }))
    .execute();
  return rows.map((r: Record<string, unknown>) => String(r[keyField])).sort();
}
