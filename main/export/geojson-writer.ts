// GeoJSON (RFC 7946): a FeatureCollection with one Feature per record. A record whose GeoPoint-shaped
// field holds a position in range is a Point at [longitude, latitude] (RFC 7946 §3.1.1: longitude
// first); any other record is a Feature with a null geometry (§3.2), so no record is dropped. The
// other fields are the properties (exported-record.ts); the point's own other members (accuracy)
// stay under its field name.
import type { Writable } from 'node:stream';
import { geoPointField } from '../../common/export/export-formats.js';
import { modelIdOf } from '../../common/schema/record-key.js';
import type { ModelRecord } from '../../common/schema/types.js';
import type { DataWriter, ExportShape } from './data-writer.js';
import { recordExporter } from './exported-record.js';
import { jsonArrayWriter } from './json-array-writer.js';

/** A GeoJSON Point geometry. */
export interface PointGeometry {
  readonly type: 'Point';
  readonly coordinates: readonly [number, number];
}

/** The Point at `value` ({ latitude, longitude }), or null when it is not a position in range. */
export function pointOf(value: unknown): PointGeometry | null {
  if (typeof value !== 'object' || value === null) return null;
  const { latitude, longitude } = value as { latitude?: unknown; longitude?: unknown };
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { type: 'Point', coordinates: [longitude, latitude] };
}

/** Writes the FeatureCollection into `out`. */
export function geojsonWriter(out: Writable, shape: ExportShape): DataWriter {
  const geo = geoPointField(shape.schema, shape.model);
  const array = jsonArrayWriter(out, '{"type":"FeatureCollection","features":[\n', '\n]}\n');
  const exported = recordExporter(shape.model, shape.relations, geo?.name);
  const feature = (record: ModelRecord, properties: Record<string, unknown>) => {
    const point = geo === undefined ? null : (record[geo.name] as unknown);
    if (geo !== undefined && typeof point === 'object' && point !== null) {
      const rest = Object.fromEntries(
        Object.entries(point).filter(([name, v]) => name !== 'latitude' && name !== 'longitude' && v !== null && v !== undefined),
      );
      if (Object.keys(rest).length > 0) properties[geo.name] = rest;
    }
    return { type: 'Feature', id: modelIdOf(shape.model, record), geometry: pointOf(point), properties };
  };
  return {
    write: (page) => array.add(page.records.map((record) => feature(record, exported(record, page.labels)))),
    end: () => array.end(),
  };
}
