// The review inbox's decisions beyond shell-view.test.ts: how a custom primary key reads (a related
// record by its label) and when a chosen entry's detail must be scrolled to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import { detailOutOfView, keyParts } from '../../../renderer/review-inbox-view.js';
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

test('detailOutOfView: the detail under the lists of a narrow window, or scrolled away, is out of view', () => {
  const rows: Array<[string, { top: number; bottom: number }, boolean]> = [
    ['beside the lists, at the top', { top: 64, bottom: 600 }, false],
    ['under the lists, below the window', { top: 520, bottom: 1200 }, true],
    ['only its first 20 px showing', { top: 380, bottom: 900 }, true],
    ['its first 48 px showing', { top: 352, bottom: 900 }, false],
    ['scrolled up past the window', { top: -900, bottom: 20 }, true],
    ['taller than the window, across it', { top: -200, bottom: 900 }, false],
  ];
  for (const [what, box, expected] of rows) assert.equal(detailOutOfView(box, 400), expected, what);
});
