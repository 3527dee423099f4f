// Paging an export through a real datastore, randomized (seed printed, FC_SEED replays): for any
// records (numbers, strings and dates with ties and nulls), any sort the list offers (a number,
// text, a date or an enum, either way), any filter of a few kinds and any page size, the export
// holds every matching record once, in exactly the order the datastore's own query gives —
// whether it pages by keyset cursor or, for an enum sort, by offset.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Predicate } from '../../../common/predicates/types.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { exportToFile } from '../../../main/export/export-file.js';
import type { ExportSort } from '../../../main/export/record-pages.js';
import { propertySeed } from '../../unit/predicates/predicate-arbitraries.js';
import { openBench, readCsv, schema } from './export-harness.js';

const inspection = getModel(schema, 'Inspection');

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
