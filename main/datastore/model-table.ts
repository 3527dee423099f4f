// The SQLite table behind one model: which columns it has (the shared stored-field list), how a
// record becomes a row and back (the shared column codec), and its record key. Built once per
// model at open; hot-path statements are compiled once here and reused with new parameters.
import type { FieldDef, ModelDef, ModelRecord } from '../../common/schema/types.js';
import { columnFields } from '../../common/predicates/column-fields.js';
import { columnDecoder, encodeColumnValue, type ColumnDecoder } from '../../common/predicates/column-codec.js';
import { sql, type Kysely } from 'kysely';
import { modelIdOf } from '../../common/schema/record-key.js';
import type { DynamicDatabase, SqlRow } from './sqlite-connection.js';

/**
 * A column every model table has beside its fields: when this device last saved the record (ms
 * since the epoch), kept through the server's answer to that save, cleared (NULL) when a change
 * from elsewhere arrives. Not a field: records never carry it; it orders lists "newest first" with
 * `_lastChangedAt` (see `recencySql`).
 */
export const LOCAL_CHANGED_AT_COLUMN = '_localChangedAt';

/** A compiled statement whose parameters are supplied per call, in `columns` order. */
export interface FixedStatement {
  readonly sql: string;
}

export class ModelTable {
  readonly name: string;
  /** Every stored field (declared, implicit, metadata) in column order. */
  readonly fields: readonly FieldDef[];
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
  private readonly fieldByName: ReadonlyMap<string, FieldDef>;
  /** `decoders[i]` decodes the column of `fields[i]`: chosen once here, not per row. */
  private readonly decoders: readonly ColumnDecoder[];
  /** Row readers by the column list of a statement's result (decodeValues). */
  private readonly readers = new Map<string, (values: readonly unknown[]) => ModelRecord>();
  /**
   * Insert or update of a full row, parameters in `columns` order. An UPSERT, not `INSERT OR
   * REPLACE`: the row keeps its rowid (the search index's key) and its update trigger fires. It
   * clears `LOCAL_CHANGED_AT_COLUMN`: a change from elsewhere is newer than this device's last save.
   */
  readonly upsertSql: string;
  /** `upsertSql` that keeps `LOCAL_CHANGED_AT_COLUMN` (the server's answer to this device's own save). */
  readonly upsertKeepingLocalSql: string;
  /** Sets `LOCAL_CHANGED_AT_COLUMN` by primary key; parameters: the time, then `primaryKey` order. */
  readonly touchLocalSql: string;
  /**
   * The "last change" time of a row as an SQL expression (ms; 0 when none): this device's last save
   * while nothing from elsewhere came after it, else the server's `_lastChangedAt`. Not the later
   * of the two: the server stamps this device's own save when it accepts it, moments after, and in
   * whatever order concurrent sends land — the list would shuffle the records just saved.
   */
  readonly recencySql: string;
  /**
   * The stored fields as a SELECT list, in `columns` order (rows read with it decode with
   * `decodeValues(columns)`): named, not `*`, so a statement's value positions never depend on the
   * file's column order or on a column added after it was prepared.
   */
  readonly selectListSql: string;
  /** `SELECT *` by primary key, parameters in `primaryKey` order. */
  readonly selectByKeySql: string;
  /** Keys among a JSON array of key values (one parameter) that have a row; single-key models only (else empty). */
  readonly storedAmongSql: string;
  /** `DELETE` by primary key, parameters in `primaryKey` order. */
  readonly deleteByKeySql: string;

  constructor(
    readonly model: ModelDef,
    kysely: Kysely<DynamicDatabase>,
  ) {
    this.name = model.name;
    this.fields = columnFields(model);
    this.columns = this.fields.map((f) => f.name);
    this.primaryKey = model.primaryKey;
    this.fieldByName = new Map(this.fields.map((f) => [f.name, f]));
    this.decoders = this.fields.map((f) => columnDecoder(f));
    const placeholderRow = Object.fromEntries(this.columns.map((c) => [c, null]));
    const others = this.columns.filter((c) => !this.primaryKey.includes(c));
    const upsert = (clearLocal: boolean) =>
      kysely
        .insertInto(this.name)
        .values(placeholderRow)
        .onConflict((oc) =>
          oc.columns([...this.primaryKey]).doUpdateSet((eb) => ({
            ...Object.fromEntries(others.map((c) => [c, eb.ref(`excluded.${c}`)])),
            // A literal, not a parameter: parameters are the row's columns only.
            ...(clearLocal ? { [LOCAL_CHANGED_AT_COLUMN]: sql<null>`NULL` } : {}),
          })),
        )
        .compile().sql;
    this.upsertSql = upsert(true);
    this.upsertKeepingLocalSql =
      others.length === 0
        ? kysely
            .insertInto(this.name)
            .values(placeholderRow)
            .onConflict((oc) => oc.doNothing())
            .compile().sql
        : upsert(false);
    let select = kysely.selectFrom(this.name).selectAll();
    let remove = kysely.deleteFrom(this.name);
    let touch = kysely.updateTable(this.name).set({ [LOCAL_CHANGED_AT_COLUMN]: 0 });
    for (const key of this.primaryKey) {
      select = select.where(key, '=', null);
      remove = remove.where(key, '=', null);
      touch = touch.where(key, '=', null);
    }
    this.selectByKeySql = select.compile().sql;
    this.deleteByKeySql = remove.compile().sql;
    this.touchLocalSql = touch.compile().sql;
    const key = this.primaryKey.length === 1 ? `"${this.primaryKey[0]!.replace(/"/g, '""')}"` : null;
    this.storedAmongSql = key === null ? '' : `SELECT ${key} FROM "${this.name.replace(/"/g, '""')}" WHERE ${key} IN (SELECT value FROM json_each(?))`;
    this.selectListSql = this.columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
    const remote = this.fieldByName.has('_lastChangedAt') ? `"_lastChangedAt", ` : '';
    this.recencySql = `coalesce("${LOCAL_CHANGED_AT_COLUMN}", ${remote}0)`;
  }

  /** The stored field called `name`, if the model has one. */
  field(name: string): FieldDef | undefined {
    return this.fieldByName.get(name);
  }

  /** Row parameters for `upsertSql` from a record (missing fields → NULL). */
  encodeRow(record: ModelRecord): unknown[] {
    return this.fields.map((f) => encodeColumnValue(f, record[f.name] ?? null));
  }

  /** The record a row holds: every stored field, NULL columns as `null`. */
  decodeRow(row: SqlRow): ModelRecord {
    const out: ModelRecord = {};
    const { fields, decoders } = this;
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i]!.name;
      out[name] = decoders[i]!(row[name]);
    }
    return out;
  }

  /**
   * A reader of rows given as value arrays (a raw statement's rows) in the order of `columns` (the
   * statement's result columns) into records, as decodeRow would read them: every stored field,
   * one absent from `columns` as `null`. Built once per column list and kept.
   */
  decodeValues(columns: readonly string[]): (values: readonly unknown[]) => ModelRecord {
    const cacheKey = columns.join('\u0000');
    let reader = this.readers.get(cacheKey);
    if (reader !== undefined) return reader;
    const { fields, decoders } = this;
    const names = fields.map((f) => f.name);
    const index = names.map((name) => columns.indexOf(name));
    reader = (values) => {
      const out: ModelRecord = {};
      for (let i = 0; i < names.length; i++) {
        const at = index[i]!;
        out[names[i]!] = at < 0 ? null : decoders[i]!(values[at]);
      }
      return out;
    };
    // Bounded: one entry per distinct result shape (select * gives one; a migration another).
    if (this.readers.size > 16) this.readers.clear();
    this.readers.set(cacheKey, reader);
    return reader;
  }

  /** Primary-key values of a record, in key order, encoded for SQL parameters. */
  keyParams(record: ModelRecord): unknown[] {
    return this.primaryKey.map((k) => encodeColumnValue(this.fieldByName.get(k)!, record[k] ?? null));
  }

  /** The outbox `modelId` of a record: its key values joined by `-`. */
  modelId(record: ModelRecord): string {
    return modelIdOf(this, record);
  }
}
