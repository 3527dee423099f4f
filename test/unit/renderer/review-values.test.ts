// How the review inbox writes a custom primary key: a related record by its label.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import { keyParts } from '../../../renderer/review-inbox-view.js';
import { visitSchema } from '../ipc/visit-schema.js';

test('keyParts: a composite key in key order, the fields of one @belongsTo as one related record', () => {
  const Visit = getModel(visitSchema, 'Visit');
  assert.deepEqual(keyParts(Visit, { siteID: 's-1', visitedOn: '2026-05-06', shift: 1 }), [
    { kind: 'related', model: 'Site', key: { id: 's-1' } },
    { kind: 'value', text: '2026-05-06' },
    { kind: 'value', text: '1' },
  ]);
  // A model keyed by an id of its own: one plain part.
  assert.deepEqual(keyParts(getModel(visitSchema, 'Site'), { id: 's-1' }), [{ kind: 'value', text: 's-1' }]);
});
