// What the record form decides (renderer/record-form-view.ts), table-driven over plain data: its
// title, the record a save sends (keys by what the form was opened with), the "only if unchanged"
// condition, and the records inside a parent (its @hasMany children, their query and pre-fill).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { blankRaw, toRaw } from '../../../renderer/form-values.js';
import {
  childPredicate,
  childPrefill,
  childRelations,
  formKeyAction,
  formTitle,
  recordToSave,
  unchangedCondition,
} from '../../../renderer/record-form-view.js';
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

test('childRelations: every @hasMany of the model, with the child fields that hold the parent key', () => {
  assert.deepEqual(
    childRelations(schema, Site).map((r) => [r.field, r.childModel.name, r.links]),
    [['inspections', 'Inspection', [['siteID', 'id']]]],
  );
  assert.deepEqual(
    childRelations(schema, Inspection).map((r) => [r.field, r.childModel.name, r.links]),
    [['observations', 'Observation', [['inspectionID', 'id']]]],
  );
  assert.deepEqual(childRelations(schema, getModel(schema, 'Observation')), [], 'a leaf has none');
  // A composite key: a Visit holds its Readings by all three of its key fields.
  const [readings] = childRelations(visitSchema, Visit);
  assert.deepEqual(readings?.links, [
    ['visitSiteID', 'siteID'],
    ['visitVisitedOn', 'visitedOn'],
    ['visitShift', 'shift'],
  ]);
  assert.deepEqual(childPrefill(readings!, { siteID: 's1', visitedOn: '2026-01-02', shift: 2 }), {
    visitSiteID: 's1',
    visitVisitedOn: '2026-01-02',
    visitShift: 2,
  });
});

test('childPrefill and childPredicate: the parent key in the child fields; nothing while the parent has no key', () => {
  const [relation] = childRelations(schema, Site);
  assert.ok(relation);
  const rows: Array<[string, Record<string, unknown>, unknown, unknown]> = [
    ['a saved site', { id: 's1', name: 'N' }, { siteID: 's1' }, { and: [{ field: 'siteID', op: 'eq', value: 's1' }] }],
    ['no id yet', { name: 'N' }, undefined, undefined],
    ['blank id', { id: '', name: 'N' }, undefined, undefined],
  ];
  for (const [name, parent, prefill, predicate] of rows) {
    assert.deepEqual(childPrefill(relation, parent), prefill, name);
    assert.deepEqual(childPredicate(relation, parent), predicate, name);
  }
});

test('formKeyAction: Escape leaves unless a question is open; Ctrl+N or Cmd+N opens a new child only in a child that may create', () => {
  const key = (k: string, mods: { ctrlKey?: boolean; metaKey?: boolean } = {}) => ({ key: k, ctrlKey: false, metaKey: false, ...mods });
  const state = { asking: false, nested: true, mayCreate: true };
  const rows: Array<[string, ReturnType<typeof key>, Partial<typeof state>, ReturnType<typeof formKeyAction>]> = [
    ['Escape', key('Escape'), {}, 'leave'],
    ['Escape with a question open', key('Escape'), { asking: true }, null],
    ['Ctrl+N in a child', key('n', { ctrlKey: true }), {}, 'new'],
    ['Cmd+N in a child', key('N', { metaKey: true }), {}, 'new'],
    ['Ctrl+N at the top: the shell answers it', key('n', { ctrlKey: true }), { nested: false }, null],
    ['Ctrl+N where this sign-in may not create', key('n', { ctrlKey: true }), { mayCreate: false }, null],
    ['a plain n', key('n'), {}, null],
    ['Enter', key('Enter'), {}, null],
  ];
  for (const [name, k, over, expected] of rows) assert.equal(formKeyAction(k, { ...state, ...over }), expected, name);
});
