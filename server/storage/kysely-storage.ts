// The storage core shared by SQLite and PostgreSQL: one table per model (a column per stored field
// plus `_version`, `_lastChangedAt`, `_deleted`, `_ttl`), one change log, one metadata table.
// Dialect differences (locking, clock, collation, DDL types) come from the dialect object
// (storage-dialect.ts); subclasses only open the connection.
import { sql, type Compilable, type Kysely } from 'kysely';
import type { FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import { findField, storedFields } from '../../common/schema/model-fields.js';
import { COMPOSITE_KEY_COLUMN, keyColumnOf, storageKeyOf } from './storage-key.js';
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
import { applyMigration, CHANGES_TABLE, createInternalTables, META_TABLE } from './storage-ddl.js';
import { byteOrdered, type AnyDb, type AnyTx, type StorageDialect } from './storage-dialect.js';

export type { AnyDb, AnyTx } from './storage-dialect.js';

export { CHANGES_TABLE, META_TABLE } from './storage-ddl.js';

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

  protected model(name: string): ModelDef {
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

  protected encodeItem(model: ModelDef, item: StoredItem, ttlSeconds: number | null): Row {
    const row: Row = {};
    for (const field of this.storedFieldsOf(model)) row[field.name] = encodeColumnValue(field, item[field.name], this.engine.flavour);
    row._version = item._version;
    row._lastChangedAt = item._lastChangedAt;
    row._deleted = item._deleted === true ? encodeBoolean(true, this.engine.flavour) : null;
    row._ttl = ttlSeconds;
    if (model.primaryKey.length > 1) row[COMPOSITE_KEY_COLUMN] = storageKeyOf(model, item);
    return row;
  }

  async writeTransaction<T>(model: string, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    this.model(model);
    return this.db.transaction().execute(async (trx) => {
      await this.engine.lockWriters(trx, model);
      return work(this.writeOperations(trx));
    });
  }

  /** The operations of one write transaction, all inside `trx`. */
  protected writeOperations(trx: AnyTx): WriteTransaction {
    return {
      now: () => this.engine.clock(trx),
      getForUpdate: async (m, id) => {
        const d = this.model(m);
        const row = (await trx.executeQuery(this.selectByKey(d, true).bind({ id }))).rows[0] as Row | undefined;
        return row === undefined ? undefined : this.decodeRow(d, row);
      },
      put: (m, item, ttlSeconds) => this.putRow(trx, m, item, ttlSeconds),
      appendChange: (m, item, mutationId) => this.appendChangeRow(trx, m, item, mutationId),
      versionImage: (m, id, version) => this.versionImageIn(trx, m, id, version),
      mutationApplied: (m, id, mutationId) => this.mutationAppliedIn(trx, m, id, mutationId),
    };
  }

  protected async putRow(trx: AnyTx, m: string, item: StoredItem, ttlSeconds: number | null): Promise<void> {
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
  }

  protected async appendChangeRow(trx: AnyTx, m: string, item: StoredItem, mutationId: string | null | undefined): Promise<void> {
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
        item_id: storageKeyOf(d, item) ?? '',
        version: item._version,
        changed_at: item._lastChangedAt,
        item: JSON.stringify(item),
        mutation_id: mutationId ?? null,
      }),
    );
  }

  protected async versionImageIn(trx: AnyDb | AnyTx, m: string, id: string, version: number): Promise<StoredItem | undefined> {
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
  }

  protected async mutationAppliedIn(trx: AnyDb | AnyTx, m: string, id: string, mutationId: string): Promise<boolean> {
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
      const field = findField(def, options.equals.field);
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
      const f = findField(def, name);
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
    const rows = (await q.orderBy(sortRef, dir).orderBy(keyRef, dir).limit(options.limit).execute()) as Row[];
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
    const row = (await this.db.selectFrom(META_TABLE).select('value').where('key', '=', key).executeTakeFirst()) as { value: string } | undefined;
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
    await createInternalTables(this.db, this.engine);
    this.internalTablesReady = true;
  }

  async applySchema(schema: Schema, plan: MigrationStep[]): Promise<void> {
    await this.ensureInternalTables();
    this.useSchema(schema);
    await applyMigration(this.db, this.engine, schema, plan);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
