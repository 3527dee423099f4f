// The "nothing lost without a trace" oracle, as plain functions over what a run recorded: every
// edit a device made, the server's final records, each device's review items. Per field of every
// edit: its value is in the server's final record, or a later edit (or delete) on the same device
// replaced it, or it is in a review item (on the device that made it, or on the device whose write
// replaced it: an OPTIMISTIC_CONCURRENCY retry or a stale delete holds the values it overwrote), or
// a user who saw the value changed or deleted it (an edit or delete made on a device whose local
// record held it: a colleague's informed decision, not a loss). Anything else is lost without a trace.
import type { ModelRecord } from '../../../common/schema/types.js';

/** The schema of the run: one model shared by an owner and a group, scalars, a list and an embedded object. */
export const NOTHING_LOST_SDL = `
type Meta { a: String b: String }
type Task @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["crew"] }]) {
  id: ID!
  title: String
  rating: Int
  tags: [String]
  meta: Meta
}
`;

/** What one edit meant, field by field: a scalar set, a list element added or removed, an embedded key set. */
export type FieldIntent =
  | { readonly kind: 'set'; readonly field: 'title' | 'rating'; readonly value: string | number }
  | { readonly kind: 'add'; readonly field: 'tags'; readonly value: string }
  | { readonly kind: 'remove'; readonly field: 'tags'; readonly value: string }
  | { readonly kind: 'setKey'; readonly field: 'meta'; readonly key: 'a' | 'b'; readonly value: string };

export interface EditRecord {
  readonly device: number;
  /** Order of the edit on its device. */
  readonly seq: number;
  readonly id: string;
  readonly intents: readonly FieldIntent[];
  /** The device's local record just before the edit: what its user saw. */
  readonly seen: ModelRecord;
}

export interface DeleteRecord {
  readonly device: number;
  readonly seq: number;
  readonly id: string;
  /** The device's local record when it deleted it: what the user saw and chose to delete. */
  readonly seen: ModelRecord;
}

/** A review item as the oracle needs it (any kind, any state). */
export interface ReviewLike {
  readonly model: string;
  readonly modelId: string;
  readonly fields: readonly string[];
  readonly mine: ModelRecord | null;
  readonly theirs: ModelRecord | null;
}

export type Verdict = 'onServer' | 'superseded' | 'replacedAfterSeen' | 'ownInbox' | 'otherInbox' | 'deletedAfterSeen' | 'lost';

export interface Tally {
  readonly counts: Record<Verdict, number>;
  /** Field intents in all. */
  readonly total: number;
  /** Intents that are neither on the server nor superseded: what a device without a review inbox would lose. */
  readonly notOnServer: number;
  readonly lost: ReadonlyArray<{ readonly edit: EditRecord; readonly intent: FieldIntent }>;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** True when `record` shows the intent's value. */
export function holds(record: ModelRecord | null | undefined, intent: FieldIntent): boolean {
  if (record === null || record === undefined) return false;
  switch (intent.kind) {
    case 'set':
      return record[intent.field] === intent.value;
    case 'add':
      return listOf(record[intent.field]).includes(intent.value);
    case 'remove':
      return Array.isArray(record[intent.field]) && !listOf(record[intent.field]).includes(intent.value);
    case 'setKey':
      return objectOf(record[intent.field])[intent.key] === intent.value;
  }
}

function sameField(a: FieldIntent, b: FieldIntent): boolean {
  if (a.field !== b.field) return false;
  if (a.kind === 'setKey' && b.kind === 'setKey') return a.key === b.key;
  if ((a.kind === 'add' || a.kind === 'remove') && (b.kind === 'add' || b.kind === 'remove')) return a.value === b.value;
  return a.kind === b.kind;
}

function inItem(item: ReviewLike, id: string, intent: FieldIntent): boolean {
  if (item.model !== 'Task' || item.modelId !== id) return false;
  // A rejected item holds the device's whole version, its `fields` the ones it changed.
  if (!item.fields.includes(intent.field) && !holds(item.mine, intent)) return false;
  return holds(item.mine, intent) || holds(item.theirs, intent);
}

/** Judges every field intent of every edit against the final state. */
export function judge(
  edits: readonly EditRecord[],
  deletes: readonly DeleteRecord[],
  server: ReadonlyMap<string, ModelRecord>,
  reviews: ReadonlyMap<number, readonly ReviewLike[]>,
): Tally {
  const counts: Record<Verdict, number> = { onServer: 0, superseded: 0, replacedAfterSeen: 0, ownInbox: 0, otherInbox: 0, deletedAfterSeen: 0, lost: 0 };
  const lost: Array<{ edit: EditRecord; intent: FieldIntent }> = [];
  let total = 0;
  let notOnServer = 0;
  for (const edit of edits) {
    for (const intent of edit.intents) {
      total++;
      const verdict = judgeOne(edit, intent, edits, deletes, server, reviews);
      counts[verdict]++;
      if (verdict !== 'onServer' && verdict !== 'superseded') notOnServer++;
      if (verdict === 'lost') lost.push({ edit, intent });
    }
  }
  return { counts, total, notOnServer, lost };
}

function judgeOne(
  edit: EditRecord,
  intent: FieldIntent,
  edits: readonly EditRecord[],
  deletes: readonly DeleteRecord[],
  server: ReadonlyMap<string, ModelRecord>,
  reviews: ReadonlyMap<number, readonly ReviewLike[]>,
): Verdict {
  const final = server.get(edit.id);
  if (final !== undefined && final._deleted !== true && holds(final, intent)) return 'onServer';
  const laterOnDevice = edits.some((e) => e.device === edit.device && e.id === edit.id && e.seq > edit.seq && e.intents.some((i) => sameField(i, intent)));
  const deletedLaterOnDevice = deletes.some((d) => d.device === edit.device && d.id === edit.id && d.seq > edit.seq);
  if (laterOnDevice || deletedLaterOnDevice) return 'superseded';
  const replacedAfterSeen = edits.some(
    (e) => e.device !== edit.device && e.id === edit.id && e.intents.some((i) => sameField(i, intent)) && holds(e.seen, intent),
  );
  if (replacedAfterSeen) return 'replacedAfterSeen';
  if ((reviews.get(edit.device) ?? []).some((item) => inItem(item, edit.id, intent))) return 'ownInbox';
  for (const [device, items] of reviews) {
    if (device !== edit.device && items.some((item) => inItem(item, edit.id, intent))) return 'otherInbox';
  }
  if (final?._deleted === true && deletes.some((d) => d.id === edit.id && holds(d.seen, intent))) return 'deletedAfterSeen';
  return 'lost';
}

/** One line per verdict, for the test's log. */
export function describeTally(label: string, tally: Tally): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, tally.total)).toFixed(1)}%`;
  const parts = (Object.keys(tally.counts) as Verdict[]).map((v) => `${v} ${tally.counts[v]} (${pct(tally.counts[v])})`);
  return `${label}: ${tally.total} field edits — ${parts.join(', ')}; not on the server ${tally.notOnServer} (${pct(tally.notOnServer)})`;
}
