// The pure parts of an export, table-driven: names made safe for a zip on any system and told
// apart, cells of every kind of field, the keyset cursor's predicate; and, randomized (seed
// printed, FC_SEED replays), any text survives a CSV export and a strict RFC 4180 read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { getModel } from '../../../common/schema/model-fields.js';
import { enumLabel, pluralLabel } from '../../../common/schema/record-labels.js';
import { suggestedExportName } from '../../../common/export/export-formats.js';
import { cellText, guarded } from '../../../main/export/csv-columns.js';
import { exportToFile } from '../../../main/export/export-file.js';
import { FolderNames, MAX_NAME_BYTES, numberedName, recordFolderName, safeName } from '../../../main/export/file-names.js';
import { afterInOrder, keysetOrder, type OrderKey } from '../../../main/export/record-pages.js';
import { propertySeed } from '../../unit/predicates/predicate-arbitraries.js';
import { openBench, parseCsv, schema } from './export-harness.js';

test('safeName: one segment every system can create', () => {
  const cases: Array<[string, string]> = [
    ['photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['..', 'fallback'],
    ['.', 'fallback'],
    ['   ', 'fallback'],
    ['a\\b:c*d?e"f<g>h|i', 'a_b_c_d_e_f_g_h_i'],
    ['tab\there\nnew', 'tab_here_new'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT1.log', '_LPT1.log'],
    ['COM9', '_COM9'],
    ['CONSOLE.txt', 'CONSOLE.txt'],
    ['ends with dots...', 'ends with dots'],
    ['ends with space ', 'ends with space'],
    ['Café', 'Café'],
    ['Cafe\u0301', 'Café'],
  ];
  for (const [name, expected] of cases) assert.equal(safeName(name, 'fallback'), expected, JSON.stringify(name));
  const long = safeName(`${'ü'.repeat(200)}.jpeg`, 'x');
  assert.ok(Buffer.byteLength(long) <= MAX_NAME_BYTES, long);
  assert.ok(long.endsWith('ü.jpeg'));
  assert.equal(safeName('', '../x'), '.._x');
});

test('FolderNames: a name twice, or in another case, is numbered', () => {
  const names = new FolderNames();
  assert.deepEqual(
    ['photo.jpg', 'photo.jpg', 'PHOTO.JPG', 'photo (2).jpg', 'photo.jpg', 'README'].map((n) => names.claim(n)),
    ['photo.jpg', 'photo (2).jpg', 'PHOTO (3).JPG', 'photo (2) (2).jpg', 'photo (4).jpg', 'README'],
  );
  assert.equal(numberedName('Sites-2026-03-04.csv', 2), 'Sites-2026-03-04 (2).csv');
  assert.equal(numberedName('.hidden', 3), '.hidden (3)');
  const folders = new FolderNames(true);
  assert.deepEqual(
    ['v1.2', 'V1.2', 'v1.2'].map((n) => folders.claim(n)),
    ['v1.2', 'V1.2 (2)', 'v1.2 (3)'],
  );
});

test('recordFolderName: the label and the id, distinct for distinct ids also without regard to case', () => {
  assert.equal(recordFolderName('North field', '3f2a9c1e-5b7d-4e1a-9c2b-0d8e7f6a5b4c'), 'North field (3f2a9c1e-5b7d-4e1a-9c2b-0d8e7f6a5b4c)');
  assert.equal(recordFolderName('#3f2a9c1e', '3f2a9c1e-5b7d-4e1a-9c2b-0d8e7f6a5b4c'), '3f2a9c1e-5b7d-4e1a-9c2b-0d8e7f6a5b4c', 'an untitled record: its id');
  assert.equal(recordFolderName('a/b', 'o1'), 'a_b (o1)');
  assert.equal(recordFolderName('   ', 'o1'), 'o1');
  const cased = ['Site-A', 'site-a', 'SITE-A', 'site/a', 'site_a'].map((id) => recordFolderName('Site', id));
  assert.equal(new Set(cased.map((name) => name.toLowerCase())).size, cased.length, cased.join(' | '));
  for (const name of cased) assert.equal(safeName(name, 'x'), name, `${name} is a safe name`);
  const long = recordFolderName('L'.repeat(400), 'k'.repeat(300));
  assert.ok(Buffer.byteLength(long) <= MAX_NAME_BYTES, `${Buffer.byteLength(long)} bytes`);
  assert.notEqual(long, recordFolderName('L'.repeat(400), `${'k'.repeat(299)}j`), 'ids cut to fit still differ');
});

test('cells: enums as words, lists joined, numbers kept, formulas defused, null empty', () => {
  const inspection = getModel(schema, 'Inspection');
  const field = (name: string) => inspection.fields.find((f) => f.name === name)!;
  assert.equal(cellText(field('status'), 'IN_PROGRESS'), 'In progress');
  assert.equal(enumLabel('CRITICAL'), 'Critical');
  assert.equal(cellText(field('score'), -12), '-12');
  assert.equal(cellText(field('notes'), null), '');
  assert.equal(cellText(field('notes'), '-12'), "'-12");
  assert.equal(
    cellText(
      getModel(schema, 'Observation').fields.find((f) => f.name === 'measurements')!,
      [1.5, null, -2],
    ),
    '1.5; -2',
  );
  for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.equal(guarded(`${start}x`), `'${start}x`);
  assert.equal(guarded('plain = fine'), 'plain = fine');
  assert.equal(pluralLabel(getModel(schema, 'Observation')), 'Observations');
  assert.equal(suggestedExportName(getModel(schema, 'Site'), 'geojson', false, new Date(2026, 0, 5, 23, 59)), 'Sites-2026-01-05.geojson');
  assert.equal(suggestedExportName(getModel(schema, 'Site'), 'csv', true, new Date(2026, 11, 31)), 'Sites-2026-12-31.zip');
});

test('keyset cursor: the datastore order (key fields last), and what comes after a record in it', () => {
  const inspection = getModel(schema, 'Inspection');
  assert.deepEqual(keysetOrder(schema, inspection, [{ field: 'score', direction: 'desc' }]), [
    { field: 'score', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ]);
  // An enum or a boolean has no lt/gt: the cursor names the values that sort after, in the datastore's order.
  assert.deepEqual(keysetOrder(schema, inspection, [{ field: 'status', direction: 'asc' }]), [
    { field: 'status', direction: 'asc', values: ['APPROVED', 'DRAFT', 'IN_PROGRESS', 'SUBMITTED'] },
    { field: 'id', direction: 'asc' },
  ]);
  const observation = getModel(schema, 'Observation');
  assert.deepEqual(keysetOrder(schema, observation, [{ field: 'resolved', direction: 'desc' }])?.[0], {
    field: 'resolved',
    direction: 'desc',
    values: [false, true],
  });
  // A list field has no order a cursor can follow: offset paging.
  assert.equal(keysetOrder(schema, observation, [{ field: 'measurements', direction: 'asc' }]), null);
  const resolved: OrderKey = { field: 'resolved', direction: 'asc', values: [false, true] };
  const resolvedDesc: OrderKey = { ...resolved, direction: 'desc' };
  const cases: Array<[OrderKey, unknown, unknown]> = [
    [
      resolved,
      null,
      {
        or: [
          { field: 'resolved', op: 'eq', value: false },
          { field: 'resolved', op: 'eq', value: true },
        ],
      },
    ],
    [resolved, false, { field: 'resolved', op: 'eq', value: true }],
    [resolved, true, null],
    [
      resolvedDesc,
      true,
      {
        or: [
          { field: 'resolved', op: 'eq', value: false },
          { field: 'resolved', op: 'eq', value: null },
        ],
      },
    ],
    [resolvedDesc, false, { field: 'resolved', op: 'eq', value: null }],
    [resolvedDesc, null, null],
  ];
  for (const [key, value, after] of cases) {
    const expected = after === null ? [] : [{ and: [after] }];
    assert.deepEqual(afterInOrder([key], { resolved: value }).or, expected, `after ${String(value)} ${key.direction}`);
  }
  const order = [
    { field: 'score', direction: 'desc' as const },
    { field: 'title', direction: 'asc' as const },
    { field: 'id', direction: 'asc' as const },
  ];
  assert.deepEqual(afterInOrder(order, { score: 5, title: null, id: 'x' }), {
    or: [
      {
        and: [
          {
            or: [
              { field: 'score', op: 'lt', value: 5 },
              { field: 'score', op: 'eq', value: null },
            ],
          },
        ],
      },
      {
        and: [
          { field: 'score', op: 'eq', value: 5 },
          { field: 'title', op: 'attributeExists', value: true },
        ],
      },
      {
        and: [
          { field: 'score', op: 'eq', value: 5 },
          { field: 'title', op: 'eq', value: null },
          { field: 'id', op: 'gt', value: 'x' },
        ],
      },
    ],
  });
  // Descending, after a null only ties remain (nulls come last).
  assert.equal(afterInOrder(order, { score: null, title: 'a', id: 'x' }).or.length, 2);
});

test('any text survives a CSV export and a strict read (fast-check)', async () => {
  const bench = openBench('csv-property');
  const seed = propertySeed();
  let run = 0;
  const text = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r', ' ', ';', '=', '😀', 'ß', '\t'), maxLength: 12 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 6 }), async (names) => {
        run++;
        const ids = names.map((_, i) => `r${run}-${String(i).padStart(2, '0')}`);
        await bench.put(
          'Site',
          names.map((name, i) => ({ id: ids[i], name, code: null, location: null, tags: [name, name] })),
        );
        const result = await exportToFile({
          schema,
          model: getModel(schema, 'Site'),
          format: 'csv',
          source: bench.datastore,
          overwrite: false,
          where: { field: 'id', op: 'beginsWith', value: `r${run}-` },
          path: join(bench.dir, `run-${run}.csv`),
        });
        const [header, ...rows] = parseCsv(readFileSync(result.path, 'utf8').slice(1));
        const nameAt = header!.indexOf('name');
        assert.deepEqual(
          rows.map((r) => r[nameAt]),
          names.map((n) => guarded(n)),
        );
        assert.deepEqual(
          rows.map((r) => r[header!.indexOf('tags')]),
          names.map((n) => `${guarded(n)}; ${guarded(n)}`),
        );
      }),
      { seed, numRuns: 40 },
    );
  } catch (error) {
    console.error(`CSV round trip failed; replay with FC_SEED=${seed}`);
    throw error;
  } finally {
    await bench.close();
  }
});
