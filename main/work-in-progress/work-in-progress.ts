// Work in progress that must survive a crash, per profile: the drafts of forms not yet saved, and
// the Trash of records deleted on this device (with everything the delete cascaded to), so a
// delete can be undone from its notice or restored later (issue 9 "Work in progress is safe").
// Both live in their own small SQLite file beside the profile's datastore (WAL, synchronous FULL):
// a draft or Trash entry that a call has answered is on disk.
//
// Restoring: while a deleted record's Delete is still queued (not yet sent) in the outbox, saving
// it again with the same key re-creates it — the outbox coalesces Delete + Create into one Update,
// so the server never sees the delete. Once the delete reached the server, the record is a
// tombstone there and a create with the same key would be refused, so the record is restored as a
// copy: a new id, its children re-pointed to the copy (see `restorePlan`).
//
// With the profile's key, a draft's values and a Trash entry's records are sealed whole
// (main/crypto/file-cipher.ts) and kept as BLOBs; plain ones a profile made before encryption are
// sealed when the file opens, then the file is vacuumed and its WAL truncated so no plaintext page
// of them is left on disk. Keys (record ids) stay plain: drafts are looked up by them.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotFound, ValidationError } from '../../common/errors.js';
import type { Draft, ResponseOf, TrashItem } from '../../common/ipc/contract.js';
import type { Predicate } from '../../common/predicates/types.js';
import { cascadeLinks, childrenWhere } from '../../common/schema/cascade.js';
import { findModel } from '../../common/schema/model-fields.js';
import { hasGeneratedId, keyOf, modelIdOf, type KeyObject } from '../../common/schema/record-key.js';
import { METADATA_FIELDS, type ModelDef, type ModelRecord, type Schema } from '../../common/schema/types.js';
import { validateRecord } from '../../common/schema/validate-record.js';
import { openBuffer, sealBuffer } from '../crypto/file-cipher.js';
import type { Datastore } from '../datastore/datastore.js';
import { nativeBinding } from '../datastore/native-binding.js';
import type { OutboxEntry } from '../datastore/outbox-entry.js';
import { requireModel } from '../ipc/record-fields.js';

/** The file beside the profile's datastore that holds drafts and the Trash. */
export const WORK_IN_PROGRESS_FILE = 'work-in-progress.db';

/** How long a Trash entry is kept (30 days); older ones are purged when the profile opens. */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Drafts and the Trash of one open profile, as main/app-core.ts uses them. */
export interface WorkInProgress {
  /** Deletes by key (Trash entry written first, answered as `trashId`) or by predicate (no Trash). */
  delete(
    model: string,
    target: { key: string | KeyObject } | { where: Predicate },
    options: { condition?: Predicate },
  ): Promise<{ deleted: ModelRecord[]; trashId?: string }>;
  /** How many related records, per model, deleting this record would delete with it. */
  deletePreview(model: string, key: string | KeyObject): Promise<ResponseOf<'deletePreview'>>;
  /** Creates or replaces the draft of the form for `key` (null: a new record of `model`). */
  draftSave(model: string, key: KeyObject | null, values: ModelRecord): Promise<Draft>;
  /** Every draft, most recently saved first. */
  draftsList(): Promise<Draft[]>;
  /** The sha-256s of attached files that drafts and Trash entries reference (kept by the orphan sweep). */
  heldFiles(): Promise<Set<string>>;
  draftDiscard(id: string): Promise<{ removed: boolean }>;
  /** Deleted records not restored yet, newest first. */
  trashList(): Promise<TrashItem[]>;
  /** Restores a Trash entry (the record and what was deleted with it); answers the top-level record. */
  trashRestore(id: string): Promise<ModelRecord>;
  /** Forgets every draft and Trash entry (sign-out, clear local data). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** One record deleted with a Trash entry; `parent` indexes an earlier row, with the fields pointing at it. */
export interface TrashRow {
  readonly model: string;
  readonly record: ModelRecord;
  /** Index in the rows of the record this one was deleted through (absent for the top-level record). */
  readonly parent?: number;
  /** This record's field → the parent's field it holds (its foreign key). */
  readonly link?: Readonly<Record<string, string>>;
}

/** How one row comes back: in place (same key) or as a copy with these values. */
export interface RestoreStep {
  readonly model: string;
  readonly record: ModelRecord;
  readonly asCopy: boolean;
}

/**
 * True when the record can come back under its own key: its Delete is still queued and has never
 * been sent, or the server never had it (no `_version`, nothing of it in the outbox).
 */
export function restorableInPlace(record: ModelRecord, entries: readonly OutboxEntry[]): boolean {
  const deletes = entries.filter((e) => e.operation === 'Delete');
  // A Delete that has been on the wire may have reached the server even if its answer was lost.
  if (deletes.some((e) => e.inFlight || e.sent === true)) return false;
  if (deletes.length > 0) return true;
  return entries.length === 0 && (record._version === null || record._version === undefined);
}

/**
 * The saves that restore `rows` (parents before children): a row that cannot come back in place
 * gets a new id from `newId`; every child's foreign key follows its parent's restored key.
 */
export function restorePlan(schema: Schema, rows: readonly TrashRow[], inPlace: readonly boolean[], newId: () => string): RestoreStep[] {
  const steps: RestoreStep[] = [];
  for (const [i, row] of rows.entries()) {
    const model = findModel(schema, row.model);
    if (model === undefined) throw new ValidationError(`the Trash holds a ${row.model}, a model the schema no longer has`, row.model);
    const record = savableFields(model, row.record);
    const asCopy = !inPlace[i];
    if (asCopy) {
      if (!hasGeneratedId(model)) {
        throw new ValidationError(
          `${row.model} ${modelIdOf(model, row.record)}: its delete reached the server and its key (${model.primaryKey.join(', ')}) is chosen by you; create it again with another key`,
          row.model,
        );
      }
      record.id = newId();
    }
    if (row.parent !== undefined && row.link !== undefined) {
      const parent = steps[row.parent];
      if (parent === undefined) throw new ValidationError(`Trash row ${i} names parent ${row.parent}, which does not come before it`);
      for (const [field, parentField] of Object.entries(row.link)) record[field] = parent.record[parentField];
    }
    steps.push({ model: row.model, record, asCopy });
  }
  return steps;
}

/** The stored, writable fields of `record` (no metadata, relations or server-set timestamps). */
function savableFields(model: ModelDef, record: ModelRecord): ModelRecord {
  const metadata = new Set<string>(METADATA_FIELDS);
  const out: ModelRecord = {};
  for (const field of model.fields) {
    if (field.type.kind === 'model' || field.isReadOnly || metadata.has(field.name)) continue;
    if (Object.hasOwn(record, field.name) && record[field.name] !== undefined) out[field.name] = record[field.name];
  }
  return out;
}

/** Per model, how many of `rows` after the first (the top-level record) there are, in schema order. */
export function relatedCounts(schema: Schema, rows: readonly TrashRow[]): Array<{ model: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of rows.slice(1)) counts.set(row.model, (counts.get(row.model) ?? 0) + 1);
  const order = schema.modelOrder.filter((m) => counts.has(m));
  for (const m of counts.keys()) if (!order.includes(m)) order.push(m);
  return order.map((model) => ({ model, count: counts.get(model)! }));
}

/** A key object in one canonical JSON form (field order of the model's key) for lookups. */
function keyJson(model: ModelDef, key: KeyObject | null): string {
  return key === null ? '' : JSON.stringify(model.primaryKey.map((k) => key[k] ?? null));
}

/** A JSON text column as stored: text, or sealed with the profile's key. */
type StoredText = string | Buffer;

interface DraftRow {
  id: string;
  model: string;
  keyJson: string;
  key: string | null;
  draftValues: StoredText;
  updatedAt: number;
}

interface TrashDbRow {
  id: string;
  model: string;
  key: string;
  rows: StoredText;
  deletedAt: number;
}

/** How the JSON columns are written and read: sealed with a key, or as text. */
interface TextCodec {
  encode(text: string): StoredText;
  decode(stored: StoredText): string;
}

function textCodec(key: Buffer | null): TextCodec {
  return {
    encode: (text) => (key === null ? text : sealBuffer(key, Buffer.from(text, 'utf8'))),
    decode: (stored) => {
      if (typeof stored === 'string') return stored;
      if (key === null) throw new ValidationError('the drafts and Trash of this profile are encrypted: they cannot be read without its key');
      return openBuffer(key, stored).toString('utf8');
    },
  };
}

/** Seals every plain draft and Trash entry, then rewrites the file so none of their plaintext stays on disk. */
function sealPlainRows(db: Database.Database, codec: TextCodec): void {
  const drafts = db.prepare("SELECT id, draftValues FROM drafts WHERE typeof(draftValues) = 'text'").all() as Array<{ id: string; draftValues: string }>;
  const trash = db.prepare("SELECT id, rows FROM trash WHERE typeof(rows) = 'text'").all() as Array<{ id: string; rows: string }>;
  if (drafts.length === 0 && trash.length === 0) return;
  db.pragma('secure_delete = ON');
  const setDraft = db.prepare('UPDATE drafts SET draftValues = ? WHERE id = ?');
  const setTrash = db.prepare('UPDATE trash SET rows = ? WHERE id = ?');
  db.transaction(() => {
    for (const row of drafts) setDraft.run(codec.encode(row.draftValues), row.id);
    for (const row of trash) setTrash.run(codec.encode(row.rows), row.id);
  })();
  // Old page images live on in free pages and in the WAL until rewritten and truncated.
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Opens (creating if needed) `<dir>/work-in-progress.db` for this profile's `datastore`. */
export function openWorkInProgress(options: {
  readonly dir: string;
  readonly datastore: Datastore;
  readonly schema: Schema;
  /** The clock (ms), for the Trash's retention; default Date.now. */
  readonly now?: () => number;
  /** The profile's 32-byte key (main/crypto/profile-key.ts): drafts and the Trash are encrypted with it. Absent: plain. */
  readonly key?: Buffer;
}): WorkInProgress {
  const now = options.now ?? Date.now;
  const db = new Database(join(options.dir, WORK_IN_PROGRESS_FILE), { nativeBinding: nativeBinding() });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS drafts (
      id TEXT PRIMARY KEY, model TEXT NOT NULL, keyJson TEXT NOT NULL, key TEXT, draftValues TEXT NOT NULL, updatedAt INTEGER NOT NULL,
      UNIQUE (model, keyJson)
    );
    CREATE TABLE IF NOT EXISTS trash (
      id TEXT PRIMARY KEY, model TEXT NOT NULL, key TEXT NOT NULL, rows TEXT NOT NULL, deletedAt INTEGER NOT NULL
    );
  `);
  db.prepare('DELETE FROM trash WHERE deletedAt < ?').run(now() - TRASH_RETENTION_MS);
  const codec = textCodec(options.key ?? null);
  try {
    if (options.key !== undefined) sealPlainRows(db, codec);
  } catch (error) {
    db.close();
    throw error;
  }
  return new WorkInProgressFile(db, options.datastore, options.schema, now, codec);
}

function toDraft(row: DraftRow, codec: TextCodec): Draft {
  return {
    id: row.id,
    model: row.model,
    key: row.key === null ? null : (JSON.parse(row.key) as Record<string, string | number>),
    values: JSON.parse(codec.decode(row.draftValues)) as ModelRecord,
    updatedAt: row.updatedAt,
  };
}

/** The drafts and the Trash of one profile, in its open work-in-progress database. */
class WorkInProgressFile implements WorkInProgress {
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly datastore: Datastore,
    private readonly schema: Schema,
    private readonly now: () => number,
    private readonly codec: TextCodec,
  ) {}

  private open(): void {
    if (this.closed) throw new ValidationError('the profile is closed: its drafts and Trash cannot be used');
  }

  /** The record and everything a delete of it cascades to (as the datastore's deleteWithChildren walks it), parents first. */
  private async collect(modelName: string, record: ModelRecord): Promise<TrashRow[]> {
    const { schema, datastore } = this;
    const rows: TrashRow[] = [];
    const visited = new Set<string>();
    const visit = async (name: string, rec: ModelRecord, parent?: number, link?: Readonly<Record<string, string>>): Promise<void> => {
      const model = requireModel(schema, name);
      const visitKey = `${name}\u0000${modelIdOf(model, rec)}`;
      if (visited.has(visitKey)) return;
      visited.add(visitKey);
      const index = rows.length;
      rows.push({ model: name, record: rec, ...(parent !== undefined ? { parent, link: link! } : {}) });
      for (const link of cascadeLinks(schema, model)) {
        const where = childrenWhere(link, rec);
        if (where === null) continue;
        for (const child of await datastore.query(link.model, { where })) await visit(link.model, child, index, link.link);
      }
    };
    await visit(modelName, record);
    return rows;
  }

  private async outboxOf(row: TrashRow): Promise<OutboxEntry[]> {
    return this.datastore.outbox.listEntries({ model: row.model, modelId: modelIdOf(requireModel(this.schema, row.model), row.record) });
  }

  private async inPlaceFlags(rows: readonly TrashRow[]): Promise<boolean[]> {
    const flags: boolean[] = [];
    for (const row of rows) {
      // A record that is back in the store (its delete was refused and undone, or it synced back)
      // is saved over in place: a copy would duplicate it.
      const key = keyOf(requireModel(this.schema, row.model), row.record);
      const present = key !== undefined && (await this.datastore.get(row.model, key)) !== undefined;
      flags.push(present || restorableInPlace(row.record, await this.outboxOf(row)));
    }
    return flags;
  }

  private trashEntry(id: string): TrashDbRow {
    const row = this.db.prepare('SELECT * FROM trash WHERE id = ?').get(id) as TrashDbRow | undefined;
    if (row === undefined) throw new NotFound(`the Trash has no entry ${id} (already restored, or cleared)`, { id });
    return row;
  }

  async delete(
    model: string,
    target: { key: string | KeyObject } | { where: Predicate },
    opts: { condition?: Predicate },
  ): Promise<{ deleted: ModelRecord[]; trashId?: string }> {
    this.open();
    const { db, datastore } = this;
    if ('where' in target) return { deleted: await datastore.delete(model, target.where, opts) };
    const def = requireModel(this.schema, model);
    const record = await datastore.get(model, target.key);
    if (record === undefined) return { deleted: await datastore.delete(model, target.key, opts) };
    const rows = await this.collect(model, record);
    const trashId = randomUUID();
    const key = keyOf(def, record) ?? {};
    db.prepare('INSERT INTO trash (id, model, key, rows, deletedAt) VALUES (?, ?, ?, ?, ?)').run(
      trashId,
      model,
      JSON.stringify(key),
      this.codec.encode(JSON.stringify(rows)),
      this.now(),
    );
    let deleted: ModelRecord[];
    try {
      deleted = await datastore.delete(model, target.key, opts);
    } catch (error) {
      db.prepare('DELETE FROM trash WHERE id = ?').run(trashId);
      throw error;
    }
    if (deleted.length === 0) {
      db.prepare('DELETE FROM trash WHERE id = ?').run(trashId);
      return { deleted };
    }
    return { deleted, trashId };
  }

  async deletePreview(model: string, key: string | KeyObject): Promise<ResponseOf<'deletePreview'>> {
    this.open();
    const record = await this.datastore.get(model, key);
    if (record === undefined) throw new NotFound(`${model} ${typeof key === 'string' ? key : JSON.stringify(key)} does not exist on this device`);
    return { related: relatedCounts(this.schema, await this.collect(model, record)) };
  }

  async draftSave(model: string, key: KeyObject | null, values: ModelRecord): Promise<Draft> {
    this.open();
    const def = requireModel(this.schema, model);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ValidationError('draftSave: values must be an object', 'values');
    const k = keyJson(def, key);
    const existing = this.db.prepare('SELECT id FROM drafts WHERE model = ? AND keyJson = ?').get(model, k) as { id: string } | undefined;
    const text = JSON.stringify(values);
    const row: DraftRow = {
      id: existing?.id ?? randomUUID(),
      model,
      keyJson: k,
      key: key === null ? null : JSON.stringify(key),
      draftValues: this.codec.encode(text),
      updatedAt: this.now(),
    };
    this.db
      .prepare(
        `INSERT INTO drafts (id, model, keyJson, key, draftValues, updatedAt) VALUES (@id, @model, @keyJson, @key, @draftValues, @updatedAt)
         ON CONFLICT (model, keyJson) DO UPDATE SET draftValues = excluded.draftValues, key = excluded.key, updatedAt = excluded.updatedAt`,
      )
      .run(row);
    return toDraft({ ...row, draftValues: text }, this.codec);
  }

  async draftsList(): Promise<Draft[]> {
    this.open();
    return (this.db.prepare('SELECT * FROM drafts ORDER BY updatedAt DESC, id').all() as DraftRow[]).map((row) => toDraft(row, this.codec));
  }

  async heldFiles(): Promise<Set<string>> {
    this.open();
    const held = new Set<string>();
    const texts = [
      ...(this.db.prepare('SELECT draftValues AS text FROM drafts').all() as Array<{ text: StoredText }>),
      ...(this.db.prepare('SELECT rows AS text FROM trash').all() as Array<{ text: StoredText }>),
    ];
    // Any attachment reference, at any depth: its sha256 member as JSON writes it.
    for (const { text } of texts) for (const match of this.codec.decode(text).matchAll(/"sha256":"([0-9a-f]{64})"/g)) held.add(match[1]!);
    return held;
  }

  async draftDiscard(id: string): Promise<{ removed: boolean }> {
    this.open();
    return { removed: this.db.prepare('DELETE FROM drafts WHERE id = ?').run(id).changes > 0 };
  }

  async trashList(): Promise<TrashItem[]> {
    this.open();
    const items: TrashItem[] = [];
    for (const row of this.db.prepare('SELECT * FROM trash ORDER BY deletedAt DESC, id').all() as TrashDbRow[]) {
      const rows = JSON.parse(this.codec.decode(row.rows)) as TrashRow[];
      const flags = findModel(this.schema, row.model) !== undefined ? await this.inPlaceFlags(rows) : [false];
      items.push({
        id: row.id,
        model: row.model,
        key: JSON.parse(row.key) as Record<string, string | number>,
        record: rows[0]?.record ?? {},
        related: relatedCounts(this.schema, rows),
        deletedAt: row.deletedAt,
        state: flags.every(Boolean) ? 'pending' : 'synced',
      });
    }
    return items;
  }

  async trashRestore(id: string): Promise<ModelRecord> {
    this.open();
    const { schema } = this;
    const entry = this.trashEntry(id);
    const rows = JSON.parse(this.codec.decode(entry.rows)) as TrashRow[];
    const steps = restorePlan(schema, rows, await this.inPlaceFlags(rows), randomUUID);
    // Every record is checked before any is saved, so a record the schema no longer accepts
    // stops the restore before it has half happened (the entry stays in the Trash).
    for (const step of steps) validateRecord(schema, step.model, step.record, 'create');
    const saved: ModelRecord[] = [];
    for (const step of steps) saved.push(await this.datastore.save(step.model, step.record));
    this.db.prepare('DELETE FROM trash WHERE id = ?').run(id);
    return saved[0]!;
  }

  async clear(): Promise<void> {
    this.open();
    this.db.exec('DELETE FROM drafts; DELETE FROM trash;');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
