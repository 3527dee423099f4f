// The storage's DDL: the internal tables (change log, metadata), one table per model with its
// indexes, the steps of a schema migration, and the byte-order indexes of databases whose default
// collation is not byte order. What differs between databases comes from the dialect object.
import { sql } from 'kysely';
import { columnTypeFor } from '../../common/predicates/column-codec.js';
import { findField, findModel, storedFields } from '../../common/schema/model-fields.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { COMPOSITE_KEY_COLUMN, keyColumnOf } from './storage-key.js';
import { byteOrdered, type AnyDb, type StorageDialect } from './storage-dialect.js';
import type { MigrationStep } from './storage.js';

export const CHANGES_TABLE = '_outpost_changes';
export const META_TABLE = '_outpost_meta';

/** Creates the change log and metadata tables (with their indexes, and columns added since) if missing. */
export async function createInternalTables(db: AnyDb, dialect: StorageDialect): Promise<void> {
  await db.schema
    .createTable(META_TABLE)
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`create table if not exists ${sql.table(CHANGES_TABLE)} (
      seq ${sql.raw(dialect.sequenceColumn)},
      model text not null,
      item_id text not null,
      version integer not null,
      changed_at bigint not null,
      item text not null,
      mutation_id text
    )`.execute(db);
  // Databases deployed before client mutation ids (FIELD_MERGE / idempotent resend) lack the column.
  await addColumnIfMissing(db, dialect, CHANGES_TABLE, 'mutation_id', 'text');
  // The base of a FIELD_MERGE update (one record's image at one version), and whether a resent
  // mutation id already wrote that record.
  await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_item_version`)} on ${sql.table(CHANGES_TABLE)} (model, item_id, version)`.execute(db);
  await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_seq`)} on ${sql.table(CHANGES_TABLE)} (model, seq)`.execute(db);
  await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_changed_at`)} on ${sql.table(CHANGES_TABLE)} (changed_at)`.execute(db);
  await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_changed_at`)} on ${sql.table(CHANGES_TABLE)} (model, changed_at, seq)`.execute(db);
}

/** Adds `column` to an internal table of an existing database (an additive, idempotent migration). */
async function addColumnIfMissing(db: AnyDb, dialect: StorageDialect, table: string, column: string, type: string): Promise<void> {
  // Looked up first: an ALTER would take an exclusive lock on every start, waiting behind other server processes.
  if ((await dialect.columnNames(db, table)).includes(column)) return;
  const ifMissing = sql.raw(dialect.addColumnIfNotExists ? 'if not exists ' : '');
  await sql`alter table ${sql.table(table)} add column ${ifMissing}${sql.ref(column)} ${sql.raw(type)}`.execute(db);
}

async function createModelTable(db: AnyDb, dialect: StorageDialect, model: ModelDef): Promise<void> {
  const pk = keyColumnOf(model);
  let t = db.schema.createTable(model.name).ifNotExists();
  if (pk === COMPOSITE_KEY_COLUMN) t = t.addColumn(COMPOSITE_KEY_COLUMN, 'text', (c) => c.primaryKey());
  for (const field of storedFields(model)) {
    t = t.addColumn(field.name, sql.raw(columnTypeFor(field, dialect.flavour)), (c) => (field.name === pk ? c.primaryKey() : c));
  }
  t = t
    .addColumn('_version', 'integer', (c) => c.notNull())
    .addColumn('_lastChangedAt', 'bigint', (c) => c.notNull())
    .addColumn('_deleted', sql.raw(dialect.deletedColumn))
    .addColumn('_ttl', 'bigint');
  await t.execute();
  await db.schema.createIndex(`${model.name}__ttl`).ifNotExists().on(model.name).column('_ttl').execute();
  await dialect.createModelObjects(db, model.name);
  for (const index of model.indexes) {
    await db.schema
      .createIndex(`${model.name}_${index.name}`)
      .ifNotExists()
      .on(model.name)
      .columns([...index.fields])
      .execute();
  }
}

/** Applies the migration `plan` towards `schema`, then creates what is missing of every model's table and indexes. */
export async function applyMigration(db: AnyDb, dialect: StorageDialect, schema: Schema, plan: readonly MigrationStep[]): Promise<void> {
  const columnType = (model: string, name: string) => {
    const def = findModel(schema, model);
    const field = def === undefined ? undefined : findField(def, name);
    return field === undefined ? undefined : sql.raw(columnTypeFor(field, dialect.flavour));
  };
  for (const step of plan) {
    const model = findModel(schema, step.model);
    switch (step.kind) {
      case 'createModel':
        if (model !== undefined) await createModelTable(db, dialect, model);
        break;
      case 'dropModel':
        await db.schema.dropTable(step.model).ifExists().execute();
        await dialect.dropModelObjects(db, step.model);
        await db.deleteFrom(CHANGES_TABLE).where('model', '=', step.model).execute();
        break;
      case 'addField': {
        const type = columnType(step.model, step.field);
        if (type !== undefined) await db.schema.alterTable(step.model).addColumn(step.field, type).execute();
        break;
      }
      case 'dropField':
        await db.schema.alterTable(step.model).dropColumn(step.field).execute();
        break;
      case 'changeField': {
        // Values of the old type cannot be trusted under the new one: the column is recreated empty.
        const type = columnType(step.model, step.field);
        await db.schema.alterTable(step.model).dropColumn(step.field).execute();
        if (type !== undefined) await db.schema.alterTable(step.model).addColumn(step.field, type).execute();
        break;
      }
    }
  }
  // Indexes may be new even when no table changed.
  for (const model of Object.values(schema.models)) await createModelTable(db, dialect, model);
  if (dialect.flavour.collation !== null) await createByteOrderIndexes(db, dialect, schema);
}

/**
 * Indexes for the byte-order (collated) keyset pages, where the database's default collation is
 * not byte order. Base and list pages are keyset pages on `<key> collate "C"`; the primary-key
 * index has the default collation, which that ORDER BY cannot use, so without this index every
 * page was a full scan and sort of the table (a 50k-row base sync on PostgreSQL: 150-200 ms per
 * page instead of ~5 ms, growing with the table).
 */
async function createByteOrderIndexes(db: AnyDb, dialect: StorageDialect, schema: Schema): Promise<void> {
  const flavour = dialect.flavour;
  for (const model of Object.values(schema.models)) {
    const key = byteOrdered(sql.ref(keyColumnOf(model)), flavour);
    await sql`create index if not exists ${sql.id(`${model.name}__key_c`)} on ${sql.table(model.name)} (${key})`.execute(db);
    // The same for `@index` queries: pages of one partition ordered by the (first) sort key in
    // byte order, then the key. Without it every page sorted the whole partition.
    for (const def of model.indexes) {
      const [partition, sortKey] = def.fields;
      if (partition === undefined) continue;
      const sortField = sortKey === undefined ? undefined : findField(model, sortKey);
      const columns = [sql.ref(partition)];
      if (sortField !== undefined) {
        const ref = sql`${sql.ref(sortField.name)}`;
        columns.push(columnTypeFor(sortField, flavour) === 'TEXT' ? byteOrdered(ref, flavour) : ref);
      }
      columns.push(key);
      const name = sql.id(`${model.name}_${def.name}_c`);
      await sql`create index if not exists ${name} on ${sql.table(model.name)} (${sql.join(columns)})`.execute(db);
    }
  }
}
