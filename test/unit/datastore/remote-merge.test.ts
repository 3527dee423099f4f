// applyRemote / removeMissing (PROTOCOL.md §4.7 + Outpost's full-sync cleanup), sync metadata, conflicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { openTemp, rawOutbox } from './temp-datastore.js';

const site = (id: string, name: string, version: number, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  code: null,
  _version: version,
  _lastChangedAt: version * 100,
  _deleted: null,
  ...extra,
});

test('applyRemote inserts, updates newer versions, ignores older, deletes tombstones; counts and events', async (t) => {
  const { store } = openTemp(t);
  const events: string[] = [];
  store.observe('Site').subscribe((e) => events.push(`${e.opType} ${e.element.id} ${e.element.name}`));
  assert.deepEqual(await store.remote.applyRemote('Site', [site('a', 'A1', 1), site('b', 'B1', 1), site('c', 'C1', 1)], { isFullSync: true }), {
    new: 3,
    updated: 0,
    deleted: 0,
    skippedPending: 0,
    invalid: 0,
    errors: [],
  });
  const counts = await store.remote.applyRemote('Site', [
    site('a', 'A2', 2),
    site('b', 'B0', 0), // older: ignored
    site('c', 'C1', 1, { _deleted: true }),
    site('gone', 'never here', 4, { _deleted: true }), // counted even though absent
  ]);
  assert.deepEqual(counts, { new: 0, updated: 1, deleted: 2, skippedPending: 0, invalid: 0, errors: [] });
  assert.deepEqual(
    (await store.query('Site')).map((r) => `${r.id} ${r.name} v${r._version}`),
    ['a A2 v2', 'b B1 v1'],
  );
  assert.deepEqual(events, ['INSERT a A1', 'INSERT b B1', 'INSERT c C1', 'UPDATE a A2', 'DELETE c C1']);
  assert.equal(await store.outbox.outboxCount(), 0, 'remote data never enters the outbox');
});

test('applyRemote skips records with pending outbox entries and de-duplicates a page (last wins)', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 'local', name: 'my edit' });
  const counts = await store.remote.applyRemote('Site', [site('local', 'server', 5), site('x', 'first', 1), site('x', 'second', 2)]);
  assert.equal(counts.skippedPending, 1);
  assert.equal(counts.new, 1);
  assert.equal((await store.get('Site', 'local'))?.name, 'my edit');
  assert.equal((await store.get('Site', 'x'))?.name, 'second');
  assert.equal(rawOutbox(file).length, 1);
});

test('applyRemote skips pending records in a large page too (read once, not probed per id)', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 'r-7', name: 'my edit' });
  await store.save('Site', { id: 'r-150', name: 'my other edit' });
  const page = Array.from({ length: 200 }, (_, i) => site(`r-${i}`, `server ${i}`, 3));
  const counts = await store.remote.applyRemote('Site', page);
  assert.equal(counts.skippedPending, 2);
  assert.equal(counts.new, 198);
  assert.equal((await store.get('Site', 'r-7'))?.name, 'my edit');
  assert.equal((await store.get('Site', 'r-150'))?.name, 'my other edit');
  assert.equal((await store.get('Site', 'r-8'))?.name, 'server 8');
});

test('equal versions: ignored in a delta, repaired in a full sync', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a', 'A', 3)]);
  assert.equal((await store.remote.applyRemote('Site', [site('a', 'different', 3)])).updated, 0);
  assert.equal((await store.get('Site', 'a'))?.name, 'A');
  assert.equal((await store.remote.applyRemote('Site', [site('a', 'different', 3)], { isFullSync: true })).updated, 1);
  assert.equal((await store.get('Site', 'a'))?.name, 'different');
  assert.equal((await store.remote.applyRemote('Site', [site('a', 'different', 3)], { isFullSync: true })).updated, 0, 'same content: no write');
});

test('malformed server records are reported and skipped; the rest of the page applies', async (t) => {
  const { store } = openTemp(t);
  const counts = await store.remote.applyRemote('Site', [{ name: 'no id', _version: 1 }, site('bad', 'x', 1, { tags: 'not a list' }), site('ok', 'fine', 1)]);
  assert.equal(counts.new, 1);
  assert.equal(counts.invalid, 2);
  assert.match(counts.errors.join('\n'), /tags/);
  assert.equal(await store.get('Site', 'bad'), undefined);
  await assert.rejects(store.remote.applyRemote('Nope', []), ValidationError);
});

test('a partial server record keeps local values for fields it left out', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a', 'A', 1, { code: 'K', tags: ['t'] })]);
  await store.remote.applyRemote('Site', [{ id: 'a', name: 'A2', _version: 2, _lastChangedAt: 5, _deleted: null }]);
  const row = await store.get('Site', 'a');
  assert.equal(row?.name, 'A2');
  assert.equal(row?.code, 'K');
  assert.deepEqual(row?.tags, ['t']);
});

test('removeMissing deletes rows the server no longer has, except those with pending entries', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a', 'A', 1), site('b', 'B', 1), site('c', 'C', 1)], { isFullSync: true });
  await store.save('Site', { id: 'c', name: 'edited offline' });
  await store.save('Site', { id: 'new', name: 'created offline' });
  const events: string[] = [];
  store.observe('Site').subscribe((e) => events.push(`${e.opType} ${e.element.id}`));
  assert.equal(await store.remote.removeMissing('Site', ['a']), 1);
  assert.deepEqual(
    (await store.query('Site')).map((r) => r.id),
    ['a', 'c', 'new'],
  );
  assert.deepEqual(events, ['DELETE b']);
});

test('sync metadata: get/set/reset per model, isSynced', async (t) => {
  const { store } = openTemp(t);
  assert.equal(await store.syncMetadata.getSyncMetadata('Site'), null);
  assert.equal(store.syncMetadata.isSynced('Site'), false);
  await store.syncMetadata.setSyncMetadata('Site', { fullSyncInterval: 86_400_000, lastSyncPredicate: null });
  assert.equal(store.syncMetadata.isSynced('Site'), false);
  const after = await store.syncMetadata.setSyncMetadata('Site', { lastSync: 1000, lastFullSync: 1000 });
  assert.deepEqual(after, { model: 'Site', lastSync: 1000, lastFullSync: 1000, fullSyncInterval: 86_400_000, lastSyncPredicate: null });
  await store.syncMetadata.setSyncMetadata('Site', { lastSync: 2000 });
  assert.deepEqual(await store.syncMetadata.getSyncMetadata('Site'), { ...after, lastSync: 2000 });
  assert.equal(store.syncMetadata.isSynced('Site'), true);
  assert.deepEqual(
    (await store.syncMetadata.listSyncMetadata()).map((m) => m.model),
    ['Site'],
  );
  await store.syncMetadata.resetSyncMetadata('Site');
  assert.equal(await store.syncMetadata.getSyncMetadata('Site'), null);
  await assert.rejects(store.syncMetadata.setSyncMetadata('Nope', {}), ValidationError);
});

test('conflicts: insert and list newest first, per model', async (t) => {
  const { store } = openTemp(t);
  const first = await store.conflicts.insertConflict({
    model: 'Site',
    modelId: 'a',
    operation: 'Update',
    local: { id: 'a', name: 'mine' },
    remote: { id: 'a', name: 'theirs', _version: 3 },
    resolution: 'retried',
    at: 10,
  });
  await store.conflicts.insertConflict({ model: 'Inspection', modelId: 'i', local: null, remote: null, resolution: 'discarded' });
  assert.equal(first.id, 1);
  const all = await store.conflicts.listConflicts();
  assert.deepEqual(
    all.map((c) => c.model),
    ['Inspection', 'Site'],
  );
  const sites = await store.conflicts.listConflicts({ model: 'Site' });
  assert.deepEqual(sites, [first]);
  await assert.rejects(store.conflicts.insertConflict({ model: 'Site', modelId: 'a', local: null, remote: null, resolution: '' }), ValidationError);
});

test('removeMissing keeps rows changed at or after the full sync started (merged by another path meanwhile)', async (t) => {
  const { store } = openTemp(t);
  // The sync's snapshot was taken at 250: 'old' (changed at 100) and 'edge' (250) were not in the pages.
  await store.remote.applyRemote('Site', [site('old', 'O', 1), site('kept', 'K', 1)], { isFullSync: true });
  // Reached the store while the pages were fetched (outbox completion / live event), after the snapshot.
  await store.remote.applyRemote('Site', [site('edge', 'E', 1, { _lastChangedAt: 250 }), site('later', 'L', 3)]);
  const events: string[] = [];
  store.observe('Site').subscribe((e) => events.push(`${e.opType} ${e.element.id}`));
  assert.equal(await store.remote.removeMissing('Site', ['kept'], { changedSince: 250 }), 1);
  assert.deepEqual((await store.query('Site')).map((r) => r.id).sort(), ['edge', 'kept', 'later']);
  assert.deepEqual(events, ['DELETE old']);
  // Without the snapshot time every row outside keepIds goes (the former behaviour, still available).
  assert.equal(await store.remote.removeMissing('Site', ['kept']), 2);
  await assert.rejects(store.remote.removeMissing('Site', [], { changedSince: Number.NaN }), ValidationError);
});

test('removeMissing keeps a record whose outbox entry completed during the full sync', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a', 'A', 1)], { isFullSync: true });
  // Created offline; the server accepted it at 500, after the full sync's snapshot at 400.
  await store.save('Site', { id: 'mine', name: 'created offline' });
  const [entry] = await store.outbox.listEntries();
  await store.outbox.completeEntry(entry.id, site('mine', 'created offline', 1, { _lastChangedAt: 500 }));
  assert.equal(await store.outbox.outboxCount(), 0);
  assert.equal(await store.remote.removeMissing('Site', ['a'], { changedSince: 400 }), 0);
  assert.deepEqual((await store.query('Site')).map((r) => r.id).sort(), ['a', 'mine']);
});
