// observe and observeQuery: events after commit, filters, batching, isSynced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import type { ChangeEvent, QuerySnapshot } from '../../../main/datastore/datastore.js';
import { openTemp, settle } from './temp-datastore.js';

test('observe delivers INSERT, UPDATE and DELETE with the full element, filtered by model', async (t) => {
  const { store } = openTemp(t);
  const all: ChangeEvent[] = [];
  const sites: ChangeEvent[] = [];
  store.observe().subscribe((e) => all.push(e));
  const unsubscribe = store.observe('Site').subscribe((e) => sites.push(e));
  const site = await store.save('Site', { name: 'A', code: 'c' });
  await store.save('Site', { id: site.id, name: 'B' });
  await store.save('Inspection', { siteID: site.id, title: 't', status: 'DRAFT' });
  await store.delete('Site', String(site.id));
  assert.deepEqual(
    sites.map((e) => e.opType),
    ['INSERT', 'UPDATE', 'DELETE'],
  );
  assert.equal(sites[1].element.code, 'c', 'update events carry the whole record');
  assert.equal(sites[1].element.name, 'B');
  assert.equal(sites[2].element.name, 'B', 'delete events carry the last state');
  // The delete cascaded to the inspection.
  assert.deepEqual(
    all.map((e) => `${e.opType} ${e.model}`),
    ['INSERT Site', 'UPDATE Site', 'INSERT Inspection', 'DELETE Inspection', 'DELETE Site'],
  );
  unsubscribe();
  await store.save('Site', { name: 'C' });
  assert.equal(sites.length, 3, 'no events after unsubscribe');
});

test('observe with a predicate only sees matching elements; invalid predicates are refused', async (t) => {
  const { store } = openTemp(t);
  const seen: unknown[] = [];
  store.observe('Site', { field: 'name', op: 'beginsWith', value: 'North' }).subscribe((e) => seen.push(e.element.name));
  await store.save('Site', { name: 'North A' });
  await store.save('Site', { name: 'South' });
  assert.deepEqual(seen, ['North A']);
  assert.throws(() => store.observe('Site', { field: 'nope', op: 'eq', value: 1 }), ValidationError);
  assert.throws(() => store.observe('Nope'), ValidationError);
  assert.throws(() => store.observe(undefined, { field: 'name', op: 'eq', value: 'x' }), /needs a model/);
});

test('a rejected save emits nothing', async (t) => {
  const { store } = openTemp(t);
  const seen: unknown[] = [];
  store.observe().subscribe((e) => seen.push(e));
  await assert.rejects(store.save('Site', { code: 'no name' }));
  assert.deepEqual(seen, []);
});

test('observeQuery: initial snapshot, then one per batch of relevant changes, sorted; items leaving the predicate go', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 'b', name: 'x-b' });
  const snapshots: QuerySnapshot[] = [];
  const unsubscribe = store
    .observeQuery('Site', { field: 'name', op: 'beginsWith', value: 'x' }, { sort: [{ field: 'name', direction: 'desc' }] })
    .subscribe((s) => snapshots.push(s));
  await settle();
  assert.equal(snapshots.length, 1);
  assert.deepEqual(
    snapshots[0].items.map((r) => r.id),
    ['b'],
  );
  assert.equal(snapshots[0].isSynced, false);

  // Two saves in one turn → one snapshot.
  await Promise.all([store.save('Site', { id: 'a', name: 'x-a' }), store.save('Site', { id: 'c', name: 'x-c' })]);
  await settle();
  assert.equal(snapshots.length, 2);
  assert.deepEqual(
    snapshots[1].items.map((r) => r.id),
    ['c', 'b', 'a'],
  );

  // A change to a record that neither matches nor was shown: no snapshot.
  await store.save('Site', { id: 'z', name: 'other' });
  await settle();
  assert.equal(snapshots.length, 2);

  // An item that stops matching is removed.
  await store.save('Site', { id: 'b', name: 'renamed' });
  await settle();
  assert.equal(snapshots.length, 3);
  assert.deepEqual(
    snapshots[2].items.map((r) => r.id),
    ['c', 'a'],
  );

  // The model's first completed sync flips isSynced.
  await store.syncMetadata.setSyncMetadata('Site', { lastSync: 1000, lastFullSync: 1000 });
  await settle();
  assert.equal(snapshots.at(-1)?.isSynced, true);

  unsubscribe();
  const count = snapshots.length;
  await store.save('Site', { id: 'd', name: 'x-d' });
  await settle();
  assert.equal(snapshots.length, count);
});

test('observeQuery reflects remote merges and clear()', async (t) => {
  const { store } = openTemp(t);
  const snapshots: QuerySnapshot[] = [];
  store.observeQuery('Site').subscribe((s) => snapshots.push(s));
  await settle();
  await store.remote.applyRemote('Site', [{ id: 'r1', name: 'remote', _version: 1, _lastChangedAt: 5, _deleted: null }], { isFullSync: true });
  await settle();
  assert.deepEqual(
    snapshots.at(-1)?.items.map((r) => r.id),
    ['r1'],
  );
  await store.clear();
  await settle();
  assert.deepEqual(snapshots.at(-1)?.items, []);
});

test('observeQuery refuses a bad sort at call time', async (t) => {
  const { store } = openTemp(t);
  assert.throws(() => store.observeQuery('Site', undefined, { sort: [{ field: 'nope', direction: 'asc' }] }), ValidationError);
});
