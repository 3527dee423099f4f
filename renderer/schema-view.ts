// How the UI reads the parsed Schema: which fields a list shows, which a form edits and with what
// control, which field names a record, and which model a foreign key points at. Nothing about the
// example app is hard-coded; any schema of the same kind gets the same screens.
import { hasGeneratedId, type KeyObject } from '../common/schema/record-key.js';
import { findModel } from '../common/schema/model-fields.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../common/schema/types.js';
import { enumLabel } from '../common/schema/record-labels.js';
// The labels an export writes too: one definition, in common/.
export { enumLabel, keyLabel, pluralLabel, recordLabel, titleField } from '../common/schema/record-labels.js';

/**
 * Fields worth a list column: single scalars and enums, declared first, then timestamps. A foreign
 * key of several fields gets one column (its first field), which shows the related record.
 */
export function listColumns(model: ModelDef, max = 6): FieldDef[] {
  const simple = model.fields.filter(
    (f) =>
      !f.isList &&
      (f.type.kind === 'scalar' || f.type.kind === 'enum') &&
      f.name !== 'id' &&
      f.type.name !== 'AWSJSON' &&
      (belongsToFor(model, f.name)?.fields[0] ?? f.name) === f.name,
  );
  const declared = simple.filter((f) => !f.isImplicit && !isForeignKey(model, f.name));
  const keys = simple.filter((f) => !f.isImplicit && isForeignKey(model, f.name));
  const implicit = simple.filter((f) => f.isImplicit && f.isReadOnly);
  return [...declared, ...keys, ...implicit].slice(0, max);
}

/**
 * Fields a form edits: everything stored and writable except relation fields and a generated `id`.
 * A custom primary key's fields are in the list (the user gives them when creating; an edit shows
 * them read-only, see `isKeyField`).
 */
export function formFields(model: ModelDef): FieldDef[] {
  const generated = hasGeneratedId(model);
  return model.fields.filter((f) => f.type.kind !== 'model' && !f.isReadOnly && !(generated && f.name === 'id') && !isOwnerField(model, f.name));
}

/** True for a primary-key field: fixed once the record exists (a new key would be a new record). */
export function isKeyField(model: ModelDef, name: string): boolean {
  return model.primaryKey.includes(name);
}

function isOwnerField(model: ModelDef, name: string): boolean {
  return model.auth.some((rule) => rule.allow === 'owner' && (rule.ownerField ?? 'owner') === name);
}

/** The `@belongsTo` relation whose key field is `name`, if any (e.g. Inspection.siteID → Site). */
export function relationFor(model: ModelDef, name: string): { readonly relatedModel: string; readonly field: string } | undefined {
  for (const field of model.fields) {
    const relation = field.relation;
    if (relation?.kind === 'belongsTo' && relation.fields.includes(name)) return { relatedModel: relation.relatedModel, field: field.name };
  }
  return undefined;
}

/** A `@belongsTo` relation through one or more key fields (e.g. Visit.siteCode + Visit.siteZone → Site). */
export interface BelongsTo {
  readonly relatedModel: string;
  /** The foreign-key fields on this model, in the related model's key order. */
  readonly fields: readonly string[];
  /** The related model's primary-key fields they hold. */
  readonly associatedWith: readonly string[];
}

/** The `@belongsTo` relation whose foreign-key fields include `name`, with all its fields. */
export function belongsToFor(model: ModelDef, name: string): BelongsTo | undefined {
  for (const field of model.fields) {
    const relation = field.relation;
    if (relation?.kind === 'belongsTo' && relation.fields.includes(name)) {
      return { relatedModel: relation.relatedModel, fields: relation.fields, associatedWith: relation.associatedWith };
    }
  }
  return undefined;
}

/** The key of the record `record` points at through `relation`, or undefined while a key field is unset. */
export function relatedKey(relation: BelongsTo, record: ModelRecord): KeyObject | undefined {
  const key: Record<string, string | number> = {};
  for (const [i, field] of relation.fields.entries()) {
    const value = record[field];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    if (value === '') return undefined;
    key[relation.associatedWith[i]!] = value;
  }
  return key;
}

function isForeignKey(model: ModelDef, name: string): boolean {
  return relationFor(model, name) !== undefined;
}

/** "inspectedAt" → "Inspected at", "siteID" → "Site". */
export function fieldLabel(name: string, model?: ModelDef): string {
  const relation = model ? relationFor(model, name) : undefined;
  if (relation) return relation.relatedModel;
  const words = name
    .replace(/ID$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Formats a stored value for a table cell; an enum member reads as the form shows it (`IN_PROGRESS` → "In progress"). */
export function formatValue(field: FieldDef | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field?.type.kind === 'enum') {
    if (typeof value === 'string') return enumLabel(value);
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? enumLabel(v) : formatValue(undefined, v))).join(', ');
  }
  if (field?.type.kind === 'scalar' && field.type.name === 'AWSDateTime' && typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map((v) => formatValue(undefined, v)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Models in the order the navigation lists them (parents first). */
export function navigationModels(schema: Schema): ModelDef[] {
  return schema.modelOrder.map((name) => findModel(schema, name)).filter((m): m is ModelDef => m !== undefined);
}
