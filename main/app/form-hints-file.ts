// Reads the optional form-hints file beside the schema (schema/form-hints.json) at start-up and
// checks it against the parsed Schema, so a typo in it stops the app with one sentence naming the
// file, the model and the field, instead of a form quietly ignoring the hint.
import { existsSync, readFileSync } from 'node:fs';
import { SchemaError } from '../../common/errors.js';
import { formHintsProblems, formHintsShape, NO_FORM_HINTS, type FormHints } from '../../common/schema/form-hints.js';
import type { Schema } from '../../common/schema/types.js';

/** The file's name beside schema.graphql. */
export const FORM_HINTS_FILE = 'form-hints.json';

/** The hints in `text` (the contents of `file`), checked against `schema`; throws SchemaError naming `file` and every problem. */
export function parseFormHints(text: string, file: string, schema: Schema): FormHints {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = formHintsShape.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.length === 0 ? '(the whole file)' : issue.path.join('.')}: ${issue.message}`);
    throw new SchemaError(`${file}: ${lines.join('; ')}`);
  }
  const problems = formHintsProblems(schema, parsed.data);
  if (problems.length > 0) throw new SchemaError(`${file}: ${problems.join('; ')}`);
  return parsed.data;
}

/** The hints in `file`, checked against `schema`; none when the file does not exist. */
export function loadFormHints(file: string, schema: Schema): FormHints {
  if (!existsSync(file)) return NO_FORM_HINTS;
  return parseFormHints(readFileSync(file, 'utf8'), file, schema);
}
