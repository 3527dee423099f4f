// What the record form decides (renderer/record-form-view.ts), table-driven over plain data: its
// title, the record a save sends (keys by what the form was opened with), the "only if unchanged"
// condition and where a refused save's error is shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { blankRaw, toRaw } from '../../../renderer/form-values.js';
import { fieldPath, formTitle, recordToSave, saveErrorPlace, unchangedCondition } from '../../../renderer/record-form-view.js';
import { formFields } from '../../../renderer/schema-view.js';
import { visitSchema } from '../ipc/visit-schema.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const Site = getModel(schema, 'Site');
const Inspection = getModel(schema, 'Inspection');
const Visit = getModel(visitSchema, 'Visit');

test('formTitle: resubmit, edit or new, naming the record by its label', () => {
  const rows: Array<[string, Parameters<typeof formTitle>, string]> = [
    ['new', [Site, null, undefined], 'New Site'],
    ['edit', [Site, { id: 's1', name: 'North 1' }, undefined], 'Site: North 1'],
    ['resubmit', [Site, { id: 's1', name: 'North 1' }, { values: { id: 's1', name: 'South' }, isCreate: false }], 'Resubmit Site: South'],
    ['resubmitted create', [Site, null, { values: { id: 's1', name: 'East' }, isCreate: true }], 'Resubmit Site: East'],
  ];
  for (const [name, args, title] of rows) assert.equal(formTitle(...args), title, name);
});

test('recordToSave: a create sends what was filled, an edit what changed plus the loaded key, a resubmit the whole version', () => {
  const fields = formFields(Site);
  const raw = (record: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, record[f.name])]));
  const blank = Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)]));
  const original = { id: 's1', name: 'North 1', code: 'N1' };
  const loadedRaw = raw(original);
  const rows: Array<[string, Parameters<typeof recordToSave>[3], Parameters<typeof recordToSave>[4], Record<string, unknown>]> = [
    ['create', { values: { ...blank, name: 'New' }, loadedRaw: blank, original: null, recordKey: null }, undefined, { name: 'New' }],
    ['edit', { values: { ...loadedRaw, code: 'N2' }, loadedRaw, original, recordKey: { id: 's1' } }, undefined, { code: 'N2', id: 's1' }],
    ['unchanged edit', { values: loadedRaw, loadedRaw, original, recordKey: { id: 's1' } }, undefined, { id: 's1' }],
    [
      'resubmit',
      { values: raw({ name: 'South', code: 'S' }), loadedRaw, original, recordKey: { id: 's1' } },
      { values: {}, isCreate: false },
      { id: 's1', name: 'South', code: 'S', location: null, tags: [] },
    ],
    [
      'resubmitted create keeps its generated id',
      { values: raw({ name: 'East' }), loadedRaw: blank, original: null, recordKey: { id: 's9' } },
      { values: {}, isCreate: true },
      { name: 'East', id: 's9' },
    ],
  ];
  for (const [name, state, resubmit, expected] of rows) assert.deepEqual(recordToSave(schema, Site, fields, state, resubmit), expected, name);
});

test('recordToSave: a resubmitted create of a user-chosen key sends the key the form holds, not the rejected one', () => {
  const fields = formFields(Visit);
  const values = Object.fromEntries(fields.map((f) => [f.name, toRaw(visitSchema, f, { siteID: 's2', visitedOn: '2026-01-02', shift: 2 }[f.name])]));
  const record = recordToSave(
    visitSchema,
    Visit,
    fields,
    { values, loadedRaw: {}, original: null, recordKey: { siteID: 's1', visitedOn: '2026-01-01', shift: 1 } },
    { values: {}, isCreate: true },
  );
  assert.equal(record.siteID, 's2');
  assert.equal(record.visitedOn, '2026-01-02');
  assert.equal(record.shift, 2);
});

test('unchangedCondition: changed, filterable, non-key fields that had a value must still hold it', () => {
  const original = { id: 'i1', siteID: 's1', title: 'T', status: 'OPEN', score: null, notes: 'n' };
  const rows: Array<[string, Record<string, unknown>, unknown]> = [
    ['nothing changed', { id: 'i1' }, undefined],
    ['one field', { id: 'i1', title: 'T2' }, { and: [{ field: 'title', op: 'eq', value: 'T' }] }],
    [
      'two fields',
      { id: 'i1', title: 'T2', notes: 'm' },
      {
        and: [
          { field: 'title', op: 'eq', value: 'T' },
          { field: 'notes', op: 'eq', value: 'n' },
        ],
      },
    ],
    ['a field that was null gives no condition', { id: 'i1', score: 3 }, undefined],
    ['the key is never part of it', { id: 'i2' }, undefined],
    ['same value sent again', { id: 'i1', title: 'T' }, undefined],
  ];
  for (const [name, record, expected] of rows) assert.deepEqual(unchangedCondition(Inspection, record, original), expected, name);
});

test('saveErrorPlace: a path of this model goes next to its field without the prefix, anything else above the form', () => {
  const rows: Array<[string, { message: string; path?: string }, { field: string | null; message: string }]> = [
    ['field', { message: 'Site.name: is required', path: 'Site.name' }, { field: 'name', message: 'is required' }],
    [
      'nested field',
      { message: 'Site.location.latitude: out of range', path: 'Site.location.latitude' },
      { field: 'location.latitude', message: 'out of range' },
    ],
    ['other model', { message: 'Inspection.title: is required', path: 'Inspection.title' }, { field: null, message: 'Inspection.title: is required' }],
    ['no path', { message: 'offline' }, { field: null, message: 'offline' }],
  ];
  for (const [name, error, expected] of rows) assert.deepEqual(saveErrorPlace('Site', error), expected, name);
  assert.equal(fieldPath('Site', undefined), undefined);
  assert.equal(fieldPath('Site', 'Sites.name'), undefined);
});
