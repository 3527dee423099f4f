// What the sync bar, the review inbox, the Trash and the record form say, as plain functions over
// data (issue 9 "The UI tells the truth", "Work in progress is safe"): the components only render
// what these return, so every sentence a field worker reads is tested in test/unit/renderer.
import type { Access, Draft, ReviewItem, SyncStatus, TrashItem } from '../common/ipc/contract.js';
import { MAX_RECORDS_TO_SYNC_CEILING } from '../common/ipc/contract.js';
import { findField, findModel } from '../common/schema/model-fields.js';
import type { KeyObject } from '../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../common/schema/types.js';
import { blankRaw, fromRaw, type Raw } from './form-values.js';
import { fieldLabel, formatValue, pluralLabel, recordLabel } from './schema-view.js';

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${count(n)} ${n === 1 ? one : many}`;

/** Where the cap of a model is raised (shown next to "10,000 of 23,412 synced"). */
export const RAISE_CAP_HINT = 'Raise it in Settings → Sync: Max records to sync per model.';

/**
 * The "Max records to sync per model" field as typed ("250000", "1,000,000"): the number, or a
 * plain sentence saying what is wrong (a whole number from 1 to 100,000,000).
 */
export function maxRecordsToSyncInput(text: string): { readonly value: number } | { readonly error: string } {
  const error = `Max records to sync per model must be a whole number from 1 to ${count(MAX_RECORDS_TO_SYNC_CEILING)}.`;
  const digits = text.trim().replace(/[,_ ]/g, '');
  if (!/^[0-9]{1,10}$/.test(digits)) return { error };
  const value = Number(digits);
  return value >= 1 && value <= MAX_RECORDS_TO_SYNC_CEILING ? { value } : { error };
}

/** "10,000 of 23,412 synced", or "10,000 synced, more on the server" when the server told no total. */
export function cappedText(capped: { readonly limit: number; readonly total: number | null }): string {
  return capped.total === null ? `${count(capped.limit)} synced, more on the server` : `${count(capped.limit)} of ${count(capped.total)} synced`;
}

/** What the bar's change summary says, and whether it is a warning. */
export interface SyncSummary {
  /** The main sentence; "All changes synced" only when that is true. */
  readonly text: string;
  readonly pending: boolean;
  /** True when `text` itself is the review sentence (shown as a link to the inbox). */
  readonly linksToReview: boolean;
  /** "2 changes need your review" (a link to the inbox) beside another `text`, or null. */
  readonly review: string | null;
  /** One entry per model stopped at the sync cap. */
  readonly capped: ReadonlyArray<{ readonly model: string; readonly text: string }>;
}

/**
 * The bar's sentence for `status`: never "All changes synced" while review items wait, while
 * reconnecting (sync running but not online), while paused, or with unsynced entries.
 */
export function syncSummary(status: SyncStatus, schema?: Schema | null, access?: Access | null): SyncSummary {
  let review = status.reviewWaiting > 0 ? `${plural(status.reviewWaiting, 'change needs', 'changes need')} your review` : null;
  const capped = Object.entries(status.models)
    .filter(([, m]) => m.capped !== undefined)
    .map(([model, m]) => {
      const def = schema ? findModel(schema, model) : undefined;
      return { model, text: `${def ? pluralLabel(def) : model}: ${cappedText(m.capped!)}` };
    });
  let text: string;
  let pending = status.unsynced > 0 || status.reviewWaiting > 0;
  let linksToReview = false;
  if (status.mode === 'offline') {
    text = status.unsynced === 0 ? 'No local changes' : `${plural(status.unsynced, 'local change', 'local changes')} on this computer`;
    pending = false;
  } else if (status.unsynced > 0) {
    text = `${plural(status.unsynced, 'unsynced change', 'unsynced changes')}`;
  } else if (!status.running) {
    text = 'Nothing waiting to send';
  } else if (!status.online) {
    text = 'Reconnecting…';
    pending = true;
  } else if (review !== null) {
    text = review;
    review = null;
    linksToReview = true;
  } else if (capped.length > 0) {
    text = 'Changes sent; not every record is on this device';
    pending = true;
  } else if (nothingReadable(access ?? null) !== null) {
    // Nothing to send, but nothing arrives either: not a state to call "synced".
    text = 'Nothing this sign-in may read';
    pending = true;
  } else {
    text = 'All changes synced';
  }
  return { text, pending, linksToReview, review, capped };
}

/** "Delete Site North 1 and its 3 inspections and 7 observations?" (related from `deletePreview`). */
export function deleteQuestion(
  schema: Schema,
  model: ModelDef,
  record: ModelRecord,
  related: ReadonlyArray<{ readonly model: string; readonly count: number }>,
): string {
  const parts = related
    .filter((r) => r.count > 0)
    .map((r) => {
      const def = findModel(schema, r.model);
      const many = def ? pluralLabel(def).toLowerCase() : `${r.model.toLowerCase()}s`;
      return plural(r.count, r.model.toLowerCase(), many);
    });
  const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `Delete ${model.name} ${recordLabel(model, record)}${list ? ` and its ${list}` : ''}?`;
}

/** The notice after a delete: "Deleted Site North 1 and 10 related records." */
export function deletedNotice(model: ModelDef, record: ModelRecord, related: ReadonlyArray<{ readonly count: number }>): string {
  const n = related.reduce((sum, r) => sum + r.count, 0);
  return `Deleted ${model.name} ${recordLabel(model, record)}${n > 0 ? ` and ${plural(n, 'related record', 'related records')}` : ''}.`;
}

/** What restoring a Trash entry will do, in the user's words. */
export function trashRestoreNote(item: Pick<TrashItem, 'state'>): string {
  return item.state === 'pending'
    ? 'The delete has not reached the server yet: restoring brings the records back as they were.'
    : 'The delete already reached the server: the records are restored as a copy (new records with the same values).';
}

/** Fields metadata the inbox never shows as a row. */
const HIDDEN = new Set(['_version', '_lastChangedAt', '_deleted', 'createdAt', 'updatedAt', 'owner', '__typename']);

/** One row of a review item's comparison: the field by its label, this device's value and the server's. */
export interface ReviewRow {
  readonly field: string;
  readonly label: string;
  readonly mine: string;
  readonly theirs: string;
  readonly differs: boolean;
}

/** The rows a review item shows: its fields (or, for a rejected item without any, every field of `mine`) by label. */
export function reviewRows(model: ModelDef | undefined, item: Pick<ReviewItem, 'fields' | 'mine' | 'theirs' | 'kind'>): ReviewRow[] {
  const keys = new Set(model?.primaryKey ?? ['id']);
  const names = item.fields.length > 0 ? item.fields : Object.keys(item.mine);
  return names
    .filter((f) => !HIDDEN.has(f) && !keys.has(f) && !(model && findField(model, f)?.type.kind === 'model'))
    .map((f) => {
      const def = model ? findField(model, f) : undefined;
      const mine = item.mine[f];
      const theirs = item.theirs === null ? undefined : item.theirs[f];
      return {
        field: f,
        label: fieldPathLabel(f, model),
        mine: clip(displayValue(def, mine)),
        theirs: item.theirs === null ? '(not on the server)' : clip(displayValue(def, theirs)),
        differs: JSON.stringify(mine ?? null) !== JSON.stringify(theirs ?? null),
      };
    });
}

/** Most characters of one value the inbox shows; the form shows the whole value. */
export const SHOWN_VALUE_CHARS = 240;

/** A long value cut to SHOWN_VALUE_CHARS, saying how long it is. */
function clip(text: string): string {
  const chars = [...text];
  return chars.length <= SHOWN_VALUE_CHARS ? text : `${chars.slice(0, SHOWN_VALUE_CHARS).join('')}… (${count(chars.length)} characters in all)`;
}

/** "location.accuracyMeters" → "Location › Accuracy meters". */
function fieldPathLabel(path: string, model: ModelDef | undefined): string {
  const [head, ...rest] = path.split('.');
  return [fieldLabel(head!, model), ...rest.map((p) => fieldLabel(p))].join(' › ');
}

/** A value as the inbox shows it: embedded objects as "Label: value" pairs, never JSON; blank as an em dash. */
export function displayValue(field: FieldDef | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '(empty list)' : value.map((v) => displayValue(field, v)).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
    return entries.length === 0 ? '—' : entries.map(([k, v]) => `${fieldLabel(k)}: ${displayValue(undefined, v)}`).join(', ');
  }
  return formatValue(field, value);
}

/**
 * The headline of a review item: "Site “North 1”: your edit met another device's". An overridden
 * item is either way round (the server kept the other device's value, or this device's write
 * replaced it); its `reason` says which.
 */
export function reviewHeadline(model: ModelDef | undefined, item: Pick<ReviewItem, 'kind' | 'model' | 'mine' | 'theirs' | 'operation'>): string {
  const label = recordLabel(model, { ...(item.theirs ?? {}), ...item.mine });
  const what =
    item.kind === 'overridden'
      ? 'your edit met another device’s'
      : item.operation === 'INSERT'
        ? 'the server refused this new record'
        : item.operation === 'DELETE'
          ? 'the server refused this delete'
          : 'the server refused this change';
  return `${item.model} “${label}”: ${what}`;
}

/** A review item's state in a few words for the list. */
export function reviewStateText(item: Pick<ReviewItem, 'state' | 'kind'>): string {
  if (item.state === 'keptMine') return item.kind === 'rejected' ? 'resubmitted' : 'kept mine';
  if (item.state === 'keptTheirs') return item.kind === 'rejected' ? 'discarded' : 'kept theirs';
  return 'needs review';
}

/** True when the form's values differ from what it was opened with. */
export function isDirty(values: Readonly<Record<string, Raw>>, loaded: Readonly<Record<string, Raw>>): boolean {
  const names = new Set([...Object.keys(values), ...Object.keys(loaded)]);
  for (const name of names) if (JSON.stringify(values[name] ?? null) !== JSON.stringify(loaded[name] ?? null)) return true;
  return false;
}

/**
 * The record a form saves. A create (`original` null) sends only the fields the user filled: an
 * empty optional field is left out, not sent as null. An edit sends only the fields the user
 * changed (`loaded` is what the form was opened with), blank meaning "clear it".
 */
export function formRecord(
  schema: Schema,
  fields: readonly FieldDef[],
  values: Readonly<Record<string, Raw>>,
  loaded: Readonly<Record<string, Raw>>,
  original: ModelRecord | null,
): ModelRecord {
  const record: ModelRecord = {};
  for (const f of fields) {
    if (original !== null && JSON.stringify(values[f.name]) === JSON.stringify(loaded[f.name])) continue;
    const value = fromRaw(schema, f, values[f.name] ?? blankRaw(schema, f));
    if (original === null && !f.isRequired && (value === null || (Array.isArray(value) && value.length === 0))) continue;
    record[f.name] = value;
  }
  return record;
}

/**
 * What a draft keeps: only the fields that differ from what the form was opened with, so restoring
 * it later does not put back values of fields the user never touched (another device may have
 * changed them since).
 */
export function draftValues(values: Readonly<Record<string, Raw>>, loaded: Readonly<Record<string, Raw>>): Record<string, Raw> {
  const out: Record<string, Raw> = {};
  for (const [name, value] of Object.entries(values)) {
    if (JSON.stringify(value) !== JSON.stringify(loaded[name] ?? null)) out[name] = value;
  }
  return out;
}

/** The draft kept for the form of `key` (null: a new record of `model`). */
export function draftFor(drafts: readonly Draft[], model: string, key: KeyObject | null): Draft | undefined {
  const same = (a: KeyObject | null, b: KeyObject | null): boolean =>
    a === null || b === null ? a === b : Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return drafts.find((d) => d.model === model && same(d.key, key));
}

/** How long a form waits after the last keystroke before saving its draft (ms). */
export const DRAFT_SAVE_DEBOUNCE_MS = 400;

/** One operation on a model, as `access` lists them. */
export type AccessOperation = 'read' | 'create' | 'update' | 'delete';

/** Why this sign-in may not `operation` records of `model`, or null when it may (or it is not known). */
export function accessRefusal(access: Access | null, model: ModelDef, operation: AccessOperation): string | null {
  const allowed = access?.models[model.name];
  if (allowed === undefined || allowed[operation]) return null;
  const verb = { read: 'see', create: 'create', update: 'change', delete: 'delete' }[operation];
  return `This sign-in may not ${verb} ${pluralLabel(model).toLowerCase()} (the schema’s @auth rules for ${model.name}).`;
}

/** What an empty list says: a filter that matches nothing, or how to add one — only where this sign-in may. */
export function emptyListText(model: ModelDef, filtered: boolean, cannotCreate: string | null): string {
  if (filtered) return 'No records match this filter.';
  const none = `No ${pluralLabel(model).toLowerCase()} yet.`;
  return cannotCreate === null ? `${none} Press Ctrl+N to add one.` : none;
}

/** "This sign-in cannot read any data here" when `access` says every model is unreadable, else null. */
export function nothingReadable(access: Access | null): string | null {
  if (access === null) return null;
  const models = Object.values(access.models);
  if (models.length === 0 || models.some((m) => m.read)) return null;
  return 'This sign-in cannot read any data on this server: the schema’s @auth rules allow it nothing. Sign in with another account or key.';
}
