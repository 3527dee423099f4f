// Brings a database file in line with the current schema when it is opened.
//
// - First open: create every model table, its indexes and the internal tables.
// - Same schema version as last time: nothing to do (tables and indexes are ensured, idempotently).
// - Changed schema, per model (schema-change.ts decides):
//   * new model → create its table;
//   * additive change (new optional field, relaxed nullability, new enum member, new optional
//     embedded member) → ALTER TABLE ADD COLUMN; every row and outbox entry is kept as is;
//   * index added/removed → CREATE/DROP INDEX (never touches data);
//   * any other change (type change, field removed, required field added, enum member removed,
//     primary key changed) → the model is re-created from the server:
//       1. the outbox entries of that model are ALL kept (never dropped, whatever they hold); keys
//          of their `data` that are no longer fields of the model are removed, so the sync worker
//          never sends a field the server no longer has;
//       2. the local rows those entries refer to are kept when, projected onto the new fields
//          (removed fields dropped, new fields null), they pass validateRecord for the new schema;
//          a row that fails validation is not kept — its entries still are, and the server's answer
//          to them (or the next full sync) brings the row back;
//       3. every other row of the model is dropped (it is a synced copy: the server has it);
//       4. the model's sync metadata is deleted, so the next sync of that model is a full sync.
//   * a model that disappeared from the schema: its table and outbox entries are left untouched
//     (unsynced entries are never dropped); the datastore ignores them and clear() discards them.
// - Internal tables of an older file gain the outbox columns added since (`base`, `mutationId`,
//   `sent`, `pendingOverwrote`); every existing entry gets its own mutation id. The attachment queue's
//   table (`_outpost_attachments`, main/attachments/attachment-tables.ts) is created in a file
//   that has none, and gains the columns added since in one that has it.
// - Every model table gets the list's support (each open, idempotently): a `_localChangedAt` column
//   (model-table.ts), its `@index`es as schema-ddl.ts builds them now (ending with the primary key,
//   the sort's tiebreak, plus a descending companion; a file made before has them rebuilt), the
//   index serving "newest first", and its search index (search-index.ts,
//   re-created and rebuilt when the model's text fields changed or the table was re-created).
// Everything runs in one transaction: a crash mid-migration leaves the previous state intact.
import { randomUUID } from 'node:crypto';
import { findModel } from '../../common/schema/model-fields.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { validateRecord } from '../../common/schema/validate-record.js';
import { ValidationError } from '../../common/errors.js';
import { ModelTable } from './model-table.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { INTERNAL_TABLES_DDL, OUTBOX_ADDED_COLUMNS, OUTBOX_TABLE, SCHEMA_STATE_TABLE, SYNC_METADATA_TABLE } from './internal-tables.js';
import { classifyModelChange } from './schema-change.js';
import {
  addColumnQuery,
  addLocalChangedAtQuery,
  createTableQuery,
  descendingIndexNameFor,
  dropIndexQuery,
  dropTableQuery,
  indexNameFor,
  indexSqlFor,
  recencyIndexSql,
} from './schema-ddl.js';
import { ensureSearchIndex } from './search-index.js';
import { LOCAL_CHANGED_AT_COLUMN } from './model-table.js';
import { ENTRY_METADATA_KEYS } from './outbox-entry.js';
import { createAttachmentTables } from '../attachments/attachment-tables.js';

/** What opening the file did to it. */
export interface MigrationReport {
  /** Previous schema version, or null for a new file. */
  readonly fromVersion: string | null;
  readonly toVersion: string;
  readonly createdModels: readonly string[];
  readonly addedFields: readonly { readonly model: string; readonly field: string }[];
  readonly recreatedModels: readonly RecreatedModel[];
  /** Models in the file that the current schema no longer has (left untouched). */
  readonly orphanedModels: readonly string[];
}

export interface RecreatedModel {
  readonly model: string;
  readonly reason: string;
  /** Outbox entries of the model (all kept). */
  readonly keptEntries: number;
  /** Rows with outbox entries that still validate (kept). */
  readonly keptRows: number;
  /** Rows with outbox entries that no longer validate (not kept; entries kept). */
  readonly invalidRows: number;
  /** Synced rows without entries (dropped; the next full sync restores them). */
  readonly droppedSyncedRows: number;
}

/** Creates or migrates every table for `schema` in one transaction; returns what it did. */
export function migrate(conn: SqliteConnection, schema: Schema, tables: ReadonlyMap<string, ModelTable>): MigrationReport {
  return conn.transaction(() => {
    conn.exec(INTERNAL_TABLES_DDL);
    upgradeInternalTables(conn);
    createAttachmentTables(conn.db);
    const k = conn.kysely;
    const stored = conn.first(k.selectFrom(SCHEMA_STATE_TABLE).selectAll().where('id', '=', 1).compile());
    const oldSchema = stored === undefined ? null : (JSON.parse(String(stored.schema)) as Schema);
    const report = {
      fromVersion: stored === undefined ? null : String(stored.version),
      toVersion: schema.version,
      createdModels: [] as string[],
      addedFields: [] as { model: string; field: string }[],
      recreatedModels: [] as RecreatedModel[],
      orphanedModels: [] as string[],
    };

    for (const table of tables.values()) {
      const oldModel = oldSchema === null ? undefined : findModel(oldSchema, table.name);
      if (oldSchema === null || oldModel === undefined || oldSchema.version === schema.version) {
        if (oldModel === undefined) report.createdModels.push(table.name);
        createTable(conn, table);
        continue;
      }
      const change = classifyModelChange(oldSchema, oldModel, schema, table.model);
      if (change.kind === 'incompatible') {
        report.recreatedModels.push(recreate(conn, schema, oldModel, table, change.reason));
        continue;
      }
      if (change.kind === 'additive') {
        for (const field of change.addedFields) {
          conn.run(addColumnQuery(k, table, field));
          report.addedFields.push({ model: table.name, field });
        }
      }
      syncIndexes(conn, oldModel, table);
    }
    // Every table, whatever happened to it above: the list's recency column and index, and its search index.
    for (const table of tables.values()) ensureListSupport(conn, table);
    if (oldSchema !== null) {
      report.orphanedModels.push(...Object.keys(oldSchema.models).filter((name) => !tables.has(name)));
    }

    const state = { id: 1, version: schema.version, schema: JSON.stringify(schema), openedAt: Date.now() };
    conn.run(k.replaceInto(SCHEMA_STATE_TABLE).values(state).compile());
    return report;
  });
}

/** Adds the outbox columns an older file lacks and gives every entry without one a mutation id. */
function upgradeInternalTables(conn: SqliteConnection): void {
  const present = new Set(conn.all({ sql: `PRAGMA table_info("${OUTBOX_TABLE}")`, parameters: [] }).map((row) => String(row.name)));
  for (const column of OUTBOX_ADDED_COLUMNS) {
    if (!present.has(column.name)) conn.exec(`ALTER TABLE "${OUTBOX_TABLE}" ADD COLUMN "${column.name}" ${column.type}`);
  }
  const k = conn.kysely;
  // An entry in flight in an older file may have reached the server: never coalesce into it.
  if (!present.has('sent')) conn.run(k.updateTable(OUTBOX_TABLE).set({ sent: 1 }).where('inFlight', '=', 1).compile());
  const missing = conn.all(k.selectFrom(OUTBOX_TABLE).select('id').where('mutationId', 'is', null).compile());
  for (const row of missing) {
    conn.run(k.updateTable(OUTBOX_TABLE).set({ mutationId: randomUUID() }).where('id', '=', Number(row.id)).compile());
  }
}

/** The local-change column (older files lack it), the `@index`es ending with the key, the recency index and the search index of `table`. */
function ensureListSupport(conn: SqliteConnection, table: ModelTable): void {
  ensureIndexes(conn, table);
  const columns = conn.all({ sql: `PRAGMA table_info("${table.name}")`, parameters: [] }).map((row) => String(row.name));
  if (!columns.includes(LOCAL_CHANGED_AT_COLUMN)) conn.run(addLocalChangedAtQuery(conn.kysely, table));
  const recency = recencyIndexSql(table);
  const stored = conn.first({ sql: `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, parameters: [recency.name] });
  if (stored?.sql !== recency.sql) {
    conn.exec(`DROP INDEX IF EXISTS "${recency.name}"`);
    conn.exec(recency.sql);
  }
  ensureSearchIndex(conn, table.model);
}

function createTable(conn: SqliteConnection, table: ModelTable): void {
  conn.run(createTableQuery(conn.kysely, table));
  ensureIndexes(conn, table);
}

/**
 * Every index of `table`'s `@index`es as schema-ddl.ts builds it now: one missing is created, one
 * built otherwise (by an older version, without the primary key at its end, or for other fields)
 * is rebuilt, and a descending companion no longer wanted is dropped. Never touches data.
 */
function ensureIndexes(conn: SqliteConnection, table: ModelTable): void {
  const wanted = indexSqlFor(table);
  for (const index of wanted) {
    const stored = conn.first({ sql: `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, parameters: [index.name] });
    if (stored?.sql === index.sql) continue;
    if (stored !== undefined) conn.run(dropIndexQuery(conn.kysely, index.name));
    conn.exec(index.sql);
  }
  for (const declared of table.model.indexes) {
    const desc = descendingIndexNameFor(table.name, declared);
    if (!wanted.some((w) => w.name === desc)) conn.run(dropIndexQuery(conn.kysely, desc));
  }
}

function syncIndexes(conn: SqliteConnection, oldModel: ModelDef, table: ModelTable): void {
  const wanted = new Set(table.model.indexes.map((index) => indexNameFor(table.name, index)));
  for (const index of oldModel.indexes) {
    const name = indexNameFor(table.name, index);
    const now = table.model.indexes.find((i) => i.name === index.name);
    // Same name, different key columns: rebuild it.
    if (!wanted.has(name) || (now !== undefined && now.fields.join(',') !== index.fields.join(','))) {
      conn.run(dropIndexQuery(conn.kysely, name));
      conn.run(dropIndexQuery(conn.kysely, descendingIndexNameFor(table.name, index)));
    }
  }
  ensureIndexes(conn, table);
}

function recreate(conn: SqliteConnection, schema: Schema, oldModel: ModelDef, table: ModelTable, reason: string): RecreatedModel {
  const k = conn.kysely;
  const oldTable = new ModelTable(oldModel, k);
  const entries = conn.all(k.selectFrom(OUTBOX_TABLE).select(['id', 'modelId', 'data']).where('model', '=', table.name).compile());
  const pendingIds = new Set(entries.map((e) => String(e.modelId)));

  const kept: ModelRecord[] = [];
  let invalidRows = 0;
  let droppedSyncedRows = 0;
  for (const row of conn.all(k.selectFrom(table.name).selectAll().compile())) {
    const record = oldTable.decodeRow(row);
    if (!pendingIds.has(oldTable.modelId(record))) {
      droppedSyncedRows++;
      continue;
    }
    const projected: ModelRecord = {};
    for (const field of table.fields) projected[field.name] = record[field.name] ?? null;
    if (stillValid(schema, table, projected)) kept.push(projected);
    else invalidRows++;
  }

  conn.run(dropTableQuery(k, table.name));
  createTable(conn, table);
  for (const record of kept) conn.run({ sql: table.upsertSql, parameters: table.encodeRow(record) });

  const known = new Set<string>([...table.columns, ...ENTRY_METADATA_KEYS]);
  for (const entry of entries) {
    const data = JSON.parse(String(entry.data)) as ModelRecord;
    const stripped = Object.fromEntries(Object.entries(data).filter(([key]) => known.has(key)));
    if (Object.keys(stripped).length !== Object.keys(data).length) {
      conn.run(
        k
          .updateTable(OUTBOX_TABLE)
          .set({ data: JSON.stringify(stripped) })
          .where('id', '=', entry.id)
          .compile(),
      );
    }
  }
  conn.run(k.deleteFrom(SYNC_METADATA_TABLE).where('model', '=', table.name).compile());
  return {
    model: table.name,
    reason,
    keptEntries: entries.length,
    keptRows: kept.length,
    invalidRows,
    droppedSyncedRows,
  };
}

function stillValid(schema: Schema, table: ModelTable, record: ModelRecord): boolean {
  // Server-owned fields (metadata, timestamps) are not the client's to validate.
  const userFields = Object.fromEntries(Object.entries(record).filter(([name]) => !(table.field(name)?.isReadOnly ?? false)));
  try {
    validateRecord(schema, table.name, userFields, 'create');
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
}
