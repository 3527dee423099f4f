// The form-hints file's checks against the schema (common/schema/form-hints.ts formHintsProblems),
// table-driven: each mistake is named with its model and field; the example file fits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fieldHint, formHintsProblems, formHintsShape, type FormHints } from '../../../common/schema/form-hints.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));

test('the example schema/form-hints.json has the file shape and fits the example schema', () => {
  const hints = formHintsShape.parse(JSON.parse(readFileSync(join(root, 'schema/form-hints.json'), 'utf8')));
  assert.deepEqual(formHintsProblems(schema, hints), []);
  assert.deepEqual(fieldHint(hints, 'Inspection', 'inspectedAt')?.default, { from: 'now' });
  assert.equal(fieldHint(hints, 'Nope', 'x'), undefined);
  assert.equal(fieldHint(hints, 'Site', 'toString'), undefined, 'only own keys');
});

test('formHintsProblems: each mistake named with the model and the field', () => {
  const rows: Array<[string, FormHints['models'], string]> = [
    ['unknown model', { Sight: {} }, 'model Sight: there is no such model in the schema (models: Site, Inspection, Observation)'],
    [
      'unknown field',
      { Site: { fields: { colour: { label: 'Colour' } } } },
      'Site.colour (fields): Site has no field colour (fields: id, name, code, location, tags, createdAt, updatedAt, owner)',
    ],
    [
      'a relation field',
      { Inspection: { fields: { site: { label: 'Where' } } } },
      'Inspection.site (fields): site is a relation; give hints to its key field instead',
    ],
    ['min above max', { Inspection: { fields: { score: { min: 10, max: 1 } } } }, 'Inspection.score: min 10 is above max 1'],
    [
      'min on text',
      { Site: { fields: { name: { min: 1 } } } },
      'Site.name: min and max apply to number fields (Int, Float, AWSTimestamp), and Site.name is String',
    ],
    [
      'a text choice for a number',
      { Inspection: { fields: { score: { choices: [1, 'two'] } } } },
      'Inspection.score: the choice "two" does not fit Int: it must be an integer from -2147483648 to 2147483647',
    ],
    [
      'a decimal choice for an Int',
      { Inspection: { fields: { score: { choices: [1.5] } } } },
      'Inspection.score: the choice 1.5 does not fit Int: it must be an integer from -2147483648 to 2147483647',
    ],
    [
      'a number choice for text',
      { Observation: { fields: { category: { choices: ['A', 3] } } } },
      'Observation.category: the choice 3 does not fit String: it must be a string of valid Unicode',
    ],
    [
      'an enum choice that is not a member',
      { Observation: { fields: { severity: { choices: ['LOW', 'BAD'] } } } },
      'Observation.severity: the choice "BAD" is not one of Severity: LOW, MEDIUM, HIGH, CRITICAL',
    ],
    [
      'a choice outside min/max',
      { Inspection: { fields: { score: { min: 0, max: 10, choices: [5, 50] } } } },
      'Inspection.score: the choice 50 is outside min/max',
    ],
    [
      'choices on a Boolean',
      { Observation: { fields: { resolved: { choices: ['yes'] } } } },
      'Observation.resolved: choices are for text, number and enum fields, and Observation.resolved is Boolean',
    ],
    [
      'a default of the wrong type',
      { Inspection: { fields: { score: { default: { value: 'high' } } } } },
      'Inspection.score: the default "high" does not fit Int: it must be an integer from -2147483648 to 2147483647',
    ],
    [
      'a default that is not a date-time',
      { Inspection: { fields: { inspectedAt: { default: { value: 'today' } } } } },
      'Inspection.inspectedAt: the default "today" does not fit AWSDateTime: it must be an ISO-8601 date-time YYYY-MM-DDThh:mm[:ss[.sss]] with Z or ±hh:mm[:ss]',
    ],
    [
      'an enum default not a member',
      { Inspection: { fields: { status: { default: { value: 'OPEN' } } } } },
      'Inspection.status: the default "OPEN" is not one of InspectionStatus: DRAFT, IN_PROGRESS, SUBMITTED, APPROVED',
    ],
    [
      'a default outside min/max',
      { Inspection: { fields: { score: { max: 100, default: { value: 101 } } } } },
      'Inspection.score: the default 101 is outside min/max',
    ],
    [
      '"now" on text',
      { Site: { fields: { name: { default: { from: 'now' } } } } },
      'Site.name: the default "now" is for AWSDate, AWSTime, AWSDateTime and AWSTimestamp fields, and Site.name is String',
    ],
    [
      'a default on a list',
      { Site: { fields: { tags: { default: { value: 'a' } } } } },
      'Site.tags: a default is for a single value, and Site.tags is [String]',
    ],
    [
      'a default on a group',
      { Site: { fields: { location: { default: { from: 'lastUsed' } } } } },
      'Site.location: a default is for a single value, and Site.location is GeoPoint',
    ],
    [
      'order: unknown field',
      { Site: { order: ['name', 'colour'] } },
      'Site.colour (order): Site has no field colour (fields: id, name, code, location, tags, createdAt, updatedAt, owner)',
    ],
    ['order: twice', { Site: { order: ['name', 'code', 'name'] } }, 'Site.name (order): named twice'],
  ];
  for (const [name, models, expected] of rows) assert.deepEqual(formHintsProblems(schema, { models }), [expected], name);
});

test('formHintsProblems: fitting hints of every kind pass', () => {
  const models: FormHints['models'] = {
    Inspection: {
      order: ['title', 'siteID'],
      fields: {
        siteID: { default: { from: 'lastUsed' } },
        score: { min: 0, max: 100, choices: [0, 50, 100], default: { value: 50 } },
        inspectedAt: { default: { from: 'now' } },
        status: { choices: ['DRAFT', 'SUBMITTED'], default: { value: 'DRAFT' } },
      },
    },
    Observation: { fields: { resolved: { default: { value: true } }, measurements: { min: 0 }, category: { choices: ['A', 'B'] } } },
  };
  assert.deepEqual(formHintsProblems(schema, { models }), []);
});
