// What an incoming record (sync page item, subscription event, mutation answer) does to the local
// store (PROTOCOL.md §4.7): never overwrite a record with a pending outbox entry, apply a newer
// `_version`, ignore an equal or older one; a tombstone deletes. Pure, so the datastore's merge and
// the worker's counts follow one rule.
import type { ModelRecord } from '../../common/schema/types.js';

export type IncomingAction =
  | { readonly kind: 'insert' }
  | { readonly kind: 'update' }
  /** `existed` false: a tombstone for a record this device never had (still counted, as Amplify does). */
  | { readonly kind: 'delete'; readonly existed: boolean }
  | { readonly kind: 'skip'; readonly reason: 'pending' | 'notNewer' };

/** The metadata of the local copy, or null when the record is not stored locally. */
export interface LocalVersion {
  readonly _version: number | null;
}

/** Decides what `incoming` does given the local copy and whether the outbox holds entries for it. */
export function mergeIncoming(incoming: ModelRecord, local: LocalVersion | null, hasPendingEntries: boolean): IncomingAction {
  if (hasPendingEntries) return { kind: 'skip', reason: 'pending' };
  const incomingVersion = typeof incoming._version === 'number' ? incoming._version : null;
  const localVersion = local?._version ?? null;
  // A record without a version comes from a writer outside the protocol; applying it is the only
  // way to see it, so only a known, newer-or-equal local version blocks it.
  if (local !== null && localVersion !== null && incomingVersion !== null && incomingVersion <= localVersion) {
    return { kind: 'skip', reason: 'notNewer' };
  }
  if (incoming._deleted === true) return { kind: 'delete', existed: local !== null };
  return local === null ? { kind: 'insert' } : { kind: 'update' };
}

/** Per-model counts reported with `modelSynced` (Amplify's `{ new, updated, deleted }`). */
export interface MergeCounts {
  new: number;
  updated: number;
  deleted: number;
}

/** Adds one action to `counts` (skips count nothing). */
export function countAction(counts: MergeCounts, action: IncomingAction): void {
  if (action.kind === 'insert') counts.new++;
  else if (action.kind === 'update') counts.updated++;
  else if (action.kind === 'delete') counts.deleted++;
}

/**
 * One record per key from a page, keeping the highest `_version` (a delta page lists every change
 * of a record; the last is the newest). Order of first appearance is kept.
 */
export function latestPerKey(records: readonly ModelRecord[], keyOf: (record: ModelRecord) => string): ModelRecord[] {
  const byKey = new Map<string, ModelRecord>();
  for (const record of records) {
    const key = keyOf(record);
    const seen = byKey.get(key);
    const v = typeof record._version === 'number' ? record._version : -Infinity;
    const sv = seen !== undefined && typeof seen._version === 'number' ? seen._version : -Infinity;
    if (seen === undefined || v >= sv) byKey.set(key, record);
  }
  return [...byKey.values()];
}
