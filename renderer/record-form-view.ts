// What the record form decides before it talks to main, as plain functions over data: its title,
// the record a save sends, the "only if unchanged on the server" condition, and the records inside
// it (a Site's Inspections: its `@hasMany` children, how to find them and what a new one starts
// with). Its checks before saving are in form-problems.ts. The form component only renders and
// calls these (tested in test/unit/renderer).
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

/** The keys a form answers itself: Escape leaves it, Ctrl+N (Cmd+N) in a child opens a new child; null leaves the key alone. */
export function formKeyAction(
  key: { readonly key: string; readonly ctrlKey: boolean; readonly metaKey: boolean },
  state: { readonly asking: boolean; readonly nested: boolean; readonly mayCreate: boolean },
): 'leave' | 'new' | null {
  if (key.key === 'Escape' && !state.asking) return 'leave';
  if (state.nested && state.mayCreate && (key.ctrlKey || key.metaKey) && key.key.toLowerCase() === 'n') return 'new';
  return null;
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

/** A `@hasMany` of a model as its form lists it: the child model and which child fields hold which of the parent's. */
export interface ChildRelation {
  /** The relation field on the parent (`inspections`). */
  readonly field: string;
  readonly childModel: ModelDef;
  /** Pairs of [child field, parent field]: `Inspection.siteID` holds `Site.id`. */
  readonly links: ReadonlyArray<readonly [child: string, parent: string]>;
}

/** The `@hasMany` relations of `model` whose child model is in `schema`, in declaration order. */
export function childRelations(schema: Schema, model: ModelDef): ChildRelation[] {
  const out: ChildRelation[] = [];
  for (const field of model.fields) {
    const relation = field.relation;
    if (relation?.kind !== 'hasMany') continue;
    const childModel = Object.hasOwn(schema.models, relation.relatedModel) ? schema.models[relation.relatedModel] : undefined;
    if (childModel === undefined || relation.associatedWith.length !== relation.fields.length || relation.fields.length === 0) continue;
    out.push({ field: field.name, childModel, links: relation.associatedWith.map((child, i) => [child, relation.fields[i]!] as const) });
  }
  return out;
}

/** The stored values a new child of `parent` starts with (its back-reference fields), or undefined while the parent has no complete key. */
export function childPrefill(relation: ChildRelation, parent: ModelRecord): ModelRecord | undefined {
  const prefill: ModelRecord = {};
  for (const [child, parentField] of relation.links) {
    const value = parent[parentField];
    if (value === null || value === undefined || value === '') return undefined;
    prefill[child] = value;
  }
  return prefill;
}

/** The predicate selecting `parent`'s children through `relation`, or undefined while the parent has no complete key. */
export function childPredicate(relation: ChildRelation, parent: ModelRecord): Predicate | undefined {
  const prefill = childPrefill(relation, parent);
  if (prefill === undefined) return undefined;
  return { and: Object.entries(prefill).map(([field, value]) => ({ field, op: 'eq' as const, value })) };
}
