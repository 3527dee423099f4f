// The optional form-hints file beside schema.graphql (schema/form-hints.json): how forms present
// a model's fields — labels, help text, pick lists, bounds, defaults, order — kept out of the SDL
// so schema.graphql stays valid Amplify SDL. Checked against the parsed Schema when loaded.
import { z } from 'zod';
import { scalarRule } from './scalars.js';
import type { FieldDef, Schema } from './types.js';

/** A default a new record's field starts with: a literal, or one the form computes. */
export const fieldDefaultShape = z.union([
  z.object({ value: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
  /** `now`: the current date/time in the field's type; `lastUsed`: the value last saved on this device. */
  z.object({ from: z.enum(['now', 'lastUsed']) }).strict(),
]);

/** Presentation hints for one field. */
export const fieldHintShape = z
  .object({
    label: z.string().min(1).max(200).optional(),
    help: z.string().min(1).max(1000).optional(),
    /** The values offered in a pick list (the field still accepts only values of its type). */
    choices: z
      .array(z.union([z.string().max(500), z.number()]))
      .min(1)
      .max(1000)
      .optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    default: fieldDefaultShape.optional(),
  })
  .strict();

/** Presentation hints for one model: its fields' hints and the order forms show them in. */
export const modelHintShape = z
  .object({
    fields: z.record(z.string().min(1).max(200), fieldHintShape).optional(),
    /** Field names, first shown first; fields not named follow in schema order. */
    order: z.array(z.string().min(1).max(200)).max(500).optional(),
  })
  .strict();

/** The whole file: model name → hints. A missing file is `{ models: {} }`. */
export const formHintsShape = z.object({ models: z.record(z.string().min(1).max(200), modelHintShape) }).strict();

export type FieldDefault = z.infer<typeof fieldDefaultShape>;
export type FieldHint = z.infer<typeof fieldHintShape>;
export type ModelHint = z.infer<typeof modelHintShape>;
export type FormHints = z.infer<typeof formHintsShape>;

/** No hints: every form as the schema alone describes it. */
export const NO_FORM_HINTS: FormHints = { models: {} };

/** Scalars whose hints may carry `min`/`max` (and numeric choices). */
const NUMBER_SCALARS: ReadonlySet<string> = new Set(['Int', 'Float', 'AWSTimestamp']);
/** Scalars a `now` default fits: the current date, time, date-time or timestamp. */
export const NOW_SCALARS: ReadonlySet<string> = new Set(['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp']);

/** The hints for `model`'s field `field`, or none. */
export function fieldHint(hints: FormHints, model: string, field: string): FieldHint | undefined {
  const fields = Object.hasOwn(hints.models, model) ? hints.models[model]?.fields : undefined;
  return fields !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** The hints for `model`, or none. */
export function modelHint(hints: FormHints, model: string): ModelHint | undefined {
  return Object.hasOwn(hints.models, model) ? hints.models[model] : undefined;
}

/** Why `value` cannot be held by `field` (a phrase), or undefined when it can; list fields judge one item. */
function valueProblem(schema: Schema, field: FieldDef, value: string | number | boolean): string | undefined {
  const type = field.type;
  if (type.kind === 'enum') {
    const members = schema.enums[type.name]?.values ?? [];
    return typeof value === 'string' && members.includes(value) ? undefined : `is not one of ${type.name}: ${members.join(', ')}`;
  }
  if (type.kind !== 'scalar') return `cannot be given to a ${type.name} field`;
  const rule = scalarRule(type.name, value);
  return rule === undefined ? undefined : `does not fit ${type.name}: it ${rule}`;
}

function shown(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Everything wrong with `hints` for `schema`, each naming the model and field: an unknown model or
 * field (or a relation field: hints go on its key field), `min`/`max` on a field that is not a number
 * or `min` above `max`, choices or a default that the field's type cannot hold (or outside min/max),
 * `now` on a field that is not a date or time, a default on a list or group, an order naming a field
 * twice or one the model lacks. Empty when the file fits.
 */
export function formHintsProblems(schema: Schema, hints: FormHints): string[] {
  const problems: string[] = [];
  const modelNames = Object.keys(schema.models);
  for (const [modelName, modelHints] of Object.entries(hints.models)) {
    const model = Object.hasOwn(schema.models, modelName) ? schema.models[modelName] : undefined;
    if (model === undefined) {
      problems.push(`model ${modelName}: there is no such model in the schema (models: ${modelNames.join(', ')})`);
      continue;
    }
    const fieldNames = model.fields.filter((f) => f.type.kind !== 'model').map((f) => f.name);
    const known = (name: string): FieldDef | undefined => model.fields.find((f) => f.name === name);
    const unknown = (where: string, name: string): string => {
      const field = known(name);
      return field?.type.kind === 'model'
        ? `${modelName}.${name} (${where}): ${name} is a relation; give hints to its key field instead`
        : `${modelName}.${name} (${where}): ${modelName} has no field ${name} (fields: ${fieldNames.join(', ')})`;
    };
    for (const [name, hint] of Object.entries(modelHints.fields ?? {})) {
      const field = known(name);
      if (field === undefined || field.type.kind === 'model') {
        problems.push(unknown('fields', name));
        continue;
      }
      problems.push(...fieldHintProblems(schema, `${modelName}.${name}`, field, hint));
    }
    const seen = new Set<string>();
    for (const name of modelHints.order ?? []) {
      const field = known(name);
      if (field === undefined || field.type.kind === 'model') problems.push(unknown('order', name));
      else if (seen.has(name)) problems.push(`${modelName}.${name} (order): named twice`);
      seen.add(name);
    }
  }
  return problems;
}

function fieldHintProblems(schema: Schema, where: string, field: FieldDef, hint: FieldHint): string[] {
  const problems: string[] = [];
  const type = field.type;
  const typeName = `${field.isList ? '[' : ''}${type.name}${field.isList ? ']' : ''}`;
  const numeric = type.kind === 'scalar' && NUMBER_SCALARS.has(type.name);
  if ((hint.min !== undefined || hint.max !== undefined) && !numeric) {
    problems.push(`${where}: min and max apply to number fields (Int, Float, AWSTimestamp), and ${where} is ${typeName}`);
  }
  if (hint.min !== undefined && hint.max !== undefined && hint.min > hint.max) {
    problems.push(`${where}: min ${hint.min} is above max ${hint.max}`);
  }
  const outside = (value: unknown): boolean =>
    numeric && typeof value === 'number' && ((hint.min !== undefined && value < hint.min) || (hint.max !== undefined && value > hint.max));
  if (hint.choices !== undefined) {
    if (type.kind === 'embedded' || (type.kind === 'scalar' && type.name === 'Boolean')) {
      problems.push(`${where}: choices are for text, number and enum fields, and ${where} is ${typeName}`);
    } else {
      for (const choice of hint.choices) {
        const problem = valueProblem(schema, field, choice);
        if (problem !== undefined) problems.push(`${where}: the choice ${shown(choice)} ${problem}`);
        else if (outside(choice)) problems.push(`${where}: the choice ${shown(choice)} is outside min/max`);
      }
    }
  }
  const fallback = hint.default;
  if (fallback !== undefined) {
    if (field.isList || type.kind === 'embedded') {
      problems.push(`${where}: a default is for a single value, and ${where} is ${typeName}`);
    } else if ('value' in fallback) {
      const problem = valueProblem(schema, field, fallback.value);
      if (problem !== undefined) problems.push(`${where}: the default ${shown(fallback.value)} ${problem}`);
      else if (outside(fallback.value)) problems.push(`${where}: the default ${shown(fallback.value)} is outside min/max`);
    } else if (fallback.from === 'now' && !(type.kind === 'scalar' && NOW_SCALARS.has(type.name))) {
      problems.push(`${where}: the default "now" is for AWSDate, AWSTime, AWSDateTime and AWSTimestamp fields, and ${where} is ${typeName}`);
    }
  }
  return problems;
}
