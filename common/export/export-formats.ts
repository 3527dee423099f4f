// What an export of a model can be (issue 13 "Export"): the formats it offers and whether a zip of
// its files makes sense. The renderer's Export dialog offers these and main writes them, so both
// decide from the schema here.
import { attachmentFields } from '../schema/attachment-ref.js';
import { geoPointFields } from '../schema/geo-point.js';
import { pluralLabel } from '../schema/record-labels.js';
import type { FieldDef, ModelDef, Schema } from '../schema/types.js';

/** An export's file format. */
export type ExportFormat = 'csv' | 'geojson' | 'json';

/** The file name ending of each format. */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = { csv: 'csv', geojson: 'geojson', json: 'json' };

/** The model's first single GeoPoint-shaped field (common/schema/geo-point.ts): its records' Point in GeoJSON. */
export function geoPointField(schema: Schema, model: ModelDef): FieldDef | undefined {
  return geoPointFields(schema, model).find((f) => !f.isList);
}

/** The formats `model` can be exported in: GeoJSON only when it has a GeoPoint-shaped field. */
export function exportFormats(schema: Schema, model: ModelDef): ExportFormat[] {
  return geoPointField(schema, model) === undefined ? ['csv', 'json'] : ['csv', 'geojson', 'json'];
}

/** True when `model` has attachment fields, so a zip with its files can be offered. */
export function canExportFiles(schema: Schema, model: ModelDef): boolean {
  return attachmentFields(schema, model).length > 0;
}

/** `<Model plural>-<YYYY-MM-DD>.<csv|geojson|json|zip>`, dated `now` in local time. */
export function suggestedExportName(model: ModelDef, format: ExportFormat, zip: boolean, now: Date): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `${pluralLabel(model)}-${day}.${zip ? 'zip' : EXPORT_EXTENSIONS[format]}`;
}
