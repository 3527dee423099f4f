// Overridden-edit detection (DESIGN.md "Nothing lost"): after the server accepted a write, which of
// the values this device sent did not survive in the item it answered — on any backend and under
// any strategy (AUTOMERGE, FIELD_MERGE, custom resolvers). And for the conflict handler's retry,
// which values of another device this device's write replaces. Pure functions over records; the
// outbox processor stores what they find as review items. Nothing here changes what is sent.
//
// Rules, per field this device sent:
// - scalars and enums by value (AWSJSON by its parsed value, AWSDateTime/AWSDate by instant);
// - embedded objects per key: only keys this device changed relative to its base must survive;
// - lists by the elements this device added or removed relative to its base (a multiset): an
//   added element must be there as often as this device had it, a removed one no more often; a
//   list in which the merge left more copies of an element than either this device or its base had
//   (AUTOMERGE's concatenation) is flagged too.
// - A stale write (the answer's version is past the sent one + 1: another write came between)
//   whose answered list ends with the list sent was joined to the stored list (AUTOMERGE): the
//   part before it is the other device's list, so the right result is known — the three-way merge
//   of base, mine and theirs — and any difference is flagged, including elements another device
//   had removed that this device's copy of the base put back. When that part is empty the answer
//   looks the same as a merge that kept this device's list, so it is read as a join only on a
//   model already seen joining lists (`listsConcatenate`, learnt from `showsListConcatenation`).
// For each field that did not survive, `mine` is what the field should hold to carry this device's
// change on top of the server's value (for a scalar: the value sent) — what "keep mine" applies.
import type { FieldDef, ModelDef, ModelRecord } from '../../common/schema/types.js';
import { valuesEqual } from '../datastore/value-equality.js';

/** Why a field's sent value did not survive. */
export type LostKind =
  /** The server kept another value (a scalar, or keys of an embedded object). */
  | 'replaced'
  /** Elements this device added are missing or elements it removed are back. */
  | 'listChanges'
  /** The merge repeated elements (more copies than either side had). */
  | 'duplicates'
  /** This device's write put back elements another device had removed (a join of both lists). */
  | 'theirRemovalsUndone';

/** What is known about the write beyond the values: see the header. */
export interface DetectionContext {
  /** The answer's `_version` is past the sent one + 1: another device wrote in between. */
  readonly stale?: boolean;
  /** This model's server has been seen joining lists (AUTOMERGE). */
  readonly listsConcatenate?: boolean;
}

/** One field whose value did not survive. */
export interface LostField {
  readonly field: string;
  readonly kind: LostKind;
  /** This device's change applied to the server's value (see the header). */
  readonly mine: unknown;
  /** The server's value. */
  readonly theirs: unknown;
}

/** The user fields of `model` a write carries: stored, not server-owned, not part of the key. */
export function userFields(model: ModelDef): FieldDef[] {
  return model.fields.filter((f) => f.type.kind !== 'model' && !f.isReadOnly && !model.primaryKey.includes(f.name));
}

/**
 * Fields of `sent` (the create/update input this device sent) whose value did not survive in
 * `server` (the item the server answered). `base` holds the values before this device's edit of
 * the fields it changed (null for a create: every sent element and key counts as added).
 */
export function overriddenFields(
  model: ModelDef,
  sent: ModelRecord,
  base: ModelRecord | null,
  server: ModelRecord,
  context: DetectionContext = {},
): LostField[] {
  const lost: LostField[] = [];
  for (const field of userFields(model)) {
    if (!Object.hasOwn(sent, field.name)) continue;
    const mine = sent[field.name];
    // An implicit field left null (the owner) is the server's to fill in.
    if (field.isImplicit && (mine === null || mine === undefined)) continue;
    // A field the answer does not select says nothing about what was stored.
    if (!Object.hasOwn(server, field.name)) continue;
    const theirs = server[field.name];
    const before = base === null ? undefined : Object.hasOwn(base, field.name) ? base[field.name] : undefined;
    const found = compareField(field, mine, before, theirs, context);
    if (found !== null) lost.push(found);
  }
  return lost;
}

/**
 * The other device's values that this device's conflict retry replaces: fields of `retry` where
 * the server's current value (`remote`) differs from what this device last knew (`known`: its base
 * for the fields it changed) and the retry writes something else. Fields without a known value
 * are skipped (no base, nothing to tell). `mine` is the retry's value, `theirs` the replaced one.
 */
export function overwrittenFields(model: ModelDef, retry: ModelRecord, known: ModelRecord | null, remote: ModelRecord): LostField[] {
  if (known === null) return [];
  const out: LostField[] = [];
  for (const field of userFields(model)) {
    if (!Object.hasOwn(retry, field.name) || !Object.hasOwn(known, field.name) || !Object.hasOwn(remote, field.name)) continue;
    const theirs = remote[field.name];
    if (sameValue(field, theirs, known[field.name]) || sameValue(field, retry[field.name], theirs)) continue;
    out.push({ field: field.name, kind: 'replaced', mine: retry[field.name], theirs });
  }
  return out;
}

/**
 * What a delete sent against a stale version threw away: fields of the server's record
 * (`remote`) that differ from this device's last known values (`base` for fields edited locally
 * while queued, else the deleted record `deleted`). `mine` is the deleted record's value.
 */
export function discardedByDelete(model: ModelDef, deleted: ModelRecord, base: ModelRecord | null, remote: ModelRecord): LostField[] {
  if (remote._deleted === true) return [];
  const out: LostField[] = [];
  for (const field of userFields(model)) {
    if (!Object.hasOwn(remote, field.name)) continue;
    const known = base !== null && Object.hasOwn(base, field.name) ? base[field.name] : deleted[field.name];
    if (known === undefined) continue;
    if (sameValue(field, remote[field.name], known)) continue;
    out.push({ field: field.name, kind: 'replaced', mine: deleted[field.name] ?? null, theirs: remote[field.name] });
  }
  return out;
}

/**
 * "Keep mine" for one field: `mine` carried onto the field's `current` value, given `theirs`, the
 * server value `mine` was computed against. Lists get the element changes from `theirs` to `mine`
 * (applying it twice changes nothing), embedded objects the keys that differ; scalars (and a value that is not a list/object on every
 * side) simply take `mine`. With `mine`/`theirs` swapped it restores the other device's value.
 */
export function reapply(field: FieldDef | undefined, mine: unknown, theirs: unknown, current: unknown): unknown {
  if (field?.isList === true && Array.isArray(mine) && Array.isArray(theirs) && Array.isArray(current)) {
    const cMine = counts(mine);
    const cTheirs = counts(theirs);
    const cCurrent = counts(current);
    const target = new Map<string, number>();
    // Idempotent: an element `mine` has more often than `theirs` is there at least that often, one
    // it has less often at most that often; the rest of `current` is left as it is.
    for (const key of new Set([...cMine.keys(), ...cTheirs.keys(), ...cCurrent.keys()])) {
      const m = cMine.get(key) ?? 0;
      const t = cTheirs.get(key) ?? 0;
      const c = cCurrent.get(key) ?? 0;
      target.set(key, m > t ? Math.max(c, m) : m < t ? Math.min(c, m) : c);
    }
    return rebuild(current, mine, target);
  }
  if (field?.type.kind === 'embedded' && !field.isList && isObject(mine) && isObject(theirs) && isObject(current)) {
    const out: Record<string, unknown> = { ...current };
    for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
      if (!valuesEqual(mine[key], theirs[key])) out[key] = mine[key] ?? null;
    }
    return out;
  }
  return mine;
}

// --- internals --------------------------------------------------------------------------------

function compareField(field: FieldDef, mine: unknown, base: unknown, theirs: unknown, context: DetectionContext): LostField | null {
  if (field.isList && Array.isArray(mine) && Array.isArray(theirs)) return compareList(field, mine, Array.isArray(base) ? base : [], theirs, context);
  if (field.type.kind === 'embedded' && !field.isList && isObject(mine) && isObject(theirs)) {
    const before = isObject(base) ? base : null;
    const desired: Record<string, unknown> = { ...theirs };
    const kinds = new Set<LostKind>();
    for (const key of new Set([...Object.keys(mine), ...Object.keys(before ?? {})])) {
      const m = mine[key];
      const t = theirs[key];
      if (Array.isArray(m) && Array.isArray(t)) {
        // A list inside the object merges like a list (AUTOMERGE concatenates it even when only
        // the other keys changed).
        const b = before !== null && Array.isArray(before[key]) ? (before[key] as unknown[]) : before === null ? [] : m;
        const outcome = listOutcome(m, b, t, context);
        if (outcome !== null) {
          desired[key] = outcome.desired;
          kinds.add(outcome.kind);
        }
        continue;
      }
      if ((before === null || !valuesEqual(m, before[key])) && !valuesEqual(m, t)) {
        desired[key] = m ?? null;
        kinds.add('replaced');
      }
    }
    if (kinds.size === 0) return null;
    const kind: LostKind = (['replaced', 'listChanges', 'theirRemovalsUndone', 'duplicates'] as const).find((k) => kinds.has(k))!;
    return { field: field.name, kind, mine: desired, theirs };
  }
  return sameValue(field, mine, theirs) ? null : { field: field.name, kind: 'replaced', mine, theirs };
}

function compareList(
  field: FieldDef,
  mine: readonly unknown[],
  base: readonly unknown[],
  theirs: readonly unknown[],
  context: DetectionContext,
): LostField | null {
  const outcome = listOutcome(mine, base, theirs, context);
  return outcome === null ? null : { field: field.name, kind: outcome.kind, mine: outcome.desired, theirs };
}

/**
 * True when the answer to a stale write shows the server joining lists: a sent list field whose
 * answer is another list followed by the sent one, where an element this device kept from its base
 * is in both (a merge with a base never repeats an element both sides kept).
 */
export function showsListConcatenation(model: ModelDef, sent: ModelRecord, base: ModelRecord | null, server: ModelRecord, context: DetectionContext): boolean {
  if (context.stale !== true || base === null) return false;
  for (const field of userFields(model)) {
    const mine = sent[field.name];
    const theirs = server[field.name];
    const before = base[field.name];
    if (!field.isList || !Array.isArray(mine) || !Array.isArray(theirs) || !Array.isArray(before)) continue;
    const prefix = joinedPrefix(mine, theirs);
    if (prefix === null || prefix.length === 0) continue;
    const inPrefix = counts(prefix);
    const inMine = counts(mine);
    if ([...counts(before).keys()].some((key) => (inMine.get(key) ?? 0) > 0 && (inPrefix.get(key) ?? 0) > 0)) return true;
  }
  return false;
}

/** The list before `mine` when `theirs` is some list followed by `mine`, else null. */
function joinedPrefix(mine: readonly unknown[], theirs: readonly unknown[]): unknown[] | null {
  if (theirs.length < mine.length) return null;
  const offset = theirs.length - mine.length;
  for (let i = 0; i < mine.length; i++) if (canonical(theirs[offset + i]) !== canonical(mine[i])) return null;
  return theirs.slice(0, offset);
}

/** The list rules of the header: null when the list carries this device's change, else what it should be. */
function listOutcome(
  mine: readonly unknown[],
  base: readonly unknown[],
  theirs: readonly unknown[],
  context: DetectionContext,
): { kind: LostKind; desired: unknown[] } | null {
  const stored = context.stale === true ? joinedPrefix(mine, theirs) : null;
  if (stored !== null && (stored.length > 0 || context.listsConcatenate === true)) return joinedOutcome(mine, base, stored, theirs);
  return mergedOutcome(mine, base, theirs);
}

/**
 * `theirs` = `stored` (the other device's list) joined with `mine`: the right result is the
 * three-way merge of base, mine and stored; null when the answer holds just that.
 */
function joinedOutcome(
  mine: readonly unknown[],
  base: readonly unknown[],
  stored: readonly unknown[],
  theirs: readonly unknown[],
): { kind: LostKind; desired: unknown[] } | null {
  const cMine = counts(mine);
  const cBase = counts(base);
  const cStored = counts(stored);
  const cTheirs = counts(theirs);
  const target = new Map<string, number>();
  let kind: LostKind | null = null;
  for (const key of new Set([...cMine.keys(), ...cBase.keys(), ...cStored.keys()])) {
    const m = cMine.get(key) ?? 0;
    const b = cBase.get(key) ?? 0;
    const p = cStored.get(key) ?? 0;
    // An element this device removed entirely is gone and one it added is there (whatever copies
    // the other side holds: a person removes or adds a tag, not a copy of it); otherwise copies
    // merge as counts.
    const t = m === 0 && b > 0 ? 0 : b === 0 && m > 0 ? Math.max(p, m) : Math.max(0, p + m - b);
    target.set(key, t);
    const s = cTheirs.get(key) ?? 0;
    if (s === t) continue;
    // Ranked: a removal of the other device undone, then a change of this device lost, then repeats.
    const found: LostKind = s > t && m < b ? 'listChanges' : s > t && p < b ? 'theirRemovalsUndone' : s < t ? 'listChanges' : 'duplicates';
    if (kind === null || rank(found) < rank(kind)) kind = found;
  }
  return kind === null ? null : { kind, desired: rebuild(stored, mine, target) };
}

function rank(kind: LostKind): number {
  return ['theirRemovalsUndone', 'listChanges', 'duplicates', 'replaced'].indexOf(kind);
}

function mergedOutcome(mine: readonly unknown[], base: readonly unknown[], theirs: readonly unknown[]): { kind: LostKind; desired: unknown[] } | null {
  const cMine = counts(mine);
  const cBase = counts(base);
  const cTheirs = counts(theirs);
  const target = new Map<string, number>();
  let changesLost = false;
  let duplicated = false;
  for (const key of new Set([...cMine.keys(), ...cBase.keys(), ...cTheirs.keys()])) {
    const m = cMine.get(key) ?? 0;
    const b = cBase.get(key) ?? 0;
    const s = cTheirs.get(key) ?? 0;
    let t = s;
    if (m > b && s < m) {
      t = m; // an addition of this device is missing
      changesLost = true;
    } else if (m < b && s > m) {
      t = m; // a removal of this device was undone
      changesLost = true;
    } else if (s > 1 && s > Math.max(m, b)) {
      t = Math.max(m, b); // the merge repeated it
      duplicated = true;
    }
    target.set(key, t);
  }
  if (!changesLost && !duplicated) return null;
  return { kind: changesLost ? 'listChanges' : 'duplicates', desired: rebuild(theirs, mine, target) };
}

/** `start` with each element kept up to its target count, then the missing ones appended in `order`'s order. */
function rebuild(start: readonly unknown[], order: readonly unknown[], target: ReadonlyMap<string, number>): unknown[] {
  const out: unknown[] = [];
  const used = new Map<string, number>();
  const take = (item: unknown): void => {
    const key = canonical(item);
    const n = used.get(key) ?? 0;
    if (n >= (target.get(key) ?? 0)) return;
    used.set(key, n + 1);
    out.push(item);
  };
  for (const item of start) take(item);
  for (const item of order) take(item);
  return out;
}

function counts(list: readonly unknown[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of list) {
    const key = canonical(item);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** A key for list elements: JSON with object keys sorted (embedded elements compare by value). */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value ?? null));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal as the server stores them: AWSJSON by parsed value, dates and times by the instant they name. */
function sameValue(field: FieldDef, a: unknown, b: unknown): boolean {
  if (valuesEqual(a, b)) return true;
  if (typeof a !== 'string' || typeof b !== 'string' || field.type.kind !== 'scalar') return false;
  switch (field.type.name) {
    case 'AWSJSON':
      try {
        return valuesEqual(JSON.parse(a), JSON.parse(b));
      } catch {
        return false;
      }
    case 'AWSDateTime':
    case 'AWSDate': {
      const ta = Date.parse(a);
      return Number.isFinite(ta) && ta === Date.parse(b);
    }
    default:
      return false;
  }
}
