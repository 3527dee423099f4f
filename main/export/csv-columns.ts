// The columns of a CSV export, decided from the schema: one per scalar or enum field in schema
// order; an embedded object flattened into one column per member (`location.latitude`); a list in
// one cell joined by "; "; an enum member as the form shows it ("In progress"); a `@belongsTo`
// parent's label in a column beside its key (`site.name` after `siteID`). A text cell a
// spreadsheet would run as a formula (=, +, -, @ first) gets an apostrophe in front (OWASP "CSV
// injection"): field data comes from other people's devices.
import { attachmentRefProblem } from '../../common/schema/attachment-ref.js';
import { storedFields } from '../../common/schema/model-fields.js';
import { enumLabel } from '../../common/schema/record-labels.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { ExportedRelation } from './related-labels.js';

/** A related record's label for a record (see RelatedLabels.labelOf). */
export type LabelLookup = (relation: ExportedRelation, record: ModelRecord) => string | null | undefined;

/** One CSV column: its header and how a record fills its cell. */
export interface CsvColumn {
  readonly header: string;
  cell(record: ModelRecord, labels: LabelLookup): string;
}

/** Separator of a list's values in one cell. */
export const LIST_SEPARATOR = '; ';

/** The CSV columns of `model` (see the header), related labels for `relations`. */
export function csvColumns(schema: Schema, model: ModelDef, relations: readonly ExportedRelation[]): CsvColumn[] {
  const fields = storedFields(model);
  const columns: CsvColumn[] = [];
  for (const field of fields) {
    columns.push(...fieldColumns(schema, field, [field.name]));
    for (const relation of relations) {
      const lastKey = fields.filter((f) => relation.keyFields.includes(f.name)).pop();
      if (lastKey !== field) continue;
      columns.push({ header: `${relation.field}.${relation.labelName}`, cell: (record, labels) => guarded(labels(relation, record) ?? '') });
    }
  }
  return columns;
}

/** The columns one field (or an embedded member at `path`) becomes. */
function fieldColumns(schema: Schema, field: FieldDef, path: readonly string[]): CsvColumn[] {
  const read = (record: ModelRecord): unknown => path.reduce<unknown>((value, name) => (isObject(value) ? value[name] : undefined), record);
  const type = field.type.kind === 'embedded' && Object.hasOwn(schema.embeddedTypes, field.type.name) ? schema.embeddedTypes[field.type.name] : undefined;
  if (type !== undefined && !field.isList) return type.fields.flatMap((member) => fieldColumns(schema, member, [...path, member.name]));
  return [{ header: path.join('.'), cell: (record) => cellText(field, read(record)) }];
}

/** A stored value as cell text (lists joined by "; "); '' for null. */
export function cellText(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    return value
      .filter((v) => v !== null && v !== undefined)
      .map((v) => valueText(field, v))
      .join(LIST_SEPARATOR);
  }
  return valueText(field, value);
}

function valueText(field: FieldDef, value: unknown): string {
  if (field.type.kind === 'enum' && typeof value === 'string') return enumLabel(value);
  if (typeof value === 'string') return guarded(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // An attachment in a list cell is its file name; any other object its JSON.
  if (field.type.kind === 'embedded' && attachmentRefProblem(value) === null) {
    const ref = value as { name?: unknown; key: string };
    return guarded(typeof ref.name === 'string' && ref.name !== '' ? ref.name : ref.key);
  }
  return guarded(JSON.stringify(value));
}

/** `text` with an apostrophe in front when a spreadsheet would take it for a formula. */
export function guarded(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
