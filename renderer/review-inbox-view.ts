// What the review inbox decides, as plain functions over data: which entry is shown, the key of
// the record an item is about and how its key reads, which fields a conflict compares, whether
// the detail must be scrolled to, and its short sentences.
import type { Conflict, ReviewItem } from '../common/ipc/contract.js';
import { keyFromModelId, keyOf, type KeyObject } from '../common/schema/record-key.js';
import type { ModelDef, Schema } from '../common/schema/types.js';
import { findModel } from '../common/schema/model-fields.js';
import { belongsToFor, relatedKey } from './schema-view.js';

/** Metadata a conflict's comparison leaves out. */
const HIDDEN = new Set(['_version', '_lastChangedAt', '_deleted', 'createdAt', 'updatedAt', 'owner', '__typename']);

/** The entry selected in the inbox: a review item or a conflict-log entry, by id. */
export type Selected = { readonly kind: 'review'; readonly id: string } | { readonly kind: 'conflict'; readonly id: string };

/** The key of the record an item is about: main's, else read from its records, else from `recordId`. */
export function itemKey(
  schema: Schema,
  item: { key?: KeyObject; model: string; recordId: string },
  ...records: Array<Record<string, unknown> | null>
): KeyObject | undefined {
  if (item.key) return item.key;
  const model = findModel(schema, item.model);
  if (!model) return undefined;
  for (const record of records) {
    const key = keyOf(model, record);
    if (key) return key;
  }
  return keyFromModelId(model, item.recordId);
}

/**
 * The entry the detail pane shows: `selected` while it is still listed, else the first open item,
 * the first decided one, the first conflict, or nothing.
 */
export function shownSelection(selected: Selected | null, items: readonly ReviewItem[], conflicts: readonly Conflict[]): Selected | null {
  const listed = (s: Selected): boolean => (s.kind === 'review' ? items.some((i) => i.id === s.id) : conflicts.some((c) => c.id === s.id));
  if (selected !== null && listed(selected)) return selected;
  const open = items.find((i) => i.state === 'open');
  const decided = items.find((i) => i.state !== 'open');
  const first = open ?? decided;
  if (first) return { kind: 'review', id: first.id };
  return conflicts[0] ? { kind: 'conflict', id: conflicts[0].id } : null;
}

/** "Nothing waiting" or "3 to review". */
export function waitingText(waiting: number): string {
  return waiting === 0 ? 'Nothing waiting' : `${waiting} to review`;
}

/** The fields a conflict compares: those this device sent, without metadata and the key. */
export function conflictFields(model: ModelDef | undefined, conflict: Pick<Conflict, 'local' | 'remote'>): string[] {
  const key = model?.primaryKey ?? ['id'];
  return [...new Set([...Object.keys(conflict.local), ...Object.keys(conflict.remote)])].filter(
    (f) => !HIDDEN.has(f) && !key.includes(f) && f in conflict.local,
  );
}

/** How a conflict-log entry ended: "settled as “merge”", "kept mine" or "kept theirs". */
export function conflictStateText(conflict: Pick<Conflict, 'reviewed' | 'resolution'>): string {
  if (conflict.reviewed === null) return `settled as “${conflict.resolution}”`;
  return conflict.reviewed === 'keepMine' ? 'kept mine' : 'kept theirs';
}

/** One part of a record's key as the inbox shows it: a plain value, or a related record (shown by its label). */
export type KeyPart = { readonly kind: 'value'; readonly text: string } | { readonly kind: 'related'; readonly model: string; readonly key: KeyObject };

/**
 * The parts of `key` in key order, the key fields of one `@belongsTo` folded into one related
 * record (a Visit keyed by site, date and shift reads "North 1 · 2026-05-06 · 1", not the site's id).
 */
export function keyParts(model: ModelDef, key: KeyObject): KeyPart[] {
  const parts: KeyPart[] = [];
  const shown = new Set<string>();
  for (const field of model.primaryKey) {
    if (shown.has(field)) continue;
    const relation = belongsToFor(model, field);
    const related = relation ? relatedKey(relation, key) : undefined;
    if (relation && related) {
      for (const f of relation.fields) shown.add(f);
      parts.push({ kind: 'related', model: relation.relatedModel, key: related });
    } else {
      shown.add(field);
      parts.push({ kind: 'value', text: String(key[field]) });
    }
  }
  return parts;
}

/**
 * True when the detail pane, at `top`..`bottom` (CSS px from the window's top) in a window
 * `windowHeight` tall, shows less than its first `visible` px (default 48): where the layout put
 * it under the lists (a narrow window), choosing an entry scrolls to it instead of changing
 * something out of sight.
 */
export function detailOutOfView(box: { readonly top: number; readonly bottom: number }, windowHeight: number, visible = 48): boolean {
  return box.top > windowHeight - visible || box.bottom < visible;
}
