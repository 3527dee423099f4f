// Paging an export through a real datastore, randomized (seed printed, FC_SEED replays): for any
// records (numbers, strings and dates with ties and nulls), any sort the list offers (a number,
// text, a date or an enum, either way), any filter of a few kinds and any page size, the export
// holds every matching record once, in exactly the order the datastore's own query gives, paging
// by keyset cursor — an enum or a boolean (nulls included) too, with the values after the cursor
// named one by one. And records saved while an export pages are neither read twice nor skipped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Predicate } from '../../../common/predicates/types.js';
import { getModel } from '../../../common/schema/model-fields.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import { exportToFile } from '../../../main/export/export-file.js';
import type { ExportSort, ExportSource } from '../../../main/export/record-pages.js';
import { propertySeed } from '../../unit/predicates/predicate-arbitraries.js';
import { openBench, readCsv, schema } from './export-harness.js';

const inspection = getModel(schema, 'Inspection');
const observationModel = getModel(schema, 'Observation');

test('every matching record once, in the datastore order, for any sort, filter and page size (fast-check)', async () => {
  const bench = openBench('paging');
  const seed = propertySeed();
  let run = 0;
  const text = fc.option(fc.constantFrom('a', 'B', 'b', 'é', 'e\u0301', 'Ω', '😀', ''), { nil: null });
  const record = fc.record({
    score: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
    notes: text,
    title: fc.constantFrom('x', 'y', 'z'),
    status: fc.constantFrom('DRAFT', 'IN_PROGRESS', 'APPROVED'),
    inspectedAt: fc.option(fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'), { nil: null }),
  });
  const sortField = fc.constantFrom('score', 'notes', 'title', 'status', 'inspectedAt', 'id');
  const sort: fc.Arbitrary<ExportSort[]> = fc
    .array(fc.record({ field: sortField, direction: fc.constantFrom('asc' as const, 'desc' as const) }), { maxLength: 2 })
    .map((entries) => entries.filter((e, i) => entries.findIndex((o) => o.field === e.field) === i));
  const where: fc.Arbitrary<Predicate | undefined> = fc.constantFrom(
    undefined,
    { field: 'score', op: 'ge', value: 0 },
    { field: 'status', op: 'ne', value: 'DRAFT' },
    {
      or: [
        { field: 'notes', op: 'eq', value: null },
        { field: 'title', op: 'eq', value: 'x' },
      ],
    },
  );
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 40 }), sort, where, fc.integer({ min: 1, max: 9 }), async (records, order, filter, pageSize) => {
        run++;
        const prefix = `r${run}-`;
        await bench.put(
          'Inspection',
          records.map((r, i) => ({ ...r, id: `${prefix}${String((i * 7) % 40).padStart(2, '0')}`, siteID: 's', attachments: null })),
        );
        const mine: Predicate = { field: 'id', op: 'beginsWith', value: prefix };
        const all = filter === undefined ? mine : { and: [mine, filter] };
        const expected = (await bench.datastore.query('Inspection', { where: all, ...(order.length > 0 ? { sort: order } : {}) })).map((r) => r.id);
        const result = await exportToFile({
          schema,
          model: inspection,
          format: 'csv',
          source: bench.datastore,
          overwrite: false,
          where: all,
          ...(order.length > 0 ? { sort: order } : {}),
          pageSize,
          path: join(bench.dir, `run-${run}.csv`),
        });
        assert.deepEqual(
          readCsv(result.path).rows.map((r) => r.id),
          expected,
        );
      }),
      { seed, numRuns: 60 },
    );
  } catch (error) {
    console.error(`export paging failed; replay with FC_SEED=${seed}`);
    throw error;
  } finally {
    await bench.close();
  }
});

test('an enum and a nullable boolean sort page by keyset in the datastore order, either way (fast-check)', async () => {
  const bench = openBench('paging-enum');
  const seed = propertySeed();
  let run = 0;
  const record = fc.record({
    severity: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'),
    resolved: fc.option(fc.boolean(), { nil: null }),
    category: fc.constantFrom('a', 'b'),
  });
  const sortField = fc.constantFrom('severity', 'resolved', 'category', 'id');
  const sort: fc.Arbitrary<ExportSort[]> = fc
    .array(fc.record({ field: sortField, direction: fc.constantFrom('asc' as const, 'desc' as const) }), { minLength: 1, maxLength: 3 })
    .map((entries) => entries.filter((e, i) => entries.findIndex((o) => o.field === e.field) === i));
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 30 }), sort, fc.integer({ min: 1, max: 7 }), async (records, order, pageSize) => {
        run++;
        const prefix = `e${run}-`;
        await bench.put(
          'Observation',
          records.map((r, i) => ({ ...r, id: `${prefix}${String((i * 7) % 30).padStart(2, '0')}`, inspectionID: 'i', photos: null })),
        );
        const where: Predicate = { field: 'id', op: 'beginsWith', value: prefix };
        const expected = (await bench.datastore.query('Observation', { where, sort: order })).map((r) => r.id);
        const queries: Array<{ page?: number }> = [];
        const source: ExportSource = {
          query: (model, options) => {
            queries.push(options);
            return bench.datastore.query(model, options);
          },
        };
        const result = await exportToFile({
          schema,
          model: observationModel,
          format: 'csv',
          source,
          overwrite: false,
          where,
          sort: order,
          pageSize,
          path: join(bench.dir, `enum-${run}.csv`),
        });
        assert.deepEqual(
          readCsv(result.path).rows.map((r) => r.id),
          expected,
        );
        assert.ok(
          queries.every((q) => q.page === undefined),
          'no page is read by offset',
        );
      }),
      { seed, numRuns: 60 },
    );
  } catch (error) {
    console.error(`export enum paging failed; replay with FC_SEED=${seed}`);
    throw error;
  } finally {
    await bench.close();
  }
});

test('records saved while an enum-sorted export pages are not read twice, and none that was there is skipped', async () => {
  const bench = openBench('paging-writes');
  try {
    const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
    const before: ModelRecord[] = Array.from({ length: 40 }, (_, i) => ({
      id: `w-${String(i).padStart(2, '0')}`,
      inspectionID: 'i',
      category: 'c',
      severity: severities[i % 4]!,
      resolved: i % 3 === 0 ? null : i % 2 === 0,
      photos: null,
    }));
    await bench.put('Observation', before);
    let added = 0;
    // After every page, a record that sorts first ("CRITICAL" < "HIGH" < …, by code point): an
    // offset would now point one record back and read the page's last record again.
    const source: ExportSource = {
      query: async (model, options) => {
        const page = await bench.datastore.query(model, options);
        await bench.put('Observation', [{ id: `w-new-${added++}`, inspectionID: 'i', category: 'c', severity: 'CRITICAL', resolved: null, photos: null }]);
        return page;
      },
    };
    const result = await exportToFile({
      schema,
      model: observationModel,
      format: 'csv',
      source,
      overwrite: false,
      sort: [
        { field: 'severity', direction: 'asc' },
        { field: 'resolved', direction: 'desc' },
      ],
      pageSize: 4,
      path: join(bench.dir, 'while-writing.csv'),
    });
    const ids = readCsv(result.path).rows.map((r) => r.id!);
    assert.equal(new Set(ids).size, ids.length, `no record twice: ${ids.join(' ')}`);
    for (const record of before) assert.ok(ids.includes(record.id as string), `${String(record.id)} was exported`);
  } finally {
    await bench.close();
  }
});

test('an export repeats the list’s search and its case- and accent-insensitive filter, every page, in the datastore order', async () => {
  const bench = openBench('paging-search');
  try {
    const titles = ['École nord', 'ecole sud', 'ÉCOLE est', 'Quarry', 'école ouest', 'Pit', 'Ecole centre'];
    await bench.put(
      'Inspection',
      titles.map((title, i) => ({ id: `s-${i}`, title, status: 'DRAFT', siteID: 's', attachments: null })),
    );
    const run = async (name: string, matching: { search?: string; ignoreCase?: boolean }, where?: Predicate) => {
      const sort: ExportSort[] = [{ field: 'title', direction: 'asc' }];
      const expected = (await bench.datastore.query('Inspection', { ...(where ? { where } : {}), sort, ...matching })).map((r) => r.id);
      const result = await exportToFile({
        schema,
        model: inspection,
        format: 'csv',
        source: bench.datastore,
        overwrite: false,
        ...(where ? { where } : {}),
        sort,
        matching,
        pageSize: 2,
        path: join(bench.dir, `${name}.csv`),
      });
      const got = readCsv(result.path).rows.map((r) => r.id);
      assert.deepEqual(got, expected);
      return got;
    };
    assert.equal((await run('search', { search: 'ecole' })).length, 5, 'the search folds case and accents');
    assert.equal((await run('ignore-case', { ignoreCase: true }, { field: 'title', op: 'beginsWith', value: 'ecole' })).length, 5);
    assert.equal((await run('match-case', {}, { field: 'title', op: 'beginsWith', value: 'ecole' })).length, 1, 'without ignoreCase the filter is exact');
  } finally {
    await bench.close();
  }
});
