// How large a record is as the server will store it, counted the way the Outpost server's
// `maxItemBytes` check counts it (server/resolvers/mutation-resolvers.ts `itemBytes`): the UTF-8
// bytes of the JSON of every stored field (null when unset, timestamps included), the sync
// metadata (`_version`, `_lastChangedAt`, `_deleted`) aside. JavaScript's `string.length` counts
// UTF-16 units, so "é" is 1 there and 2 bytes here; a check on characters lets a 1.4 MB record
// through a 400 KB limit. Where the client cannot know a value the server writes (timestamps, a
// generated id) it counts the widest the server writes, so a record this accepts the server accepts.
import { ValidationError } from '../errors.js';
import { hasGeneratedId } from './record-key.js';
import { storedFields } from './model-fields.js';
import type { ModelDef, ModelRecord } from './types.js';

/** DynamoDB's item limit (400 KB) and the Outpost server's default `maxItemBytes`, in bytes. */
export const DEFAULT_MAX_ITEM_BYTES = 409_600;

/**
 * The item limit to check against, in bytes: the `maxItemBytes` the backend announced, else
 * 409,600 (a backend that announces none, AWS AppSync over DynamoDB, refuses larger items).
 */
export function itemLimitOf(announced: number | null | undefined): number {
  return typeof announced === 'number' && Number.isSafeInteger(announced) && announced > 0 ? announced : DEFAULT_MAX_ITEM_BYTES;
}

/** UTF-8 bytes of `text` (what Buffer.byteLength counts), without encoding it. Lone surrogates count 3 (U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether the item is a new record (the server stamps both timestamps) or replaces a stored one (it keeps createdAt). */
export type ItemWrite = 'create' | 'update';

/** Options of `storedItemOf`. */
export interface StoredItemOptions {
  readonly kind: ItemWrite;
  /** Values the server fills on create (owner fields), field → value; default none. */
  readonly fill?: Readonly<Record<string, unknown>>;
}

// The widest values the server writes where the client cannot know them: an ISO timestamp from
// `toISOString()` (24 characters until year 10000), a UUID.
const TIMESTAMP_PLACEHOLDER = '0000-00-00T00:00:00.000Z';
const GENERATED_ID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

/**
 * The item the server will measure for `record` (a local row, or a patch merged over one): every
 * stored field of `model` (null when unset) with its timestamps; no sync metadata.
 */
export function storedItemOf(model: ModelDef, record: ModelRecord, options: StoredItemOptions): ModelRecord {
  const item: ModelRecord = {};
  const fill = options.fill ?? {};
  for (const field of storedFields(model)) {
    const value = Object.hasOwn(fill, field.name) ? fill[field.name] : record[field.name];
    item[field.name] = value === undefined ? null : value;
  }
  const { createdAt, updatedAt } = model.timestamps;
  // The server stamps createdAt on create and keeps it on update; it stamps updatedAt on every write.
  if (createdAt !== null && (options.kind === 'create' || typeof item[createdAt] !== 'string')) item[createdAt] = TIMESTAMP_PLACEHOLDER;
  if (updatedAt !== null) item[updatedAt] = TIMESTAMP_PLACEHOLDER;
  if (options.kind === 'create' && hasGeneratedId(model) && (item.id === null || item.id === '')) item.id = GENERATED_ID_PLACEHOLDER;
  return item;
}

/** One field's share of an item: the bytes of `"name":value,` in its JSON. */
export interface FieldSize {
  readonly field: string;
  readonly bytes: number;
}

/** The UTF-8 size of an item's JSON and each of its fields' shares, largest first. */
export interface ItemSize {
  readonly bytes: number;
  /** The item's fields, largest first. */
  readonly fields: readonly FieldSize[];
}

/** Measures `item` (as built by `storedItemOf`): total bytes of its JSON and each field's share. */
export function measureItem(item: ModelRecord): ItemSize {
  const fields: FieldSize[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    // `"name":` + value + the separating comma.
    fields.push({ field: name, bytes: utf8ByteLength(JSON.stringify(name)) + 1 + utf8ByteLength(JSON.stringify(value)) + 1 });
  }
  fields.sort((a, b) => b.bytes - a.bytes || a.field.localeCompare(b.field));
  return { bytes: utf8ByteLength(JSON.stringify(item)), fields };
}

/**
 * A size in the units DynamoDB states its limit in (1 KB = 1,024 bytes): "812 bytes", "400 KB",
 * "1.3 MB". `round: 'up'` never shows less than `bytes` (for "shorten by at least …").
 */
export function formatBytes(bytes: number, round: 'nearest' | 'up' = 'nearest'): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  const step = value >= 100 ? 1 : 10;
  const rounded = (round === 'up' ? Math.ceil(value * step) : Math.round(value * step)) / step;
  return `${rounded} ${unit}`;
}

/** A record the backend would refuse for its size. */
export interface ItemTooLarge {
  readonly model: string;
  /** `Model.field` of the largest field. */
  readonly path: string;
  readonly bytes: number;
  readonly limit: number;
  /** The largest fields, `Model.field` with their bytes, largest first (at most three). */
  readonly largest: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
  /** What the user reads: the field(s) to shorten, the size and the limit in plain words. */
  readonly message: string;
}

function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * The problem with `record` when the item the server would store is over `limit` bytes (default
 * 409,600), or null when it fits. Names the field making it large, or the largest three when
 * no field alone is most of it.
 */
export function itemSizeProblem(model: ModelDef, record: ModelRecord, options: StoredItemOptions & { readonly limit?: number }): ItemTooLarge | null {
  const limit = options.limit ?? DEFAULT_MAX_ITEM_BYTES;
  const size = measureItem(storedItemOf(model, record, options));
  if (size.bytes <= limit) return null;
  const largest = size.fields.slice(0, 3).map((f) => ({ path: `${model.name}.${f.field}`, bytes: f.bytes }));
  const top = largest[0] ?? { path: model.name, bytes: size.bytes };
  const sizeText = `${formatBytes(size.bytes)} (${exactBytes(size.bytes)})`;
  const limitText = `the server accepts at most ${formatBytes(limit)} (${exactBytes(limit)}) per record`;
  const over = size.bytes - limit;
  // One field "makes" the record large when it alone is more than half of it.
  const message =
    top.bytes * 2 > size.bytes
      ? `${top.path} makes this record ${sizeText}; ${limitText}. Shorten ${top.path} by at least ${formatBytes(over, 'up')}.`
      : `This ${model.name} record is ${sizeText}, largest fields ${largest.map((f) => `${f.path} (${formatBytes(f.bytes)})`).join(', ')}; ${limitText}. Shorten them by at least ${formatBytes(over, 'up')} in all.`;
  return { model: model.name, path: top.path, bytes: size.bytes, limit, largest, message };
}

/** The ValidationError (path `Model.field`, details `rule: 'too-large'`, `bytes`, `limit`) for a record over the limit. */
export function itemTooLargeError(problem: ItemTooLarge): ValidationError {
  return new ValidationError(problem.message, problem.path, {
    rule: 'too-large',
    bytes: problem.bytes,
    limit: problem.limit,
    largest: problem.largest.map((f) => ({ ...f })),
  });
}
