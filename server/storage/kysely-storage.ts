// The storage core shared by SQLite and PostgreSQL: one table per model (a column per stored field
// plus `_version`, `_lastChangedAt`, `_deleted`, `_ttl`), one change log, one metadata table.
// Dialect differences (locking, clock, collation, DDL types) come from the dialect object
// (storage-dialect.ts); subclasses only open the connection.
import { sql, type Compilable, type Kysely } from 'kysely';
import type { FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import { storedFields } from '../../common/schema/model-fields.js';
import { COMPOSITE_KEY_COLUMN, keyColumnOf, keyOf } from '../graphql/model-fields.js';
import { columnTypeFor, decodeColumnValue, encodeBoolean, encodeColumnValue } from '../../common/predicates/column-codec.js';
import type {
  BasePageOptions,
  IndexPageOptions,
  ChangeEntry,
  MigrationStep,
  PurgeResult,
  OwnTables,
  Storage,
  StorageDialectName,
  StoredItem,
  WriteTransaction,
} from './storage.js';
import { QueryTemplate, type SlotOf } from './query-template.js';
import { byteOrdered, type AnyDb, type AnyTx, type StorageDialect } from './storage-dialect.js';

export type { AnyDb, AnyTx } from './storage-dialect.js';

export const CHANGES_TABLE = '_outpost_changes';
export const META_TABLE = '_outpost_meta';

type Row = Record<string, unknown>;

/** Storage over Kysely; the dialect object supplies what differs, subclasses open the connection. */
export class KyselyStorage implements Storage {
  private models = new Map<string, ModelDef>();
  /** The statements every mutation runs, compiled once per model; they follow the schema in use. */
  private templates = new Map<string, QueryTemplate>();

  protected constructor(
    protected readonly db: AnyDb,
    readonly engine: StorageDialect,
  ) {}

  get dialect(): StorageDialectName {
    return this.engine.name;
  }

  /**
   * The Kysely instance, for tests and tools that inspect the database directly; product code goes
   * through the Storage interface (and `ownTables` for the auth store).
   */
  get kysely(): Kysely<unknown> {
    return this.db as Kysely<unknown>;
  }

  ownTables<DB>(): OwnTables<DB> {
    return { db: this.db as Kysely<DB>, dialect: this.engine };
  }

  syncStartTime(model: string): Promise<number> {
    return this.engine.syncStartTime(this.db, model);
  }

  /** Makes the server tables for `schema` known (call after `applySchema` or on start with the deployed schema). */
  useSchema(schema: Schema): void {
    this.models = new Map(Object.entries(schema.models));
    this.templates = new Map();
  }

  private template(key: string, build: (slot: SlotOf) => Compilable): QueryTemplate {
    let template = this.templates.get(key);
    if (template === undefined) this.templates.set(key, (template = QueryTemplate.compile(build)));
    return template;
  }

  /** `select * from <model> where <key> = :id`, row-locked on PostgreSQL when `forUpdate`. */
  private selectByKey(model: ModelDef, forUpdate: boolean): QueryTemplate {
    return this.template(`${forUpdate ? 'selectForUpdate' : 'select'}:${model.name}`, (slot) => {
      const q = this.db.selectFrom(model.name).selectAll().where(keyColumnOf(model), '=', slot('id'));
      return forUpdate && this.engine.rowLocks ? q.forUpdate() : q;
    });
  }

  private model(name: string): ModelDef {
    const m = this.models.get(name);
    if (m === undefined) throw new Error(`storage: unknown model ${name}`);
    return m;
  }

  protected decodeRow(model: ModelDef, row: Row): StoredItem {
    // Runs once per record of every sync page: one object, fields computed once per model.
    const item: Row = {};
    for (const field of this.storedFieldsOf(model)) item[field.name] = decodeColumnValue(field, row[field.name], this.engine.flavour);
    const deleted = row._deleted;
    item._version = Number(row._version);
    item._lastChangedAt = Number(row._lastChangedAt);
    item._deleted = deleted === null || deleted === undefined ? null : deleted === true || deleted === 1 || deleted === 1n;
    return item as StoredItem;
  }

  private readonly storedFieldCache = new WeakMap<ModelDef, readonly FieldDef[]>();
  private storedFieldsOf(model: ModelDef): readonly FieldDef[] {
    let fields = this.storedFieldCache.get(model);
    if (fields === undefined) {
      fields = storedFields(model);
      this.storedFieldCache.set(model, fields);
    }
    return fields;
  }

  private encodeItem(model: ModelDef, item: StoredItem, ttlSeconds: number | null): Row {
    const row: Row = {};
    for (const field of this.storedFieldsOf(model)) row[field.name] = encodeColumnValue(field, item[field.name], this.engine.flavour);
    row._version = item._version;
    row._lastChangedAt = item._lastChangedAt;
    row._deleted = item._deleted === true ? encodeBoolean(true, this.engine.flavour) : null;
    row._ttl = ttlSeconds;
    if (model.primaryKey.length > 1) row[COMPOSITE_KEY_COLUMN] = keyOf(model, item);
    return row;
  }

  async writeTransaction<T>(model: string, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    this.model(model);
    return this.db.transaction().execute(async (trx) => {
      await this.engine.lockWriters(trx, model);
      const tx: WriteTransaction = {
        now: () => this.engine.clock(trx),
        getForUpdate: async (m, id) => {
          const d = this.model(m);
          const row = (await trx.executeQuery(this.selectByKey(d, true).bind({ id }))).rows[0] as Row | undefined;
          return row === undefined ? undefined : this.decodeRow(d, row);
        },
        put: async (m, item, ttlSeconds) => {
          const d = this.model(m);
          const row = this.encodeItem(d, item, ttlSeconds);
          const key = keyColumnOf(d);
          const upsert = (values: Row) => {
            const { [key]: _id, ...rest } = values;
            return this.db
              .insertInto(m)
              .values(values)
              .onConflict((oc) => oc.column(key).doUpdateSet(rest));
          };
          // Kysely leaves undefined values out of the statement: such a row takes the slow path to keep that meaning.
          if (Object.values(row).includes(undefined)) {
            await trx.executeQuery(upsert(row).compile());
            return;
          }
          // Every encoded row of a model has the same columns in the same order (encodeItem), so one template fits all.
          const template = this.template(`put:${m}`, (slot) => upsert(Object.fromEntries(Object.keys(row).map((c) => [c, slot(c)]))));
          await trx.executeQuery(template.bind(row));
        },
        appendChange: async (m, item, mutationId) => {
          const d = this.model(m);
          const template = this.template('appendChange', (slot) =>
            this.db.insertInto(CHANGES_TABLE).values({
              model: slot('model'),
              item_id: slot('item_id'),
              version: slot('version'),
              changed_at: slot('changed_at'),
              item: slot('item'),
              mutation_id: slot('mutation_id'),
            }),
          );
          await trx.executeQuery(
            template.bind({
              model: m,
              item_id: keyOf(d, item) ?? '',
              version: item._version,
              changed_at: item._lastChangedAt,
              item: JSON.stringify(item),
              mutation_id: mutationId ?? null,
            }),
          );
        },
        versionImage: async (m, id, version) => {
          // Served by the (model, item_id, version) index; the latest entry if a key was ever reused.
          const template = this.template('versionImage', (slot) =>
            this.db
              .selectFrom(CHANGES_TABLE)
              .select('item')
              .where('model', '=', slot('model'))
              .where('item_id', '=', slot('item_id'))
              .where('version', '=', slot('version'))
              .orderBy('seq', 'desc')
              .limit(1),
          );
          const row = (await trx.executeQuery(template.bind({ model: m, item_id: id, version }))).rows[0] as { item: string } | undefined;
          if (row === undefined) return undefined;
          // Through the column codec, so the base reads like `getForUpdate`'s item (an AWSJSON value
          // written as an object comes back as its text) and equal values compare equal.
          const d = this.model(m);
          return this.decodeRow(d, this.encodeItem(d, JSON.parse(row.item) as StoredItem, null));
        },
        mutationApplied: async (m, id, mutationId) => {
          // Served by the (model, item_id, version) index: the resend names its record, whose history
          // within retention is short, so no index of its own is kept (one less entry per write).
          const template = this.template('mutationApplied', (slot) =>
            this.db
              .selectFrom(CHANGES_TABLE)
              .select('seq')
              .where('model', '=', slot('model'))
              .where('item_id', '=', slot('item_id'))
              .where('mutation_id', '=', slot('mutation_id'))
              .limit(1),
          );
          return (await trx.executeQuery(template.bind({ model: m, item_id: id, mutation_id: mutationId }))).rows.length > 0;
        },
      };
      return work(tx);
    });
  }

  async get(model: string, id: string): Promise<StoredItem | undefined> {
    const def = this.model(model);
    const row = (await this.db.executeQuery(this.selectByKey(def, false).bind({ id }))).rows[0] as Row | undefined;
    return row === undefined ? undefined : this.decodeRow(def, row);
  }

  async basePage(model: string, options: BasePageOptions): Promise<StoredItem[]> {
    const def = this.model(model);
    const pk = keyColumnOf(def);
    // Byte-order comparison of keys in both databases, so the keyset cursor means the same thing
    // in the WHERE and the ORDER BY whatever the database's default collation.
    const key = byteOrdered(sql.ref(pk), this.engine.flavour);
    let q = this.db.selectFrom(model).selectAll();
    if (options.afterId !== null) q = q.where(key, '>', options.afterId);
    if (options.ownerIn !== undefined) {
      if (options.ownerIn.values.length === 0) return [];
      q = q.where(options.ownerIn.field, 'in', [...options.ownerIn.values]);
    }
    if (options.equals !== undefined) {
      const field = def.fields.find((f) => f.name === options.equals?.field);
      if (field === undefined) throw new Error(`storage: unknown field ${model}.${options.equals.field}`);
      q = q.where(field.name, '=', encodeColumnValue(field, options.equals.value, this.engine.flavour));
    }
    const rows = (await q.orderBy(key).limit(options.limit).execute()) as Row[];
    return rows.map((r) => this.decodeRow(def, r));
  }

  async indexPage(model: string, options: IndexPageOptions): Promise<StoredItem[]> {
    const def = this.model(model);
    const pk = keyColumnOf(def);
    const fieldOf = (name: string) => {
      const f = def.fields.find((x) => x.name === name);
      if (f === undefined) throw new Error(`storage: unknown field ${model}.${name}`);
      return f;
    };
    const partition = fieldOf(options.partition.field);
    const sortDef = fieldOf(options.sortField);
    const flavour = this.engine.flavour;
    const text = columnTypeFor(sortDef, flavour) === 'TEXT';
    // Text sort keys compare by bytes in both databases (DynamoDB's order).
    const sortRef = text ? byteOrdered(sql.ref(sortDef.name), flavour) : sql`${sql.ref(sortDef.name)}`;
    const keyRef = byteOrdered(sql.ref(pk), flavour);
    const enc = (v: unknown) => encodeColumnValue(sortDef, v, flavour);
    let q = this.db
      .selectFrom(model)
      .selectAll()
      .where(partition.name, '=', encodeColumnValue(partition, options.partition.value, flavour))
      .where(sortDef.name, 'is not', null);
    const c = options.condition;
    if (c !== undefined) {
      if (c.op === 'between') {
        q = q.where(sql<boolean>`${sortRef} between ${enc(c.value[0])} and ${enc(c.value[1])}`);
      } else if (c.op === 'beginsWith') {
        const prefix = String(c.value);
        // Both databases count characters (code points), not UTF-16 units.
        q = q.where(sql<boolean>`substr(${sql.ref(sortDef.name)}, 1, ${[...prefix].length}) = ${prefix}`);
      } else {
        const sqlOp = { eq: '=', le: '<=', lt: '<', ge: '>=', gt: '>' }[c.op];
        q = q.where(sql<boolean>`${sortRef} ${sql.raw(sqlOp)} ${enc(c.value)}`);
      }
    }
    const cmp = sql.raw(options.descending ? '<' : '>');
    if (options.after !== null) {
      const s = enc(options.after.sort);
      q = q.where(sql<boolean>`(${sortRef} ${cmp} ${s} or (${sortRef} = ${s} and ${keyRef} ${cmp} ${options.after.id}))`);
    }
    const dir = options.descending ? 'desc' : 'asc';
    const rows = (await q
      .orderBy(sortRef, dir)
      .orderBy(keyRef, dir)
      .limit(options.limit)
      .execute()) as Row[];
    return rows.map((r) => this.decodeRow(def, r));
  }

  async deltaPage(model: string, options: { since: number; afterSeq: number; limit: number }): Promise<ChangeEntry[]> {
    let q = this.db
      .selectFrom(CHANGES_TABLE)
      .select(['seq', 'item'])
      .where('model', '=', model)
      .where('changed_at', '>=', options.since)
      .where('seq', '>', options.afterSeq);
    if (options.afterSeq <= 0) {
      // First page: start at the model's first change since `since` (a range of the
      // (model, changed_at, seq) index, evaluated once) instead of walking its whole older change
      // log in seq order. No such change: min is null and nothing matches.
      q = q.where('seq', '>=', sql`(select min(seq) from ${sql.table(CHANGES_TABLE)} where model = ${model} and changed_at >= ${options.since})`);
    }
    const rows = (await q.orderBy('seq').limit(options.limit).execute()) as Array<{ seq: number | string; item: string }>;
    return rows.map((r) => ({ seq: Number(r.seq), item: JSON.parse(r.item) as StoredItem }));
  }

  async countRecords(model: string, options: { readonly ownerIn?: BasePageOptions['ownerIn'] }): Promise<number> {
    this.model(model);
    let q = this.db.selectFrom(model).select(sql<number | string>`count(*)`.as('n'));
    if (options.ownerIn !== undefined) {
      if (options.ownerIn.values.length === 0) return 0;
      q = q.where(options.ownerIn.field, 'in', [...options.ownerIn.values]);
    }
    const row = (await q.executeTakeFirst()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async countChanges(model: string, since: number): Promise<number> {
    // A range of the (model, changed_at, seq) index.
    const row = (await this.db
      .selectFrom(CHANGES_TABLE)
      .select(sql<number | string>`count(*)`.as('n'))
      .where('model', '=', model)
      .where('changed_at', '>=', since)
      .executeTakeFirst()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async purge(nowMs: number, changesBefore: number): Promise<PurgeResult> {
    let tombstones = 0;
    for (const model of this.models.keys()) {
      const r = await this.db
        .deleteFrom(model)
        .where('_ttl', 'is not', null)
        .where('_ttl', '<=', Math.floor(nowMs / 1000))
        .executeTakeFirst();
      tombstones += Number(r.numDeletedRows);
    }
    const c = await this.db.deleteFrom(CHANGES_TABLE).where('changed_at', '<', changesBefore).executeTakeFirst();
    return { tombstones, changes: Number(c.numDeletedRows) };
  }

  async getMeta(key: string): Promise<string | undefined> {
    await this.ensureInternalTables();
    const row = (await this.db.selectFrom(META_TABLE).select('value').where('key', '=', key).executeTakeFirst()) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.ensureInternalTables();
    await this.db
      .insertInto(META_TABLE)
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  private internalTablesReady = false;

  /** Creates the change log and metadata tables if missing. */
  async ensureInternalTables(): Promise<void> {
    if (this.internalTablesReady) return;
    await this.db.schema
      .createTable(META_TABLE)
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await sql`create table if not exists ${sql.table(CHANGES_TABLE)} (
      seq ${sql.raw(this.engine.sequenceColumn)},
      model text not null,
      item_id text not null,
      version integer not null,
      changed_at bigint not null,
      item text not null,
      mutation_id text
    )`.execute(this.db);
    // Databases deployed before client mutation ids (FIELD_MERGE / idempotent resend) lack the column.
    await this.addColumnIfMissing(CHANGES_TABLE, 'mutation_id', 'text');
    // The base of a FIELD_MERGE update (one record's image at one version), and whether a resent
    // mutation id already wrote that record.
    await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_item_version`)} on ${sql.table(CHANGES_TABLE)} (model, item_id, version)`.execute(
      this.db,
    );
    await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_seq`)} on ${sql.table(CHANGES_TABLE)} (model, seq)`.execute(
      this.db,
    );
    await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_changed_at`)} on ${sql.table(CHANGES_TABLE)} (changed_at)`.execute(
      this.db,
    );
    await sql`create index if not exists ${sql.id(`${CHANGES_TABLE}_model_changed_at`)} on ${sql.table(CHANGES_TABLE)} (model, changed_at, seq)`.execute(
      this.db,
    );
    this.internalTablesReady = true;
  }

  /** Adds `column` to an internal table of an existing database (an additive, idempotent migration). */
  private async addColumnIfMissing(table: string, column: string, type: string): Promise<void> {
    // Looked up first: an ALTER would take an exclusive lock on every start, waiting behind other server processes.
    if ((await this.engine.columnNames(this.db, table)).includes(column)) return;
    const ifMissing = sql.raw(this.engine.addColumnIfNotExists ? 'if not exists ' : '');
    await sql`alter table ${sql.table(table)} add column ${ifMissing}${sql.ref(column)} ${sql.raw(type)}`.execute(this.db);
  }

  private columnType(field: FieldDef): string {
    return columnTypeFor(field, this.engine.flavour);
  }

  private async createModelTable(model: ModelDef): Promise<void> {
    const pk = keyColumnOf(model);
    let t = this.db.schema.createTable(model.name).ifNotExists();
    if (pk === COMPOSITE_KEY_COLUMN) t = t.addColumn(COMPOSITE_KEY_COLUMN, 'text', (c) => c.primaryKey());
    for (const field of storedFields(model)) {
      t = t.addColumn(field.name, sql.raw(this.columnType(field)), (c) => (field.name === pk ? c.primaryKey() : c));
    }
    t = t
      .addColumn('_version', 'integer', (c) => c.notNull())
      .addColumn('_lastChangedAt', 'bigint', (c) => c.notNull())
      .addColumn('_deleted', sql.raw(this.engine.deletedColumn))
      .addColumn('_ttl', 'bigint');
    await t.execute();
    await this.db.schema.createIndex(`${model.name}__ttl`).ifNotExists().on(model.name).column('_ttl').execute();
    for (const index of model.indexes) {
      await this.db.schema
        .createIndex(`${model.name}_${index.name}`)
        .ifNotExists()
        .on(model.name)
        .columns([...index.fields])
        .execute();
    }
  }

  async applySchema(schema: Schema, plan: MigrationStep[]): Promise<void> {
    await this.ensureInternalTables();
    this.useSchema(schema);
    for (const step of plan) {
      const model = schema.models[step.model];
      switch (step.kind) {
        case 'createModel':
          if (model !== undefined) await this.createModelTable(model);
          break;
        case 'dropModel':
          await this.db.schema.dropTable(step.model).ifExists().execute();
          await this.db.deleteFrom(CHANGES_TABLE).where('model', '=', step.model).execute();
          break;
        case 'addField': {
          const field = model?.fields.find((f) => f.name === step.field);
          if (field !== undefined) {
            await this.db.schema.alterTable(step.model).addColumn(field.name, sql.raw(this.columnType(field))).execute();
          }
          break;
        }
        case 'dropField':
          await this.db.schema.alterTable(step.model).dropColumn(step.field).execute();
          break;
        case 'changeField': {
          // Values of the old type cannot be trusted under the new one: the column is recreated empty.
          const field = model?.fields.find((f) => f.name === step.field);
          await this.db.schema.alterTable(step.model).dropColumn(step.field).execute();
          if (field !== undefined) {
            await this.db.schema.alterTable(step.model).addColumn(field.name, sql.raw(this.columnType(field))).execute();
          }
          break;
        }
      }
    }
    // Indexes may be new even when no table changed.
    for (const model of Object.values(schema.models)) await this.createModelTable(model);
    if (this.engine.flavour.collation !== null) await this.createByteOrderIndexes(schema);
  }

  /**
   * Indexes for the byte-order (collated) keyset pages, where the database's default collation is
   * not byte order. Base and list pages are keyset pages on `<key> collate "C"`; the primary-key
   * index has the default collation, which that ORDER BY cannot use, so without this index every
   * page was a full scan and sort of the table (a 50k-row base sync on PostgreSQL: 150-200 ms per
   * page instead of ~5 ms, growing with the table).
   */
  private async createByteOrderIndexes(schema: Schema): Promise<void> {
    const flavour = this.engine.flavour;
    for (const model of Object.values(schema.models)) {
      const key = byteOrdered(sql.ref(keyColumnOf(model)), flavour);
      await sql`create index if not exists ${sql.id(`${model.name}__key_c`)} on ${sql.table(model.name)} (${key})`.execute(this.db);
      // The same for `@index` queries: pages of one partition ordered by the (first) sort key in
      // byte order, then the key. Without it every page sorted the whole partition.
      for (const def of model.indexes) {
        const [partition, sortKey] = def.fields;
        if (partition === undefined) continue;
        const sortField = sortKey === undefined ? undefined : model.fields.find((f) => f.name === sortKey);
        const columns = [sql.ref(partition)];
        if (sortField !== undefined) {
          const ref = sql`${sql.ref(sortField.name)}`;
          columns.push(columnTypeFor(sortField, flavour) === 'TEXT' ? byteOrdered(ref, flavour) : ref);
        }
        columns.push(key);
        const name = sql.id(`${model.name}_${def.name}_c`);
        await sql`create index if not exists ${name} on ${sql.table(model.name)} (${sql.join(columns)})`.execute(this.db);
      }
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
