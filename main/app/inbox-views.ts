// How the datastore's conflict and review records look on IPC (the contract's `Conflict` and
// `ReviewItem`), and the key object a notice names.
import type { Conflict, ReviewItem } from '../../common/ipc/contract.js';
import { keyFromModelId, keyOf, modelIdOf, type KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { ConflictReviews } from '../conflict-reviews.js';
import type { ConflictRecord } from '../datastore/conflicts.js';
import type { ReviewRecord } from '../datastore/review-items.js';
import { findModel } from '../../common/schema/model-fields.js';

const OPERATION: Record<string, Conflict['operation']> = { Create: 'INSERT', Update: 'UPDATE', Delete: 'DELETE' };

/** `value` after a JSON round trip (what IPC carries), or null when it cannot make one. */
export function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value ?? null)) as unknown;
  } catch {
    return null;
  }
}

/** `{ key }` when there is one, else nothing (the contract's `key` is optional). */
export function optionalKey(key: KeyObject | undefined): { key?: Record<string, string | number> } {
  return key === undefined ? {} : { key: { ...key } };
}

/**
 * The key object of the record a notice or conflict names: read from the record itself when one
 * is at hand (exact even when key values contain the `modelId` separator), else from the `modelId`.
 */
export function noticeKey(def: ModelDef | undefined, modelId: string | undefined, ...records: Array<ModelRecord | null | undefined>): KeyObject | undefined {
  if (def === undefined) return undefined;
  for (const record of records) {
    const key = keyOf(def, record);
    if (key !== undefined && (modelId === undefined || modelIdOf(def, key) === modelId)) return key;
  }
  return modelId === undefined ? undefined : keyFromModelId(def, modelId);
}

/** A stored conflict as the inbox shows it, with the user's decision from `reviews`. */
export function conflictView(schema: Schema, reviews: ConflictReviews, record: ConflictRecord): Conflict {
  return {
    id: String(record.id),
    model: record.model,
    recordId: record.modelId,
    ...optionalKey(noticeKey(findModel(schema, record.model), record.modelId, record.local, record.remote)),
    operation: (record.operation && OPERATION[record.operation]) || 'UPDATE',
    local: (plain(record.local) as ModelRecord | null) ?? {},
    remote: (plain(record.remote) as ModelRecord | null) ?? {},
    resolution: record.resolution,
    at: record.at,
    reviewed: reviews.get(String(record.id)),
  };
}

/** A stored review item as the inbox shows it. */
export function reviewItemView(schema: Schema, record: ReviewRecord): ReviewItem {
  return {
    id: String(record.id),
    kind: record.kind,
    model: record.model,
    recordId: record.modelId,
    ...optionalKey(noticeKey(findModel(schema, record.model), record.modelId, record.mine, record.theirs)),
    operation: OPERATION[record.operation] ?? 'UPDATE',
    fields: [...record.fields],
    mine: (plain(record.mine) as ModelRecord | null) ?? {},
    theirs: plain(record.theirs) as ModelRecord | null,
    reason: record.reason,
    errorType: record.errorType,
    baseVersion: record.baseVersion,
    at: record.at,
    state: record.state,
  };
}
