// recordProblems (common/schema/validate-record.ts): the same rules as validateRecord, every
// problem at once, in the order validateRecord meets them (it throws the first); a GeoPoint part
// already refused is not refused again for its range.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { recordProblems, validateRecord } from '../../../common/schema/validate-record.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));

test('recordProblems: every problem with its path, rule and type; validateRecord throws the first', () => {
  const rows: Array<[string, string, Record<string, unknown>, 'create' | 'update', Array<[string, string, string | undefined]>]> = [
    ['valid', 'Site', { name: 'N', location: { latitude: 1, longitude: 2 } }, 'create', []],
    [
      'missing name, latitude 200, no longitude',
      'Site',
      { location: { latitude: 200 } },
      'create',
      [
        ['Site.name', 'required', undefined],
        ['Site.location.longitude', 'required', undefined],
        ['Site.location.latitude', 'range', undefined],
      ],
    ],
    [
      'a latitude that is not a number is a type problem only',
      'Site',
      { name: 'N', location: { latitude: 'north', longitude: 500 } },
      'create',
      [
        ['Site.location.latitude', 'type', 'Float'],
        ['Site.location.longitude', 'range', undefined],
      ],
    ],
    [
      'an unknown field, a decimal Int, a bad enum, a bad list item',
      'Inspection',
      { colour: 'red', siteID: 's', title: 'T', status: 'OPEN', score: 1.5 },
      'create',
      [
        ['Inspection.colour', 'unknown-field', undefined],
        ['Inspection.status', 'enum', 'InspectionStatus'],
        ['Inspection.score', 'type', 'Int'],
      ],
    ],
    [
      'update: only what is present, nulls of required fields refused',
      'Observation',
      { category: null, measurements: [1, 'x'], photoUrl: 'https://a.org//b' },
      'update',
      [
        ['Observation.category', 'required', undefined],
        ['Observation.measurements[1]', 'type', 'Float'],
        ['Observation.photoUrl', 'type', 'AWSURL'],
      ],
    ],
  ];
  for (const [name, model, record, mode, expected] of rows) {
    const problems = recordProblems(schema, model, record, mode);
    assert.deepEqual(
      problems.map((p) => [p.path, p.rule, p.typeName]),
      expected,
      name,
    );
    const first = problems[0];
    if (first === undefined) assert.doesNotThrow(() => validateRecord(schema, model, record, mode), name);
    else
      assert.throws(
        () => validateRecord(schema, model, record, mode),
        { path: first.path, message: first.message, details: { rule: first.rule, path: first.path } },
        name,
      );
  }
});

test('recordProblems: the refused value travels with type problems', () => {
  const [problem] = recordProblems(schema, 'Inspection', { siteID: 's', title: 'T', status: 'DRAFT', score: 2.5 }, 'create');
  assert.equal(problem?.value, 2.5);
  assert.equal(problem?.message, 'Inspection.score (Int) must be an integer from -2147483648 to 2147483647 (got 2.5)');
});
