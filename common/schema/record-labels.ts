// How records, models and enum members are named to people: a record by its title field (else its
// key), a model by its plural, an enum member as words. The renderer shows these on screen and an
// export writes the same text, so both read them from here.
import { hasGeneratedId, keyOf, type KeyObject } from './record-key.js';
import type { ModelDef, ModelRecord } from './types.js';

/** The field that names a record: the first required single String that is not a key (`name`, `title`, …). */
export function titleField(model: ModelDef): string | undefined {
  const strings = model.fields.filter((f) => f.type.kind === 'scalar' && f.type.name === 'String' && !f.isList && !f.isImplicit);
  return (strings.find((f) => f.isRequired) ?? strings[0])?.name;
}

/** A key shown to people: its values, in key order, separated by " · ". */
export function keyLabel(model: ModelDef, key: KeyObject): string {
  return model.primaryKey.map((k) => String(key[k])).join(' · ');
}

/** A short human label for a record: its title field, else its key (custom keys) or `#` and the id's first 8 characters. */
export function recordLabel(model: ModelDef | undefined, record: ModelRecord | null | undefined): string {
  if (!record) return '(missing record)';
  const title = model ? titleField(model) : undefined;
  const value = title ? record[title] : undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  const key = model && !hasGeneratedId(model) ? keyOf(model, record) : undefined;
  if (key !== undefined) return keyLabel(model!, key);
  const id = record.id;
  return typeof id === 'string' ? `#${id.slice(0, 8)}` : '(untitled)';
}

/** "Inspection" → "Inspections" for headings and file names; the schema's plural name when it has one. */
export function pluralLabel(model: ModelDef): string {
  const plural = model.pluralName;
  return plural ? plural.charAt(0).toUpperCase() + plural.slice(1) : `${model.name}s`;
}

/** An enum member as words: `IN_PROGRESS` → "In progress". */
export function enumLabel(member: string): string {
  return member
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/^./, (c) => c.toUpperCase());
}
