// The optional form-hints file beside schema.graphql (schema/form-hints.json): how forms present
// a model's fields — labels, help text, pick lists, bounds, defaults, order — kept out of the SDL
// so schema.graphql stays valid Amplify SDL. Checked against the parsed Schema when loaded.
import { z } from 'zod';

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
