// What the record form decides before it talks to main, as plain functions over data: its title,
// the record a save sends, the "only if unchanged on the server" condition, and where a refused
// save's error is shown. The form component only renders and calls these (tested in test/unit/renderer).
import type { Predicate } from '../common/predicates/types.js';
import { hasGeneratedId, keyOf, type KeyObject } from '../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../common/schema/types.js';
import { filterableFields } from './filter-draft.js';
import type { Raw } from './form-values.js';
import { isKeyField, recordLabel } from './schema-view.js';
import { formRecord } from './work-view.js';

/** The part of a resubmitted review item these decisions need. */
export interface ResubmitShape {
  readonly values: ModelRecord;
  /** True when the rejected change created the record (the form then treats it as new). */
  readonly isCreate: boolean;
}

/** The form's heading: "Resubmit Site: North", "Site: North" (an edit) or "New Site". */
export function formTitle(model: ModelDef, original: ModelRecord | null, resubmit: ResubmitShape | undefined): string {
  if (resubmit) return `Resubmit ${model.name}: ${recordLabel(model, resubmit.values)}`;
  return original ? `${model.name}: ${recordLabel(model, original)}` : `New ${model.name}`;
}

/** The form values of a save, with what the form was opened with. */
export interface FormState {
  readonly values: Readonly<Record<string, Raw>>;
  /** The values as loaded (blank for a create). */
  readonly loadedRaw: Readonly<Record<string, Raw>>;
  /** The record as loaded, or null for a create. */
  readonly original: ModelRecord | null;
  /** The key the form was opened with, or null for a create. */
  readonly recordKey: KeyObject | null;
}

/**
 * The record a save sends. A resubmit sends the whole edited version (blank optional fields left
 * out of a create); an edit names its record by the key it was loaded with (key fields are not
 * editable then); a resubmitted create keeps its generated id, a user-chosen key is what the form holds.
 */
export function recordToSave(schema: Schema, model: ModelDef, fields: readonly FieldDef[], state: FormState, resubmit: ResubmitShape | undefined): ModelRecord {
  const { values, loadedRaw, original, recordKey } = state;
  const record: ModelRecord = resubmit
    ? formRecord(schema, fields, values, {}, resubmit.isCreate ? null : {})
    : formRecord(schema, fields, values, loadedRaw, original);
  if (original) Object.assign(record, keyOf(model, original));
  else if (resubmit && recordKey && (!resubmit.isCreate || hasGeneratedId(model))) Object.assign(record, recordKey);
  return record;
}

/**
 * "Only save if the server still has the values I started from": every changed, filterable,
 * non-list, non-key field must still equal its loaded non-null value; undefined when none qualifies.
 */
export function unchangedCondition(model: ModelDef, record: ModelRecord, original: ModelRecord): Predicate | undefined {
  const filterable = new Set(
    filterableFields(model)
      .filter((f) => !f.isList)
      .map((f) => f.name),
  );
  const changed = Object.keys(record).filter(
    (k) =>
      !isKeyField(model, k) &&
      filterable.has(k) &&
      JSON.stringify(record[k] ?? null) !== JSON.stringify(original[k] ?? null) &&
      original[k] !== null &&
      original[k] !== undefined,
  );
  return changed.length > 0 ? { and: changed.map((k) => ({ field: k, op: 'eq' as const, value: original[k] })) } : undefined;
}

/** `Site.location.latitude` → `location.latitude` (the form's own path for the field); undefined for another model. */
export function fieldPath(model: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.startsWith(`${model}.`) ? path.slice(model.length + 1) : undefined;
}

/** Where a refused save's error goes: next to the field its path names (without the "Model.field: " prefix), or above the form. */
export interface SaveErrorPlace {
  /** The form's path of the field, or null for the whole form. */
  readonly field: string | null;
  readonly message: string;
}

/** Places `error` (main's message and optional `Model.field` path) for the form of `model`. */
export function saveErrorPlace(model: string, error: { readonly message: string; readonly path?: string | undefined }): SaveErrorPlace {
  const path = fieldPath(model, error.path);
  return path ? { field: path, message: error.message.replace(/^[^:]*\.[^:]*: /, '') } : { field: null, message: error.message };
}
