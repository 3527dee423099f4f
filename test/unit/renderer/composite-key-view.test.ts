// How the screens treat a composite primary key (test/unit/ipc/visit-schema.ts): the key fields are
// form fields (entered on create, read-only on edit), a composite foreign key is one list column
// and one picker, and a record without a title is named by its key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { belongsToFor, formFields, isKeyField, keyLabel, listColumns, recordLabel, relatedKey } from '../../../renderer/schema-view.js';
import { visitSchema as schema } from '../ipc/visit-schema.js';

const { Site, Visit, Reading } = schema.models;

test('a custom key is part of the form; a generated id is not', () => {
  assert.deepEqual(
    formFields(Visit).map((f) => f.name),
    ['siteID', 'visitedOn', 'shift', 'notes', 'weather'],
  );
  assert.deepEqual(
    ['siteID', 'visitedOn', 'shift', 'notes'].map((f) => isKeyField(Visit, f)),
    [true, true, true, false],
  );
  assert.ok(!formFields(Site).some((f) => f.name === 'id'));
});

test('a composite foreign key is one relation: one list column, its related key read from all its fields', () => {
  const relation = belongsToFor(Reading, 'visitShift');
  assert.deepEqual(relation, {
    relatedModel: 'Visit',
    fields: ['visitSiteID', 'visitVisitedOn', 'visitShift'],
    associatedWith: ['siteID', 'visitedOn', 'shift'],
  });
  const columns = listColumns(Reading).map((f) => f.name);
  assert.ok(columns.includes('visitSiteID'));
  assert.ok(!columns.includes('visitVisitedOn') && !columns.includes('visitShift'), 'the other key fields share the first one’s column');
  const reading = { visitSiteID: 's-1', visitVisitedOn: '2026-03-04', visitShift: 0 };
  assert.deepEqual(relatedKey(relation!, reading), { siteID: 's-1', visitedOn: '2026-03-04', shift: 0 });
  assert.equal(relatedKey(relation!, { ...reading, visitShift: null }), undefined, 'not while a key field is unset');
  assert.equal(relatedKey(relation!, { ...reading, visitSiteID: '' }), undefined);
});

test('a record without a title is named by its key values', () => {
  const key = { siteID: 's-1', visitedOn: '2026-03-04', shift: 2 };
  assert.equal(keyLabel(Visit, key), 's-1 · 2026-03-04 · 2');
  assert.equal(recordLabel(Visit, { ...key, notes: null }), 's-1 · 2026-03-04 · 2');
  assert.equal(recordLabel(Visit, { ...key, notes: 'windy' }), 'windy');
});
