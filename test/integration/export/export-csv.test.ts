// CSV export over a real datastore: the header in schema order with embedded members flattened and
// the related label beside its key, enum labels, lists joined, the hard characters (commas,
// quotes, line breaks, accents, formula starts) round-tripping through a strict RFC 4180 reader,
// and the list's filter and sort kept across pages (keyset and offset paging alike).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import { exportToFile, type ExportJob } from '../../../main/export/export-file.js';
import { openBench, readCsv, schema, type ExportBench } from './export-harness.js';

let bench: ExportBench;
const site = getModel(schema, 'Site');
const inspection = getModel(schema, 'Inspection');

function job(overrides: Partial<ExportJob> & Pick<ExportJob, 'model' | 'path'>): ExportJob {
  return { schema, format: 'csv', source: bench.datastore, overwrite: false, ...overrides };
}

describe('CSV export', () => {
  before(async () => {
    bench = openBench('csv');
    await bench.put('Site', [
      {
        id: 's1',
        name: 'Café "Zürich", north',
        code: '=HYPERLINK("x")',
        location: { latitude: 47.3769, longitude: 8.5417, accuracyMeters: 4.5 },
        tags: ['a', 'b,c'],
      },
      { id: 's2', name: 'Two\nlines', code: null, location: null, tags: [] },
    ]);
    await bench.put('Inspection', [
      {
        id: 'i1',
        siteID: 's1',
        title: 'Spring',
        status: 'IN_PROGRESS',
        score: -3,
        notes: 'fine, "really"',
        inspectedAt: '2026-03-04T10:00:00.000Z',
        attachments: null,
      },
      { id: 'i2', siteID: 's2', title: 'Summer', status: 'SUBMITTED', score: 80, notes: null, inspectedAt: '2026-06-01T10:00:00.000Z', attachments: null },
      { id: 'i3', siteID: 'gone', title: 'Orphan', status: 'DRAFT', score: null, notes: 'ñandú €', inspectedAt: null, attachments: null },
    ]);
  });
  after(async () => {
    await bench?.close();
  });

  test('a Site: BOM, CRLF rows, embedded members flattened, lists joined with "; ", hard characters round-trip', async () => {
    const result = await exportToFile(job({ model: site, path: join(bench.dir, 'sites.csv') }));
    assert.equal(result.records, 2);
    const { header, rows } = readCsv(result.path);
    assert.deepEqual(header, [
      'id',
      'name',
      'code',
      'location.latitude',
      'location.longitude',
      'location.accuracyMeters',
      'tags',
      'createdAt',
      'updatedAt',
      'owner',
    ]);
    assert.deepEqual(rows[0], {
      id: 's1',
      name: 'Café "Zürich", north',
      // A cell a spreadsheet would run as a formula starts with an apostrophe.
      code: `'=HYPERLINK("x")`,
      'location.latitude': '47.3769',
      'location.longitude': '8.5417',
      'location.accuracyMeters': '4.5',
      tags: 'a; b,c',
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
      owner: 'sub::ana',
    });
    assert.equal(rows[1]!.name, 'Two\nlines');
    assert.equal(rows[1]!['location.latitude'], '');
    assert.equal(rows[1]!.tags, '');
  });

  test('an Inspection: the Site by its name beside siteID, enums as the form shows them, numbers as they are', async () => {
    const result = await exportToFile(job({ model: inspection, path: join(bench.dir, 'inspections.csv') }));
    const { header, rows } = readCsv(result.path);
    assert.deepEqual(header, [
      'id',
      'siteID',
      'site.name',
      'title',
      'status',
      'score',
      'notes',
      'inspectedAt',
      'attachments',
      'createdAt',
      'updatedAt',
      'owner',
    ]);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.equal(byId.i1!['site.name'], 'Café "Zürich", north');
    assert.equal(byId.i1!.status, 'In progress');
    assert.equal(byId.i1!.score, '-3');
    assert.equal(byId.i1!.notes, 'fine, "really"');
    assert.equal(byId.i2!['site.name'], 'Two\nlines');
    assert.equal(byId.i2!.status, 'Submitted');
    // The parent is not on this device: its key stays, the label is empty.
    assert.equal(byId.i3!.siteID, 'gone');
    assert.equal(byId.i3!['site.name'], '');
    assert.equal(byId.i3!.notes, 'ñandú €');
  });

  test("the list's filter and sort are kept", async () => {
    const where = { field: 'status', op: 'ne' as const, value: 'DRAFT' };
    const result = await exportToFile(
      job({ model: inspection, where, sort: [{ field: 'inspectedAt', direction: 'desc' }], path: join(bench.dir, 'filtered.csv') }),
    );
    assert.equal(result.records, 2);
    assert.deepEqual(
      readCsv(result.path).rows.map((r) => r.title),
      ['Summer', 'Spring'],
    );
  });

  test('no record: the header alone', async () => {
    const result = await exportToFile(job({ model: inspection, where: { field: 'title', op: 'eq', value: 'nothing' }, path: join(bench.dir, 'empty.csv') }));
    assert.equal(result.records, 0);
    const { header, rows } = readCsv(result.path);
    assert.equal(header[0], 'id');
    assert.equal(rows.length, 0);
  });

  test('pages of 7 over 100 records, unsorted (keyset) and sorted (offset): every record once, in the order the datastore sorts', async () => {
    const paged = openBench('csv-pages');
    try {
      const records = Array.from({ length: 100 }, (_, n) => ({
        id: `p${String((n * 37) % 100).padStart(3, '0')}`,
        name: `Site ${n % 9}`,
        code: `C${n}`,
        tags: null,
        location: null,
      }));
      await paged.put('Site', records);
      for (const sort of [undefined, [{ field: 'name', direction: 'desc' as const }]]) {
        const expected = (await paged.datastore.query('Site', sort ? { sort } : {})).map((r) => r.id);
        const result = await exportToFile({
          schema,
          model: site,
          format: 'csv',
          source: paged.datastore,
          overwrite: false,
          pageSize: 7,
          ...(sort ? { sort } : {}),
          path: join(paged.dir, sort ? 'sorted.csv' : 'unsorted.csv'),
        });
        assert.equal(result.records, 100);
        assert.deepEqual(
          readCsv(result.path).rows.map((r) => r.id),
          expected,
        );
      }
      // Nothing is left behind but the exports.
      assert.deepEqual(
        readdirSync(paged.dir).filter((n) => n.endsWith('.part')),
        [],
      );
    } finally {
      await paged.close();
    }
  });

  test('the temporary file is gone after a successful export', async () => {
    const path = join(bench.dir, 'clean.csv');
    await exportToFile(job({ model: site, path }));
    assert.ok(existsSync(path));
    assert.deepEqual(
      readdirSync(bench.dir).filter((n) => n.startsWith('.outpost-export-')),
      [],
    );
  });
});
