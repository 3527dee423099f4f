// FIELD_MERGE: a three-way merge of a stale update into the stored item, against the base (the
// record as of the update's `_version`, read from the change log). A field only the client changed
// takes the client's value; a field only the server side changed keeps the stored value; a field
// both changed to different values keeps the stored value (first to sync wins), except lists
// (three-way multiset merge) and embedded objects (per key, recursively). Without a base (past the
// change-log retention, or an update without `_version`) it is AppSync's AUTOMERGE exactly.
//
// Null and absent are one value, `null`: a field or embedded key that is missing reads as null, so
// "set to null" is a change like any other, and a side that cleared a field changed it.
import { automerge } from './automerge.js';

type Fields = Readonly<Record<string, unknown>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent (undefined) reads as null. */
function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** A canonical JSON text of `value` (object keys sorted, absent keys dropped): equal texts, equal values. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined && value[k] !== null)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(orNull(value));
}

/** Deep equality with absent = null (also inside embedded objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return canonical(a) === canonical(b);
}

function counts(list: readonly unknown[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const element of list) {
    const key = canonical(element);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * Three-way merge of lists as multisets. Per element, each side's change of its count against the
 * base applies; when both sides added (or both removed) the same element, the larger change counts
 * once, not twice. Order: the stored list's order, then the client's additions in the client's order.
 */
export function mergeLists(base: readonly unknown[], stored: readonly unknown[], incoming: readonly unknown[]): unknown[] {
  const b = counts(base);
  const s = counts(stored);
  const c = counts(incoming);
  const target = new Map<string, number>();
  for (const key of new Set([...b.keys(), ...s.keys(), ...c.keys()])) {
    const inBase = b.get(key) ?? 0;
    const ds = (s.get(key) ?? 0) - inBase;
    const dc = (c.get(key) ?? 0) - inBase;
    let delta: number;
    if (ds > 0 && dc > 0) delta = Math.max(ds, dc);
    else if (ds < 0 && dc < 0) delta = Math.min(ds, dc);
    else delta = ds + dc;
    target.set(key, Math.max(0, inBase + delta));
  }
  const placed = new Map<string, number>();
  const out: unknown[] = [];
  const take = (element: unknown): void => {
    const key = canonical(element);
    const n = placed.get(key) ?? 0;
    if (n < (target.get(key) ?? 0)) {
      placed.set(key, n + 1);
      out.push(element);
    }
  };
  stored.forEach(take);
  incoming.forEach(take);
  return out;
}

function mergeObjects(base: Fields, stored: Fields, incoming: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(stored), ...Object.keys(incoming), ...Object.keys(base)])) {
    const value = mergeValue(base[key], stored[key], incoming[key]);
    // Keys neither side holds stay absent rather than appearing as null.
    if (value !== null || key in stored || key in incoming) out[key] = value;
  }
  return out;
}

/** One field (or embedded key): the merged value of `incoming` into `stored` against `base`. */
export function mergeValue(base: unknown, stored: unknown, incoming: unknown): unknown {
  const b = orNull(base);
  const s = orNull(stored);
  const c = orNull(incoming);
  if (sameValue(s, b)) return c; // only the client changed it (or nobody did)
  if (sameValue(c, s) || sameValue(c, b)) return s; // the same change, or only the server side changed it
  // Both changed it to different values. A null base of a list or object counts as empty.
  if (Array.isArray(s) && Array.isArray(c) && (b === null || Array.isArray(b))) {
    return mergeLists((b as unknown[] | null) ?? [], s, c);
  }
  if (isPlainObject(s) && isPlainObject(c) && (b === null || isPlainObject(b))) {
    return mergeObjects((b as Fields | null) ?? {}, s, c);
  }
  return s; // scalars (and a list/object against null): first to sync wins
}

/**
 * The stored item with `changes` (the update's client-writable fields, no key or metadata) merged
 * in against `base`, the record as of the update's `_version`; without a base, AUTOMERGE's result.
 */
export function fieldMerge(base: Fields | undefined, stored: Fields, changes: Fields): Record<string, unknown> {
  if (base === undefined) return automerge(stored, changes);
  const out: Record<string, unknown> = { ...stored };
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    out[field] = mergeValue(base[field], stored[field], value);
  }
  return out;
}
