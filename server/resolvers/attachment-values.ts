// Attachment references in create/update input (issue 13): beyond the embedded type's shape, which
// validateRecord checks, each reference must be well formed (a MIME type, a byte size, a sha-256 of
// 64 lower-case hex digits, a bounded key) so retention and the client read only usable ones.
import { ValidationError } from '../../common/errors.js';
import { attachmentFields, attachmentRefProblem } from '../../common/schema/attachment-ref.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';

/** The first malformed attachment reference among `values`' attachment fields: its path (`Model.field[i]`) and problem; null when all are well formed. */
export function attachmentInputProblem(schema: Schema, model: ModelDef, values: Readonly<Record<string, unknown>>): { path: string; problem: string } | null {
  for (const field of attachmentFields(schema, model)) {
    const value = values[field.name];
    if (value === undefined || value === null) continue;
    const path = `${model.name}.${field.name}`;
    const items: unknown[] = field.isList && Array.isArray(value) ? value : [value];
    for (const [index, item] of items.entries()) {
      if (item === null && field.isList) continue;
      const problem = attachmentRefProblem(item);
      if (problem !== null) return { path: field.isList ? `${path}[${index}]` : path, problem };
    }
  }
  return null;
}

/** Throws a ValidationError (`rule: 'attachment'`) naming `Model.field` and the problem of the first malformed reference in `values`. */
export function checkAttachmentInput(schema: Schema, model: ModelDef, values: Readonly<Record<string, unknown>>): void {
  const found = attachmentInputProblem(schema, model, values);
  if (found !== null) throw new ValidationError(`${found.path} is not a valid attachment: ${found.problem}`, found.path, { rule: 'attachment' });
}
