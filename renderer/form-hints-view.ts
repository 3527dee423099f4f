// How a form reads the form hints (common/schema/form-hints.ts) as plain functions over data: a
// field's label, the order fields are shown in, and the values a new record starts with (literal
// defaults, "now", the value last saved on this device, then what a parent pre-fills).
import { fieldHint, modelHint, type FormHints } from '../common/schema/form-hints.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../common/schema/types.js';
import { blankRaw, toRaw, type Raw } from './form-values.js';
import { fieldLabel } from './schema-view.js';

/** The label a form shows for `model`'s field `name`: the hint's label, else the one the schema suggests. */
export function hintedLabel(hints: FormHints, model: ModelDef, name: string): string {
  return fieldHint(hints, model.name, name)?.label ?? fieldLabel(name, model);
}

/** `fields` in the hinted order: the named ones first, in that order, then the rest in schema order. */
export function orderedFields(hints: FormHints, model: ModelDef, fields: readonly FieldDef[]): FieldDef[] {
  const order = modelHint(hints, model.name)?.order ?? [];
  const rank = (f: FieldDef) => {
    const i = order.indexOf(f.name);
    return i === -1 ? order.length : i;
  };
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "Now" as the form value of a `scalar` field in local time (`2026-03-04`, `14:30`, `2026-03-04T14:30`, epoch seconds); '' for another type. */
export function nowRaw(scalar: string, now: Date): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  switch (scalar) {
    case 'AWSDate':
      return date;
    case 'AWSTime':
      return time;
    case 'AWSDateTime':
      return `${date}T${time}`;
    case 'AWSTimestamp':
      return String(Math.floor(now.getTime() / 1000));
    default:
      return '';
  }
}

/** What a new record's defaults are computed from. */
export interface DefaultSources {
  readonly now: Date;
  /** The value last saved on this device for a field, by field name (stored values, not form values). */
  readonly lastUsed: (field: string) => unknown;
  /** Stored values a parent pre-fills (an Inspection's `siteID` when added from its Site); win over defaults. */
  readonly prefill?: ModelRecord;
}

/** The form values a new record of `model` starts with: blank, then each field's hinted default, then `prefill`. */
export function initialValues(schema: Schema, hints: FormHints, model: ModelDef, fields: readonly FieldDef[], sources: DefaultSources): Record<string, Raw> {
  const values: Record<string, Raw> = {};
  for (const field of fields) {
    values[field.name] = blankRaw(schema, field);
    const fallback = fieldHint(hints, model.name, field.name)?.default;
    if (fallback === undefined) continue;
    if ('value' in fallback) values[field.name] = toRaw(schema, field, fallback.value);
    else if (fallback.from === 'now') values[field.name] = nowRaw(field.type.kind === 'scalar' ? field.type.name : '', sources.now);
    else {
      const last = sources.lastUsed(field.name);
      if (last !== undefined && last !== null) values[field.name] = toRaw(schema, field, last);
    }
  }
  for (const [name, value] of Object.entries(sources.prefill ?? {})) {
    const field = fields.find((f) => f.name === name);
    if (field !== undefined) values[name] = toRaw(schema, field, value);
  }
  return values;
}

/** The fields of `model` whose default is "the value last saved", with the value `saved` holds for each. */
export function lastUsedValues(hints: FormHints, model: ModelDef, saved: ModelRecord): Array<[field: string, value: unknown]> {
  const fields = modelHint(hints, model.name)?.fields ?? {};
  return Object.entries(fields)
    .filter(([name, hint]) => hint.default !== undefined && 'from' in hint.default && hint.default.from === 'lastUsed' && saved[name] !== undefined)
    .map(([name]) => [name, saved[name]]);
}
