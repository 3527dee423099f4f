// query (predicates, multi-field sort, paging, tie-break) and delete (by key, by predicate, cascade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { openTemp, rawOutbox, rawRows } from './temp-datastore.js';
import type { Datastore } from '../../../main/datastore/datastore.js';

async function seedInspections(store: Datastore): Promise<void> {
  const rows = [
    { id: 'i1', title: 'b', status: 'DRAFT', score: 5 },
    { id: 'i2', title: 'a', status: 'DRAFT', score: 5 },
    { id: 'i3', title: 'c', status: 'SUBMITTED', score: 9 },
    { id: 'i4', title: 'é', status: 'APPROVED', score: null },
    { id: 'i0', title: 'a', status: 'DRAFT', score: 1 },
  ];
  for (const r of rows) await store.save('Inspection', { siteID: 's1', ...r });
}

test('query filters with a predicate and sorts on several fields, ties broken by id', async (t) => {
  const { store } = openTemp(t);
  await seedInspections(store);
  const drafts = await store.query('Inspection', {
    where: { field: 'status', op: 'eq', value: 'DRAFT' },
    sort: [
      { field: 'score', direction: 'desc' },
      { field: 'title', direction: 'asc' },
    ],
  });
  assert.deepEqual(
    drafts.map((r) => r.id),
    ['i2', 'i1', 'i0'],
  );
  const all = await store.query('Inspection', { sort: [{ field: 'title', direction: 'asc' }] });
  assert.deepEqual(
    all.map((r) => r.id),
    ['i0', 'i2', 'i1', 'i3', 'i4'],
    'equal titles tie-break by id; é sorts after ASCII',
  );
  const unsorted = await store.query('Inspection');
  assert.deepEqual(
    unsorted.map((r) => r.id),
    ['i0', 'i1', 'i2', 'i3', 'i4'],
  );
  const compound = await store.query('Inspection', {
    where: { or: [{ field: 'score', op: 'gt', value: 6 }, { not: { field: 'score', op: 'attributeExists', value: true } }] },
  });
  assert.deepEqual(
    compound.map((r) => r.id),
    ['i3', 'i4'],
  );
});

test('page is a 0-based page index of size limit', async (t) => {
  const { store } = openTemp(t);
  await seedInspections(store);
  const sort = [{ field: 'id', direction: 'asc' as const }];
  assert.deepEqual(
    (await store.query('Inspection', { sort, limit: 2 })).map((r) => r.id),
    ['i0', 'i1'],
  );
  assert.deepEqual(
    (await store.query('Inspection', { sort, limit: 2, page: 1 })).map((r) => r.id),
    ['i2', 'i3'],
  );
  assert.deepEqual(
    (await store.query('Inspection', { sort, limit: 2, page: 2 })).map((r) => r.id),
    ['i4'],
  );
  assert.deepEqual(await store.query('Inspection', { sort, limit: 2, page: 3 }), []);
});

test('bad query options are ValidationErrors', async (t) => {
  const { store } = openTemp(t);
  await assert.rejects(store.query('Inspection', { page: 1 }), /page needs a limit/);
  await assert.rejects(store.query('Inspection', { limit: 1.5 }), ValidationError);
  await assert.rejects(store.query('Inspection', { limit: 2, page: -1 }), ValidationError);
  await assert.rejects(store.query('Inspection', { sort: [{ field: 'nope', direction: 'asc' }] }), /sort\[0\]/);
  await assert.rejects(store.query('Inspection', { sort: [{ field: 'title', direction: 'up' as never }] }), ValidationError);
  await assert.rejects(store.query('Site', { sort: [{ field: 'tags', direction: 'asc' }] }), /Site\.tags/);
  await assert.rejects(store.query('Inspection', { where: { field: 'score', op: 'beginsWith', value: 'x' } }), ValidationError);
});

test('delete by id removes the row and queues a Delete carrying the record; a condition is stored', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { id: 's1', name: 'A' });
  const [create] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(create.id);
  await store.outbox.completeEntry(create.id, { ...site, _version: 3, _lastChangedAt: 9 });
  const condition = { field: 'name', op: 'eq', value: 'A' } as const;
  const deleted = await store.delete('Site', 's1', { condition });
  assert.deepEqual(
    deleted.map((r) => r.id),
    ['s1'],
  );
  assert.equal(await store.get('Site', 's1'), undefined);
  assert.equal(rawRows(file, 'SELECT * FROM "Site"').length, 0);
  const [entry] = rawOutbox(file);
  assert.equal(entry.operation, 'Delete');
  assert.equal(entry.data.id, 's1');
  assert.equal(entry.data._version, 3);
  assert.equal(entry.data.name, 'A');
  assert.deepEqual(entry.condition, condition);
  assert.deepEqual(await store.delete('Site', 's1'), [], 'deleting a missing record is a no-op');
  assert.equal(rawOutbox(file).length, 1);
});

test('deleting a record never sent to the server leaves no outbox entry', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's1', name: 'A' });
  await store.delete('Site', 's1');
  assert.deepEqual(rawOutbox(file), []);
});

test('delete cascades through hasMany to grandchildren, each with its own outbox entry', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's1', name: 'A' });
  await store.save('Site', { id: 's2', name: 'other' });
  await store.save('Inspection', { id: 'i1', siteID: 's1', title: 't', status: 'DRAFT' });
  await store.save('Inspection', { id: 'i2', siteID: 's1', title: 't', status: 'DRAFT' });
  await store.save('Inspection', { id: 'i3', siteID: 's2', title: 't', status: 'DRAFT' });
  await store.save('Observation', { id: 'o1', inspectionID: 'i1', category: 'c', severity: 'LOW' });
  // Make everything "synced" so deletes are real outbox entries rather than cancelled creates.
  for (const entry of await store.outbox.listEntries()) {
    await store.outbox.markInFlight(entry.id);
    await store.outbox.completeEntry(entry.id, { ...entry.data, _version: 1, _lastChangedAt: 1 });
  }
  const events: string[] = [];
  store.observe().subscribe((e) => events.push(`${e.opType} ${e.model} ${e.element.id}`));
  const condition = { field: 'name', op: 'eq', value: 'A' } as const;
  await store.delete('Site', 's1', { condition });
  const outbox = rawOutbox(file);
  assert.deepEqual(outbox.map((e) => `${e.operation} ${e.model} ${e.modelId}`).sort(), [
    'Delete Inspection i1',
    'Delete Inspection i2',
    'Delete Observation o1',
    'Delete Site s1',
  ]);
  assert.deepEqual(outbox.find((e) => e.model === 'Site')?.condition, condition);
  assert.ok(
    outbox.filter((e) => e.model !== 'Site').every((e) => e.condition === null),
    'children carry no condition',
  );
  assert.equal(events.length, 4);
  assert.deepEqual(
    (await store.query('Inspection')).map((r) => r.id),
    ['i3'],
  );
  assert.deepEqual(await store.query('Observation'), []);
});

test('delete by predicate deletes every match, one entry each, without condition', async (t) => {
  const { store, file } = openTemp(t);
  for (const [id, name] of [
    ['a', 'x1'],
    ['b', 'x2'],
    ['c', 'y'],
  ])
    await store.save('Site', { id, name });
  for (const entry of await store.outbox.listEntries()) {
    await store.outbox.markInFlight(entry.id);
    await store.outbox.completeEntry(entry.id, { ...entry.data, _version: 1, _lastChangedAt: 1 });
  }
  const deleted = await store.delete('Site', { field: 'name', op: 'beginsWith', value: 'x' });
  assert.deepEqual(deleted.map((r) => r.id).sort(), ['a', 'b']);
  const outbox = rawOutbox(file);
  assert.deepEqual(outbox.map((e) => e.modelId).sort(), ['a', 'b']);
  assert.ok(outbox.every((e) => e.operation === 'Delete' && e.condition === null));
  await assert.rejects(store.delete('Site', { field: 'name', op: 'eq', value: 'y' }, { condition: { field: 'name', op: 'eq', value: 'y' } }), ValidationError);
  assert.deepEqual(
    (await store.query('Site')).map((r) => r.id),
    ['c'],
  );
});
