// The record form's check before saving (renderer/form-problems.ts), table-driven over the example
// schema and its form hints: every problem at once, under its form path, in words from the labels;
// a message stays until its field is fixed; main's refusals placed under their field in words.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NO_FORM_HINTS, type FormHints } from '../../../common/schema/form-hints.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { formProblems, MAX_TEXT_LENGTH, pathLabel, plainSaveError, standingErrors } from '../../../renderer/form-problems.js';
import { blankRaw, type Raw } from '../../../renderer/form-values.js';
import { formFields } from '../../../renderer/schema-view.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const hints = JSON.parse(readFileSync(join(root, 'schema/form-hints.json'), 'utf8')) as FormHints;
const Site = getModel(schema, 'Site');
const Inspection = getModel(schema, 'Inspection');
const Observation = getModel(schema, 'Observation');

function form(model: typeof Site, values: Record<string, Raw>): Record<string, Raw> {
  return { ...Object.fromEntries(formFields(model).map((f) => [f.name, blankRaw(schema, f)])), ...values };
}

function problems(model: typeof Site, values: Record<string, Raw>, mode: 'create' | 'update' = 'create', withHints: FormHints = hints) {
  return formProblems(schema, withHints, model, formFields(model), form(model, values), mode).map((p) => [p.field, p.message]);
}

const location = (latitude: string, longitude: string, accuracyMeters = ''): Raw => ({ latitude, longitude, accuracyMeters });

test('formProblems: every problem of the record at once, by form path, in words from the (hinted) labels', () => {
  const rows: Array<[string, typeof Site, Record<string, Raw>, Array<[string, string]>]> = [
    ['a valid site', Site, { name: 'North' }, []],
    [
      'blank name and latitude 200 without a longitude',
      Site,
      { location: location('200', '') },
      [
        ['name', 'Site name is required'],
        ['location.longitude', 'Longitude is required'],
        ['location.latitude', 'latitude must be between −90 and 90, got 200'],
      ],
    ],
    [
      'longitude out of range',
      Site,
      { name: 'N', location: location('1', '-181') },
      [['location.longitude', 'longitude must be between −180 and 180, got -181']],
    ],
    [
      'a negative accuracy',
      Site,
      { name: 'N', location: location('1', '2', '-3') },
      [['location.accuracyMeters', 'accuracy must be 0 metres or more, got -3']],
    ],
    ['latitude typed as words', Site, { name: 'N', location: location('north', '2') }, [['location.latitude', 'Latitude must be a number, such as 12.5']]],
    [
      'a decimal and text in whole-number fields, a missing title',
      Inspection,
      { siteID: 's1', status: 'DRAFT', score: '12.5' },
      [
        ['title', 'Title is required'],
        ['score', 'Score must be a whole number'],
      ],
    ],
    ['a score above the hinted max', Inspection, { siteID: 's1', title: 'T', status: 'DRAFT', score: '150' }, [['score', 'Score must be between 0 and 100']]],
    ['a score below the hinted min', Inspection, { siteID: 's1', title: 'T', status: 'DRAFT', score: '-1' }, [['score', 'Score must be between 0 and 100']]],
    [
      'beyond a 32-bit integer',
      Inspection,
      { siteID: 's1', title: 'T', status: 'DRAFT', score: '3000000000' },
      [['score', 'Score must be a whole number from -2,147,483,648 to 2,147,483,647']],
    ],
    [
      'no Site chosen and no status',
      Inspection,
      { title: 'T' },
      [
        ['siteID', 'Site is required'],
        ['status', 'Status is required'],
      ],
    ],
    [
      'a link with "//" in its path, a link with no scheme, a list item that is not a number',
      Observation,
      { inspectionID: 'i1', category: 'Safety', severity: 'LOW', photoUrl: 'https://example.org//a.jpg', measurements: ['1', 'x'] },
      [
        ['measurements[1]', 'Measurements (cm) 2 must be a number, such as 12.5'],
        ['photoUrl', 'Photo link must not have two slashes (//) after the site name; write one slash instead'],
      ],
    ],
    [
      'a link with no scheme',
      Observation,
      { inspectionID: 'i1', category: 'Safety', severity: 'LOW', photoUrl: 'example.org/a.jpg' },
      [['photoUrl', 'Photo link must be a full web address starting with https://, such as https://example.org/photo.jpg']],
    ],
    [
      'a text longer than main accepts',
      Observation,
      { inspectionID: 'i1', category: 'Safety', severity: 'LOW', description: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
      [['description', 'Description is too long: at most 1,000,000 characters (it has 1,000,001)']],
    ],
    [
      'an enum value that is not a member',
      Observation,
      { inspectionID: 'i1', category: 'Safety', severity: 'low' },
      [['severity', 'Severity must be one of: Low, Medium, High, Critical']],
    ],
  ];
  for (const [name, model, values, expected] of rows) assert.deepEqual(problems(model, values), expected, name);
});

test('formProblems: an edit judges every field the form holds; without hints the labels come from the schema', () => {
  assert.deepEqual(problems(Site, { name: '' }, 'update'), [['name', 'Site name is required']]);
  assert.deepEqual(problems(Site, { name: '' }, 'update', NO_FORM_HINTS), [['name', 'Name is required']]);
  assert.deepEqual(problems(Inspection, { siteID: 's', title: 'T', status: 'DRAFT', score: '150' }, 'create', NO_FORM_HINTS), [], 'no bounds without hints');
});

test('pathLabel: a field by its label, a part of a group by its own, a list item by its number', () => {
  const rows: Array<[string, string]> = [
    ['name', 'Site name'],
    ['location.latitude', 'Latitude'],
    ['location.accuracyMeters', 'Accuracy meters'],
    ['tags[0]', 'Tags 1'],
  ];
  for (const [path, label] of rows) assert.equal(pathLabel(hints, Site, path), label, path);
  assert.equal(pathLabel(hints, Inspection, 'siteID'), 'Site');
});

test('standingErrors: a message goes once its field has no problem, and stays while it has one', () => {
  const errors = new Map([
    ['name', 'Site name is required'],
    ['location.latitude', 'latitude must be between −90 and 90, got 200'],
  ]);
  assert.deepEqual(
    [...standingErrors(errors, [{ field: 'location.latitude', message: 'Latitude is required' }])],
    [['location.latitude', 'latitude must be between −90 and 90, got 200']],
  );
  assert.deepEqual([...standingErrors(errors, [])], []);
});

test("plainSaveError: main's refusal under the field its path names, in words; anything else above the form", () => {
  const rows: Array<[string, { message: string; path?: string }, { field: string | null; message: string }]> = [
    ['required', { message: 'Site.name is required', path: 'Site.name' }, { field: 'name', message: 'Site name is required' }],
    [
      'required and not null, in a group',
      { message: 'Site.location.longitude is required and may not be null', path: 'Site.location.longitude' },
      { field: 'location.longitude', message: 'Longitude is required' },
    ],
    [
      'a scalar rule',
      {
        message: 'Observation.photoUrl (AWSURL) must be a URL with a scheme (https://…, mailto:…) and no "//" in its path (got "x")',
        path: 'Observation.photoUrl',
      },
      { field: 'photoUrl', message: 'Photo link must be a URL with a scheme (https://…, mailto:…) and no "//" in its path (got "x")' },
    ],
    ['a message in other words', { message: 'Site.code: taken', path: 'Site.code' }, { field: 'code', message: 'Site code: taken' }],
    [
      'the IPC bound on text',
      { message: 'save.record.description: text longer than 1000000 characters', path: 'save.record.description' },
      { field: 'description', message: 'Description is too long: at most 1,000,000 characters' },
    ],
    [
      'a range with its prefix',
      { message: 'Site.location.latitude: latitude must be between −90 and 90, got 200', path: 'Site.location.latitude' },
      { field: 'location.latitude', message: 'Latitude must be between −90 and 90, got 200' },
    ],
    ['another model', { message: 'Inspection.title is required', path: 'Inspection.title' }, { field: null, message: 'Inspection.title is required' }],
    ['no path', { message: 'offline' }, { field: null, message: 'offline' }],
  ];
  for (const [name, error, expected] of rows)
    assert.deepEqual(plainSaveError(hints, name.startsWith('the IPC') ? Observation : name === 'a scalar rule' ? Observation : Site, error), expected, name);
});
