// What a write that did not survive becomes in the review inbox (DESIGN.md "Nothing lost"): the
// item to store, with its reason in plain words a field worker understands. Pure: the outbox
// processor gives the entry, what was sent and what the server said.
import { DEFAULT_MAX_ITEM_BYTES, formatBytes } from '../../common/schema/item-size.js';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import type { NewReviewItem } from '../datastore/review-items.js';
import type { OutboxEntry, OutboxOperation } from '../datastore/outbox-entry.js';
import type { ConflictResolution } from './conflict-policy.js';
import type { RejectReason } from './mutation-outcome.js';
import { userFields, type LostField } from './overridden-edits.js';

/** "name", "name and code", "name, code and tags". */
function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function verb(operation: OutboxOperation): string {
  return operation === 'Create' ? 'create' : operation === 'Update' ? 'change' : 'delete';
}

/** The key fields and user fields of `record` (no metadata, timestamps or relations): what a re-save takes. */
export function writableValues(model: ModelDef, record: ModelRecord): ModelRecord {
  const out: ModelRecord = {};
  for (const key of model.primaryKey) if (Object.hasOwn(record, key)) out[key] = record[key];
  for (const field of userFields(model)) if (Object.hasOwn(record, field.name)) out[field.name] = record[field.name];
  return out;
}

function versionOf(record: ModelRecord | null | undefined): number | null {
  const v = record?._version;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

function keyValues(model: ModelDef, record: ModelRecord): ModelRecord {
  return Object.fromEntries(model.primaryKey.map((k) => [k, record[k]]));
}

/** Plain words for fields the server kept other values for after accepting this device's write. */
export function overriddenReason(lost: readonly LostField[]): string {
  const replaced = lost.filter((l) => l.kind === 'replaced').map((l) => l.field);
  const listChanges = lost.filter((l) => l.kind === 'listChanges').map((l) => l.field);
  const duplicates = lost.filter((l) => l.kind === 'duplicates').map((l) => l.field);
  const undone = lost.filter((l) => l.kind === 'theirRemovalsUndone').map((l) => l.field);
  const parts: string[] = [];
  if (replaced.length > 0) {
    parts.push(`Another device changed ${listOf(replaced)} first; the server kept their value${replaced.length > 1 ? 's' : ''}`);
  }
  if (listChanges.length > 0) {
    parts.push(`The server merged ${listOf(listChanges)} with another device's change and dropped some of the entries this device added or removed`);
  }
  if (undone.length > 0) {
    parts.push(`The server joined this device's ${listOf(undone)} to another device's, which put back entries the other device had removed`);
  }
  if (duplicates.length > 0) {
    parts.push(`The server's merge repeated entries in ${listOf(duplicates)}`);
  }
  return `${parts.join('. ')}.`;
}

/** An `overridden` item of `lost` fields: this device's values over `values` (key fields from them too), the server's record as `theirs`. */
function lostFieldsItem(
  model: ModelDef,
  entry: OutboxEntry,
  values: ModelRecord,
  lost: readonly LostField[],
  theirs: ModelRecord,
  details: Pick<NewReviewItem, 'reason' | 'baseVersion'> & { readonly overwrote?: true },
): NewReviewItem {
  const mine: ModelRecord = keyValues(model, { ...entry.data, ...values });
  for (const l of lost) mine[l.field] = l.mine;
  return {
    kind: 'overridden',
    model: model.name,
    modelId: entry.modelId,
    operation: entry.operation,
    fields: lost.map((l) => l.field),
    mine,
    theirs,
    errorType: null,
    ...details,
    mutationId: entry.mutationId ?? null,
  };
}

/** The review item for an accepted write whose sent values did not all survive; null when all did. */
export function overriddenReview(
  model: ModelDef,
  entry: OutboxEntry,
  sent: ModelRecord,
  lost: readonly LostField[],
  server: ModelRecord,
): NewReviewItem | null {
  if (lost.length === 0) return null;
  return lostFieldsItem(model, entry, sent, lost, server, { reason: overriddenReason(lost), baseVersion: versionOf(sent) });
}

/**
 * The review item for this device's conflict retry replacing another device's values (`lost`:
 * overwrittenFields / discardedByDelete), kept so "keep theirs" can restore them; null when none.
 */
export function overwroteReview(
  model: ModelDef,
  entry: OutboxEntry,
  retry: ModelRecord,
  lost: readonly LostField[],
  remote: ModelRecord,
): NewReviewItem | null {
  if (lost.length === 0) return null;
  const names = listOf(lost.map((l) => l.field));
  const reason =
    entry.operation === 'Delete'
      ? `This device deleted the record after another device had changed ${names}; their version is kept here.`
      : `This device's change replaced ${names}, which another device had changed in the meantime; their value${lost.length > 1 ? 's are' : ' is'} kept here.`;
  return lostFieldsItem(model, entry, retry, lost, remote, { reason, baseVersion: versionOf(entry.data), overwrote: true });
}

/** What a refusal is, as the processor classified it. */
export type Refusal =
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly errorType: string | null; readonly message: string }
  | { readonly kind: 'conflictGivenUp'; readonly resolution: Extract<ConflictResolution, { kind: 'discard' }>; readonly attempts: number };

/** Plain words for a refusal of `operation` on a `model` record whose JSON is `bytes` long. */
export function refusalReason(refusal: Refusal, model: string, operation: OutboxOperation, bytes: number): string {
  if (refusal.kind === 'conflictGivenUp') {
    switch (refusal.resolution.why) {
      case 'attemptsExhausted':
        return `This change could not be saved: another device kept changing this ${model} (${refusal.attempts} attempts); the server's version was kept.`;
      case 'remoteDeleted':
        return `Another device deleted this ${model}, so this change could not be applied.`;
      case 'noRemoteRecord':
        return `The server reported a conflict without saying what it holds; the server's version was kept.`;
      case 'handlerFailed':
        return `The app's conflict handler failed${refusal.resolution.detail ? ` (${refusal.resolution.detail})` : ''}; the server's version was kept.`;
      case 'handler':
        return `The app's conflict handler chose the server's version of this ${model}.`;
    }
  }
  switch (refusal.reason) {
    case 'ConditionalCheckFailed':
      return `The server refused this change: the ${model} no longer matched the condition it was saved with (another device may have changed it first).`;
    case 'Unauthorized':
      return `The server refused this change: you are not allowed to ${verb(operation)} this ${model}.`;
    case 'Validation':
      return `The server refused this change as invalid: ${refusal.message}`;
    case 'TooLarge': {
      const limit = limitFromMessage(refusal.message) ?? DEFAULT_MAX_ITEM_BYTES;
      return `The server refused this change: the record is larger than the ${formatBytes(limit)} the server accepts (${formatBytes(bytes)}).`;
    }
    case 'Other':
      return `The server refused this change: ${refusal.message}`;
  }
}

/** The limit a "too large" message names (`limit of 409600 bytes`, `limit 409,600`), if any. */
function limitFromMessage(message: string): number | null {
  const match = /limit(?: is| of)?\s*([\d,]+)/i.exec(message) ?? /at most\s*([\d,]+)/i.exec(message);
  if (match === null) return null;
  const n = Number(match[1].replace(/,/g, ''));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The review item for a write refused for good: `mine` holds the device's version (a create: the
 * fields it set; an update: the local row with its edits; a delete: the deleted record), `fields`
 * the fields the device changed.
 */
export function rejectedReview(
  model: ModelDef,
  entry: OutboxEntry,
  sent: ModelRecord,
  localRow: ModelRecord | undefined,
  refusal: Refusal,
  theirs: ModelRecord | null,
): NewReviewItem {
  const version = entry.operation === 'Update' && localRow !== undefined ? { ...localRow, ...entry.data } : entry.data;
  const mine = writableValues(model, version);
  const fields =
    entry.operation === 'Delete'
      ? []
      : userFields(model)
          .filter((f) => Object.hasOwn(sent, f.name))
          .map((f) => f.name);
  const bytes = Buffer.byteLength(JSON.stringify(mine), 'utf8');
  return {
    kind: 'rejected',
    model: model.name,
    modelId: entry.modelId,
    operation: entry.operation,
    fields,
    mine,
    theirs,
    reason: refusalReason(refusal, model.name, entry.operation, bytes),
    errorType: refusal.kind === 'rejected' ? refusal.errorType : 'ConflictUnhandled',
    baseVersion: versionOf(sent),
    mutationId: entry.mutationId ?? null,
  };
}
