// The record form's check before it saves, as plain functions over data: the whole record is run
// through the same rules main applies (common/schema/validate-record.ts, geo-point.ts) plus the
// form hints' bounds, and every problem comes back at once as { field path, plain message } built
// from the field's label ("Score must be a whole number"), to be shown under its field.
import { fieldHint, type FormHints } from '../common/schema/form-hints.js';
import { INT_MAX, INT_MIN } from '../common/schema/scalars.js';
import type { FieldDef, ModelDef, Schema } from '../common/schema/types.js';
import { recordProblems, type RecordProblem, type ValidationMode } from '../common/schema/validate-record.js';
import { hintedLabel } from './form-hints-view.js';
import { blankRaw, fromRaw, isAttachmentField, type Raw } from './form-values.js';
import { enumLabel, fieldLabel } from './schema-view.js';
import { MAX_TEXT_CHARACTERS } from '../common/ipc/text-limits.js';

/** One problem of a form: the form's path of the field (`score`, `location.latitude`, `tags[1]`) and what to fix, in plain words. */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Longest text a field may hold: main refuses longer strings at the IPC boundary
 * (main/ipc/plain-json.ts DEFAULT_LIMITS.maxStringLength), which the form says first, under the field.
 */
export const MAX_TEXT_LENGTH = MAX_TEXT_CHARACTERS;

const NUMBER = new Intl.NumberFormat('en');

/** "location.latitude" → ["location", ".latitude"]; "tags[1]" → ["tags", "[1]"]. */
function splitPath(path: string): [top: string, rest: string] {
  const cut = path.search(/[.[]/);
  return cut === -1 ? [path, ''] : [path.slice(0, cut), path.slice(cut)];
}

/** The words naming the value at form path `path`: the field's label, a group part's own label, a list item by its number. */
export function pathLabel(hints: FormHints, model: ModelDef, path: string): string {
  const [top, rest] = splitPath(path);
  let label = hintedLabel(hints, model, top);
  for (const step of rest.match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    label = step.startsWith('[') ? `${label} ${Number(step.slice(1, -1)) + 1}` : fieldLabel(step.slice(1));
  }
  return label;
}

function exampleOf(typeName: string): string {
  switch (typeName) {
    case 'AWSDate':
      return 'must be a date such as 2026-03-04';
    case 'AWSTime':
      return 'must be a time such as 14:30';
    case 'AWSDateTime':
      return 'must be a date and time such as 2026-03-04 14:30';
    case 'AWSEmail':
      return 'must be an e-mail address such as name@example.org';
    case 'AWSPhone':
      return 'must be a phone number such as +41 21 555 01 23';
    case 'AWSJSON':
      return 'must be valid JSON, such as {"depth": 3}';
    case 'AWSIPAddress':
      return 'must be an IP address such as 192.0.2.10';
    case 'Boolean':
      return 'must be Yes or No';
    case 'Float':
      return 'must be a number, such as 12.5';
    case 'AWSTimestamp':
      return 'must be a whole number of seconds';
    default:
      return 'holds characters that cannot be stored (a broken emoji or symbol)';
  }
}

/** What is wrong with a web address in words: no scheme, or a "//" in its path that the server refuses. */
function urlAdvice(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
    return 'must be a full web address starting with https://, such as https://example.org/photo.jpg';
  }
  const path = value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/?#]*)?/, '').replace(/[?#].*$/, '');
  if (path.includes('//')) return 'must not have two slashes (//) after the site name; write one slash instead';
  return 'must be a web address such as https://example.org/photo.jpg';
}

/** The plain sentence for one problem `validate-record` found, naming the field by `label`. */
export function plainMessage(schema: Schema, label: string, problem: RecordProblem): string {
  switch (problem.rule) {
    case 'required':
      return `${label} is required`;
    case 'range':
      // geo-point.ts already says it in words, naming the part ("latitude must be between −90 and 90, got 200").
      return problem.message.replace(/^[^:]*: /, '');
    case 'enum': {
      const members = (problem.typeName === undefined ? undefined : schema.enums[problem.typeName]?.values) ?? [];
      return `${label} must be one of: ${members.map(enumLabel).join(', ')}`;
    }
    case 'type':
      if (problem.typeName === 'Int') {
        return typeof problem.value === 'number' && Number.isInteger(problem.value)
          ? `${label} must be a whole number from ${NUMBER.format(INT_MIN)} to ${NUMBER.format(INT_MAX)}`
          : `${label} must be a whole number`;
      }
      if (problem.typeName === 'AWSURL') return `${label} ${urlAdvice(problem.value)}`;
      return `${label} ${exampleOf(problem.typeName ?? '')}`;
    default:
      return problem.message;
  }
}

/** The form's path for `Model.field…` (validate-record's paths), or undefined for another model's. */
function formPath(model: ModelDef, path: string): string | undefined {
  return path.startsWith(`${model.name}.`) ? path.slice(model.name.length + 1) : undefined;
}

function boundsMessage(label: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${label} must be between ${NUMBER.format(min)} and ${NUMBER.format(max)}`;
  return min !== undefined ? `${label} must be ${NUMBER.format(min)} or more` : `${label} must be ${NUMBER.format(max ?? 0)} or less`;
}

/** The hints' bounds and the text length, for one field's stored value (items of a list one by one). */
function hintProblems(hints: FormHints, model: ModelDef, field: FieldDef, value: unknown): FormProblem[] {
  const hint = fieldHint(hints, model.name, field.name);
  const out: FormProblem[] = [];
  const items: Array<[string, unknown]> = field.isList && Array.isArray(value) ? value.map((v, i) => [`${field.name}[${i}]`, v]) : [[field.name, value]];
  for (const [path, item] of items) {
    if (typeof item === 'string' && item.length > MAX_TEXT_LENGTH) {
      out.push({
        field: path,
        message: `${pathLabel(hints, model, path)} is too long: at most ${NUMBER.format(MAX_TEXT_LENGTH)} characters (it has ${NUMBER.format(item.length)})`,
      });
    }
    if (typeof item === 'number' && hint !== undefined && ((hint.min !== undefined && item < hint.min) || (hint.max !== undefined && item > hint.max))) {
      out.push({ field: path, message: boundsMessage(pathLabel(hints, model, path), hint.min, hint.max) });
    }
  }
  return out;
}

/**
 * Every problem of the form's `values` for `model` (create: a new record, update: an edit), one per
 * field path, in form order: what main would refuse, said in words, and the hints' min/max.
 * Empty when the record may be saved.
 */
export function formProblems(
  schema: Schema,
  hints: FormHints,
  model: ModelDef,
  fields: readonly FieldDef[],
  values: Readonly<Record<string, Raw>>,
  mode: ValidationMode,
): FormProblem[] {
  const record = Object.fromEntries(fields.map((f) => [f.name, fromRaw(schema, f, values[f.name] ?? blankRaw(schema, f))]));
  const found: FormProblem[] = [];
  for (const problem of recordProblems(schema, model.name, record, mode)) {
    const path = formPath(model, problem.path);
    if (path === undefined) continue;
    found.push({ field: path, message: plainMessage(schema, pathLabel(hints, model, path), problem) });
  }
  for (const field of fields) {
    if (!isAttachmentField(schema, field)) found.push(...hintProblems(hints, model, field, record[field.name]));
  }
  const order = new Map(fields.map((f, i) => [f.name, i]));
  const byPath = new Map<string, FormProblem>();
  for (const problem of found) if (!byPath.has(problem.field)) byPath.set(problem.field, problem);
  return [...byPath.values()].sort((a, b) => (order.get(splitPath(a.field)[0]) ?? 0) - (order.get(splitPath(b.field)[0]) ?? 0));
}

/**
 * The errors still worth showing while the user fixes them: a save's error stays until its field's
 * problem is gone (`problems` is the form checked as it stands now), then goes at once; the wording
 * is refreshed at the next save.
 */
export function standingErrors(errors: ReadonlyMap<string, string>, problems: readonly FormProblem[]): Map<string, string> {
  const still = new Set(problems.map((p) => p.field));
  return new Map([...errors].filter(([path]) => still.has(path)));
}

/** Where a refused save's error goes and what it says, from main's message and path. */
export interface SaveErrorPlace {
  /** The form's path of the field, or null for the whole form. */
  readonly field: string | null;
  readonly message: string;
}

/**
 * Places main's refusal (`Model.field…` from validation, `save.record.field…` from the IPC checks)
 * under its field with the developer's path replaced by the field's label; a refusal with no field
 * goes above the form as it is.
 */
export function plainSaveError(hints: FormHints, model: ModelDef, error: { readonly message: string; readonly path?: string | undefined }): SaveErrorPlace {
  const raw = error.path;
  const path = raw === undefined ? undefined : raw.startsWith('save.record.') ? raw.slice('save.record.'.length) : formPath(model, raw);
  if (path === undefined || path === '' || !/^[A-Za-z_]/.test(path)) return { field: null, message: error.message };
  const label = pathLabel(hints, model, path);
  const tooLong = /text longer than (\d+) characters/.exec(error.message);
  if (tooLong) return { field: path, message: `${label} is too long: at most ${NUMBER.format(Number(tooLong[1]))} characters` };
  const words = error.message
    .replace(`${raw}: `, '')
    .replace(raw!, label)
    .replace(/ \((?:AWS)?[A-Za-z]+\) must/, ' must')
    .replace(' is required and may not be null', ' is required');
  if (words.toLowerCase().startsWith(label.toLowerCase())) return { field: path, message: label + words.slice(label.length) };
  return { field: path, message: `${label}: ${words}` };
}
