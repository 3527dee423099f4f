// A record as the JSON and GeoJSON exports write it: its stored fields in schema order (values as
// stored: enum member names, ISO dates), and for each `@belongsTo` parent an object beside its key
// holding the parent's key and label — `site: { id, name }`, the shape of the GraphQL relation
// field, of which the CSV's `site.name` column is the flattened form.
import { storedFields } from '../../common/schema/model-fields.js';
import type { FieldDef, ModelDef, ModelRecord } from '../../common/schema/types.js';
import type { LabelLookup } from './csv-columns.js';
import type { ExportedRelation } from './related-labels.js';

/** Builds records as exported (see the header) for `model`; `omit` names a field left out (GeoJSON's geometry field). */
export function recordExporter(
  model: ModelDef,
  relations: readonly ExportedRelation[],
  omit?: string,
): (record: ModelRecord, labels: LabelLookup) => Record<string, unknown> {
  const fields = storedFields(model);
  // Each relation goes after the last of its key fields, decided once for every record.
  const after = new Map<FieldDef, ExportedRelation[]>();
  for (const relation of relations) {
    const last = fields.filter((f) => relation.keyFields.includes(f.name)).pop();
    if (last !== undefined) after.set(last, [...(after.get(last) ?? []), relation]);
  }
  return (record, labels) => {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (field.name !== omit) out[field.name] = record[field.name] ?? null;
      for (const relation of after.get(field) ?? []) {
        const label = labels(relation, record);
        out[relation.field] =
          label === undefined
            ? null
            : { ...Object.fromEntries(relation.keyFields.map((k, i) => [relation.relatedKeys[i]!, record[k]])), [relation.labelName]: label };
      }
    }
    return out;
  };
}
