// List changes this device made that the server accepted, watched until a later version of the
// record undoes them (`_outpost_list_watches`, DESIGN.md "Nothing lost"). Under AUTOMERGE a device
// that wrote a stale copy of a list has its whole list joined to the stored one: an element this
// device removed comes back, and when the stored list was empty the stale device's answer looks
// exactly like a merge that kept its list, so only this device can tell. When a record arrives
// from the server (sync page, live event) whose list has an element back that this device removed,
// or lacks one it added, that becomes a review item here; the watch then ends. A watch also ends
// when this device's next accepted write of the field replaces it, or after WATCH_DAYS.
import type { FieldDef, ModelRecord } from '../../common/schema/types.js';
import { LIST_WATCHES_TABLE } from './internal-tables.js';
import type { ModelTable } from './model-table.js';
import type { NewReviewItem, ReviewInbox, ReviewRecord } from './review-items.js';
import type { OutboxEntry } from './outbox-entry.js';
import type { SqlRow } from './sqlite-connection.js';
import type { StoreCore } from './store-core.js';

/** How long an accepted list change is watched (days): about a field device's longest time offline. */
export const WATCH_DAYS = 14;

/** One watched list field of one record. */
export interface ListWatch {
  readonly model: string;
  readonly modelId: string;
  readonly field: string;
  /** Elements this device added (absent from its base). */
  readonly added: readonly unknown[];
  /** Elements this device removed (in its base, in none of its copies any more). */
  readonly removed: readonly unknown[];
  /** The `_version` the server answered the write with. */
  readonly version: number | null;
  readonly at: number;
}

/** A key for list elements: JSON with object keys sorted. */
export function elementKey(value: unknown): string {
  return JSON.stringify(sortKeys(value ?? null));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .filter((k) => object[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(object[k])]),
    );
  }
  return value;
}

function keys(list: readonly unknown[]): Set<string> {
  return new Set(list.map(elementKey));
}

/**
 * What an accepted create/update changed in each list field it sent, as it stands in the answer
 * (`server`): elements added (not in the base, in the answer) and removed (in the base, in neither
 * the sent list nor the answer). A field with neither gets an empty watch (it ends an older one).
 */
export function acceptedListChanges(table: ModelTable, entry: OutboxEntry, server: ModelRecord, at: number): ListWatch[] {
  if (entry.operation === 'Delete') return [];
  const base = entry.operation === 'Create' ? {} : entry.base;
  if (base === null || base === undefined) return [];
  const out: ListWatch[] = [];
  for (const field of table.fields as readonly FieldDef[]) {
    if (!field.isList || field.type.kind === 'model' || !Object.hasOwn(entry.data, field.name)) continue;
    const sent = entry.data[field.name];
    const answered = server[field.name];
    if (!Array.isArray(sent) || !Array.isArray(answered)) continue;
    const before = Array.isArray(base[field.name]) ? (base[field.name] as unknown[]) : [];
    const inBase = keys(before);
    const inSent = keys(sent);
    const inAnswer = keys(answered);
    const added = uniqueBy(sent.filter((x) => !inBase.has(elementKey(x)) && inAnswer.has(elementKey(x))));
    const removed = uniqueBy(before.filter((x) => !inSent.has(elementKey(x)) && !inAnswer.has(elementKey(x))));
    out.push({
      model: table.name,
      modelId: entry.modelId,
      field: field.name,
      added,
      removed,
      version: typeof server._version === 'number' ? server._version : null,
      at,
    });
  }
  return out;
}

/**
 * An older watch as it stands once this device sends `sent` (a new write's data): elements the new
 * write itself puts back (a removed one in its list) or takes out (an added one not in it) are this
 * device's own later choice, no longer watched. A field the new write does not send is unchanged.
 */
export function withoutRewritten(watch: ListWatch, sent: ModelRecord): ListWatch {
  const list = sent[watch.field];
  if (!Object.hasOwn(sent, watch.field) || !Array.isArray(list)) return watch;
  const inSent = keys(list);
  return { ...watch, removed: watch.removed.filter((x) => !inSent.has(elementKey(x))), added: watch.added.filter((x) => inSent.has(elementKey(x))) };
}

/** One watch of a field from an older one still standing and the newer write's (its version). */
export function mergeWatches(older: ListWatch, newer: ListWatch): ListWatch {
  return { ...newer, added: uniqueBy([...older.added, ...newer.added]), removed: uniqueBy([...older.removed, ...newer.removed]) };
}

function uniqueBy(list: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const key = elementKey(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The review item when `incoming` (a newer server version of the record) undoes `watch`: an element
 * removed is back, or one added is gone. Null when it does not (or the list is not in the record).
 * `mine` is the incoming list with this device's change applied again.
 */
export function undoneListChange(watch: ListWatch, keyValues: ModelRecord, incoming: ModelRecord): NewReviewItem | null {
  const list = incoming[watch.field];
  if (!Array.isArray(list)) return null;
  const present = keys(list);
  const back = watch.removed.filter((x) => present.has(elementKey(x)));
  const gone = watch.added.filter((x) => !present.has(elementKey(x)));
  if (back.length === 0 && gone.length === 0) return null;
  const removedKeys = keys(back);
  const wanted = [...list.filter((x) => !removedKeys.has(elementKey(x))), ...gone];
  const parts: string[] = [];
  if (back.length > 0) parts.push(`put back ${describe(back)}, which this device had removed`);
  if (gone.length > 0) parts.push(`took out ${describe(gone)}, which this device had added`);
  return {
    kind: 'overridden',
    model: watch.model,
    modelId: watch.modelId,
    operation: 'Update',
    fields: [watch.field],
    mine: { ...keyValues, [watch.field]: wanted },
    theirs: incoming,
    reason: `In ${watch.field}, a later change from another device ${parts.join(' and ')}.`,
    baseVersion: watch.version,
  };
}

function describe(elements: readonly unknown[]): string {
  const shown = elements.slice(0, 3).map((x) => (typeof x === 'string' ? `"${x}"` : JSON.stringify(x)));
  return elements.length > 3 ? `${shown.join(', ')} and ${elements.length - 3} more` : shown.join(elements.length === 2 ? ' and ' : ', ');
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The watches table, used inside the outbox's and the remote merge's transactions. */
export class ListWatchStore {
  constructor(private readonly core: StoreCore) {}

  /** Every watch of one model, by `modelId` (an empty map without any: one indexed read). */
  ofModel(model: string): Map<string, ListWatch[]> {
    const out = new Map<string, ListWatch[]>();
    const k = this.core.conn.kysely;
    for (const row of this.core.conn.all(k.selectFrom(LIST_WATCHES_TABLE).selectAll().where('model', '=', model).compile())) {
      const watch = decodeWatch(row);
      const list = out.get(watch.modelId);
      if (list === undefined) out.set(watch.modelId, [watch]);
      else list.push(watch);
    }
    return out;
  }

  /** The watches of one record. */
  ofRecord(model: string, modelId: string): ListWatch[] {
    const k = this.core.conn.kysely;
    return this.core.conn
      .all(k.selectFrom(LIST_WATCHES_TABLE).selectAll().where('model', '=', model).where('modelId', '=', modelId).compile())
      .map(decodeWatch);
  }

  /** Stores `watch` in place of the field's previous one; an empty watch only ends the previous one. */
  put(watch: ListWatch): void {
    const k = this.core.conn.kysely;
    this.end(watch);
    if (watch.added.length === 0 && watch.removed.length === 0) return;
    this.core.conn.run(
      k
        .insertInto(LIST_WATCHES_TABLE)
        .values({
          model: watch.model,
          modelId: watch.modelId,
          field: watch.field,
          added: JSON.stringify(watch.added),
          removed: JSON.stringify(watch.removed),
          version: watch.version,
          at: watch.at,
        })
        .compile(),
    );
  }

  /** Ends one field's watch. */
  end(watch: Pick<ListWatch, 'model' | 'modelId' | 'field'>): void {
    const k = this.core.conn.kysely;
    this.core.conn.run(
      k.deleteFrom(LIST_WATCHES_TABLE).where('model', '=', watch.model).where('modelId', '=', watch.modelId).where('field', '=', watch.field).compile(),
    );
  }

  /** Ends watches older than WATCH_DAYS. */
  prune(now: number): void {
    const k = this.core.conn.kysely;
    this.core.conn.run(
      k
        .deleteFrom(LIST_WATCHES_TABLE)
        .where('at', '<', now - WATCH_DAYS * DAY_MS)
        .compile(),
    );
  }

  /**
   * Checks `incoming` (a server version of the record) against its watches: each one it undoes
   * becomes a review item (stored with `reviews`, returned for announcing) and ends.
   */
  check(table: ModelTable, incoming: ModelRecord, watches: readonly ListWatch[], reviews: ReviewInbox): ReviewRecord[] {
    const out: ReviewRecord[] = [];
    const version = typeof incoming._version === 'number' ? incoming._version : null;
    const key: ModelRecord = {};
    for (const name of table.primaryKey) key[name] = incoming[name];
    for (const watch of watches) {
      if (version !== null && watch.version !== null && version <= watch.version) continue;
      const item = undoneListChange(watch, key, incoming);
      if (item === null) continue;
      out.push(reviews.insertInTransaction(item));
      this.end(watch);
    }
    return out;
  }
}

function decodeWatch(row: SqlRow): ListWatch {
  return {
    model: String(row.model),
    modelId: String(row.modelId),
    field: String(row.field),
    added: JSON.parse(String(row.added)) as unknown[],
    removed: JSON.parse(String(row.removed)) as unknown[],
    version: row.version === null ? null : Number(row.version),
    at: Number(row.at),
  };
}
