// Converts between stored values and what form controls hold (strings, string lists, nested
// objects, attachment references), per field type. Input that does not parse is passed on
// unchanged so main's validation names the field and the rule, rather than the form guessing.
// Attachment references stay the objects they are (a staged file's `key: ''` and numeric `size`
// included): the attachment control edits whole references, never their parts as text.
import { isAttachmentType, type AttachmentRef } from '../common/schema/attachment-ref.js';
import type { FieldDef, ModelRecord, Schema } from '../common/schema/types.js';

export type Raw = string | Raw[] | { [field: string]: Raw } | AttachmentRef;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** True when `field` holds attachment references (one, or a list of them). */
export function isAttachmentField(schema: Schema, field: FieldDef): boolean {
  if (field.type.kind !== 'embedded') return false;
  const type = Object.hasOwn(schema.embeddedTypes, field.type.name) ? schema.embeddedTypes[field.type.name] : undefined;
  return type !== undefined && isAttachmentType(type);
}

/** True when a form value is an attachment reference (an object with a string `sha256` and a numeric `size`). */
export function isAttachmentRaw(raw: Raw | undefined): raw is AttachmentRef {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && typeof raw.sha256 === 'string' && typeof raw.size === 'number';
}

function scalarToRaw(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type.kind === 'scalar' && field.type.name === 'AWSDateTime' && typeof value === 'string') {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return value;
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  if (field.type.kind === 'scalar' && field.type.name === 'AWSJSON' && typeof value !== 'string') return JSON.stringify(value);
  return String(value);
}

function scalarFromRaw(field: FieldDef, raw: string): unknown {
  if (raw === '') return null;
  if (field.type.kind === 'enum') return raw;
  switch (field.type.kind === 'scalar' ? field.type.name : 'String') {
    case 'Int':
    case 'AWSTimestamp':
    case 'Float': {
      const n = Number(raw);
      return Number.isNaN(n) ? raw : n;
    }
    case 'Boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'AWSDateTime': {
      const d = new Date(raw);
      return Number.isNaN(d.getTime()) ? raw : d.toISOString();
    }
    default:
      return raw;
  }
}

/** A stored attachment reference as the form holds it: the same object (every field kept), or '' when there is none. */
function attachmentToRaw(value: unknown): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  return { ...(value as AttachmentRef) };
}

/** The form value for a field's stored value. */
export function toRaw(schema: Schema, field: FieldDef, value: unknown): Raw {
  const attachment = isAttachmentField(schema, field);
  const one = (v: unknown): Raw => {
    if (attachment) return attachmentToRaw(v);
    if (field.type.kind === 'embedded') {
      const type = schema.embeddedTypes[field.type.name];
      const obj = (typeof v === 'object' && v !== null ? v : {}) as ModelRecord;
      return Object.fromEntries((type?.fields ?? []).map((f) => [f.name, toRaw(schema, f, obj[f.name])]));
    }
    return scalarToRaw(field, v);
  };
  if (field.isList) return Array.isArray(value) ? value.map(one) : [];
  return one(value);
}

function isBlank(raw: Raw): boolean {
  if (typeof raw === 'string') return raw === '';
  if (Array.isArray(raw)) return raw.length === 0;
  if (isAttachmentRaw(raw)) return false;
  return Object.values(raw as Record<string, Raw>).every(isBlank);
}

/** The stored value for a field's form value (blank → null; blank embedded object → null; attachment references unchanged). */
export function fromRaw(schema: Schema, field: FieldDef, raw: Raw): unknown {
  const attachment = isAttachmentField(schema, field);
  const one = (r: Raw): unknown => {
    if (attachment) return typeof r === 'object' && !Array.isArray(r) ? { ...r } : null;
    if (field.type.kind === 'embedded') {
      if (isBlank(r)) return null;
      const type = schema.embeddedTypes[field.type.name];
      const obj = (typeof r === 'object' && !Array.isArray(r) ? r : {}) as Record<string, Raw>;
      return Object.fromEntries((type?.fields ?? []).map((f) => [f.name, fromRaw(schema, f, obj[f.name] ?? '')]));
    }
    return scalarFromRaw(field, typeof r === 'string' ? r : '');
  };
  if (field.isList) return Array.isArray(raw) ? raw.map(one) : [];
  return one(raw);
}

/** A blank form value for a field (new records, new list items); an attachment field holds no reference ('') or an empty list. */
export function blankRaw(schema: Schema, field: FieldDef, asItem = false): Raw {
  if (field.isList && !asItem) return [];
  if (field.type.kind === 'embedded' && !isAttachmentField(schema, field)) {
    const type = schema.embeddedTypes[field.type.name];
    return Object.fromEntries((type?.fields ?? []).map((f) => [f.name, blankRaw(schema, f)]));
  }
  return '';
}
