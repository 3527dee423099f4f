// GeoJSON and JSON exports over a real datastore: a FeatureCollection (RFC 7946) whose Sites with
// a location are Points at [longitude, latitude] and whose Sites without one keep a null geometry;
// a JSON array of records with the parent's key and label beside the foreign key; both valid JSON
// for no record at all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportFormats, geoPointField } from '../../../common/export/export-formats.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { exportToFile } from '../../../main/export/export-file.js';
import { pointOf } from '../../../main/export/geojson-writer.js';
import { openBench, schema, type ExportBench } from './export-harness.js';

let bench: ExportBench;
const site = getModel(schema, 'Site');
const inspection = getModel(schema, 'Inspection');

interface Feature {
  type: string;
  id: string;
  geometry: { type: string; coordinates: number[] } | null;
  properties: Record<string, unknown>;
}

async function run(model: typeof site, format: 'geojson' | 'json', name: string, where?: Parameters<typeof exportToFile>[0]['where']) {
  const result = await exportToFile({
    schema,
    model,
    format,
    source: bench.datastore,
    overwrite: false,
    path: join(bench.dir, name),
    ...(where ? { where } : {}),
  });
  return { result, parsed: JSON.parse(readFileSync(result.path, 'utf8')) as unknown };
}

describe('GeoJSON and JSON export', () => {
  before(async () => {
    bench = openBench('geo');
    await bench.put('Site', [
      { id: 's1', name: 'Zürich', code: 'Z', location: { latitude: 47.3769, longitude: 8.5417, accuracyMeters: 12 }, tags: ['x'] },
      { id: 's2', name: 'Nowhere', code: null, location: null, tags: null },
      { id: 's3', name: 'Quito', code: 'Q', location: { latitude: -0.1807, longitude: -78.4678, accuracyMeters: null }, tags: null },
    ]);
    await bench.put('Inspection', [
      { id: 'i1', siteID: 's1', title: 'Spring', status: 'APPROVED', score: 9, notes: 'a "quoted"\nnote', inspectedAt: null, attachments: null },
    ]);
  });
  after(async () => {
    await bench?.close();
  });

  test('GeoJSON is offered only for a model with a GeoPoint-shaped field', () => {
    assert.equal(geoPointField(schema, site)?.name, 'location');
    assert.deepEqual(exportFormats(schema, site), ['csv', 'geojson', 'json']);
    assert.deepEqual(exportFormats(schema, inspection), ['csv', 'json']);
  });

  test('Sites as a FeatureCollection: Points at [longitude, latitude], a null geometry without a location, the other fields as properties', async () => {
    const { result, parsed } = await run(site, 'geojson', 'sites.geojson');
    assert.equal(result.records, 3);
    const collection = parsed as { type: string; features: Feature[] };
    assert.equal(collection.type, 'FeatureCollection');
    const byId = Object.fromEntries(collection.features.map((f) => [f.id, f]));
    for (const feature of collection.features) {
      assert.equal(feature.type, 'Feature');
      assert.equal(typeof feature.properties, 'object');
    }
    assert.deepEqual(byId.s1!.geometry, { type: 'Point', coordinates: [8.5417, 47.3769] });
    assert.deepEqual(byId.s3!.geometry, { type: 'Point', coordinates: [-78.4678, -0.1807] });
    assert.equal(byId.s2!.geometry, null);
    assert.equal(byId.s1!.properties.name, 'Zürich');
    assert.deepEqual(byId.s1!.properties.tags, ['x']);
    // The position is the geometry; the accuracy stays a property under the field's name.
    assert.deepEqual(byId.s1!.properties.location, { accuracyMeters: 12 });
    assert.equal('location' in byId.s3!.properties, false);
  });

  test('a position out of range or not a number is no Point', () => {
    assert.equal(pointOf({ latitude: 91, longitude: 0 }), null);
    assert.equal(pointOf({ latitude: 0, longitude: -180.5 }), null);
    assert.equal(pointOf({ latitude: '1', longitude: 2 }), null);
    assert.equal(pointOf(null), null);
    assert.deepEqual(pointOf({ latitude: -90, longitude: 180 }), { type: 'Point', coordinates: [180, -90] });
  });

  test('no record: an empty FeatureCollection and an empty array, both valid JSON', async () => {
    const none = { field: 'name', op: 'eq' as const, value: 'none' };
    assert.deepEqual((await run(site, 'geojson', 'none.geojson', none)).parsed, { type: 'FeatureCollection', features: [] });
    assert.deepEqual((await run(site, 'json', 'none.json', none)).parsed, []);
  });

  test('JSON: the stored values, and the parent as { key, label } beside the foreign key', async () => {
    const { parsed } = await run(inspection, 'json', 'inspections.json');
    const [record] = parsed as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(record!).slice(0, 4), ['id', 'siteID', 'site', 'title']);
    assert.deepEqual(record!.site, { id: 's1', name: 'Zürich' });
    assert.equal(record!.status, 'APPROVED');
    assert.equal(record!.notes, 'a "quoted"\nnote');
    assert.equal('_version' in record!, false);
  });
});
