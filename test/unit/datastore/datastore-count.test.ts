// count: how many records match a predicate, counted in SQLite, agreeing with query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { openTemp } from './temp-datastore.js';

test('count counts every record, or those matching a predicate, and agrees with query', async (t) => {
  const { store } = openTemp(t);
  assert.equal(await store.count('Inspection'), 0);
  for (let i = 0; i < 30; i++) {
    await store.save('Inspection', {
      id: `i${String(i).padStart(2, '0')}`,
      siteID: 's1',
      title: `t${i}`,
      status: i % 3 === 0 ? 'DRAFT' : 'SUBMITTED',
      score: i,
    });
  }
  assert.equal(await store.count('Inspection'), 30);
  const drafts = { field: 'status', op: 'eq', value: 'DRAFT' } as const;
  assert.equal(await store.count('Inspection', drafts), 10);
  assert.equal(await store.count('Inspection', drafts), (await store.query('Inspection', { where: drafts })).length);
  const highDrafts = { and: [drafts, { field: 'score', op: 'ge', value: 15 }] } as const;
  assert.equal(await store.count('Inspection', highDrafts), 5);
  await store.delete('Inspection', 'i00');
  assert.equal(await store.count('Inspection', drafts), 9, 'a delete is counted at once');
  assert.equal(await store.count('Site'), 0, 'other models are not counted');
});

test('count rejects an unknown model or a bad predicate with a ValidationError', async (t) => {
  const { store } = openTemp(t);
  await assert.rejects(store.count('Nope'), (e: unknown) => e instanceof ValidationError && /Nope/.test(e.message));
  await assert.rejects(store.count('Inspection', { field: 'colour', op: 'eq', value: 'red' }), ValidationError);
});
