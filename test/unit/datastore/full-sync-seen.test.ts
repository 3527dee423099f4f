// A full sync's seen rows are marked in the file by its pages (full-sync-seen.ts) instead of a Set
// of ids in memory: the cleanup with `marked` removes exactly what the cleanup with the ids
// removes (pending rows and rows changed since the snapshot kept), marks carry over pages and
// rounds until a new sync's first page forgets them, a reused rowid keeps nothing it should not,
// and the marks are gone after the cleanup and after clear().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { seenTableName } from '../../../main/datastore/full-sync-seen.js';
import { openTemp, rawRows } from './temp-datastore.js';

const site = (id: string, version = 1, extra: Record<string, unknown> = {}) => ({
  id,
  name: `site ${id}`,
  code: null,
  tags: null,
  _version: version,
  _lastChangedAt: 100,
  _deleted: null,
  ...extra,
});
const ids = (store: Datastore) => store.query('Site').then((rows) => rows.map((r) => String(r.id)).sort());
const seenTables = (file: string) => rawRows(file, `SELECT name FROM sqlite_master WHERE name LIKE '_outpost_full_sync_seen_%'`).length;

/** A store that synced a..f once, then saw edits: e pending locally, f changed on the server after the next sync's snapshot (300). */
async function filled(t: Parameters<typeof openTemp>[0]): Promise<{ store: Datastore; file: string }> {
  const opened = openTemp(t);
  const { store } = opened;
  await store.remote.applyRemote(
    'Site',
    ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => site(id)),
    { isFullSync: true },
  );
  await store.save('Site', { id: 'e', name: 'edited offline' });
  await store.save('Site', { id: 'mine', name: 'created offline' });
  await store.remote.applyRemote('Site', [site('f', 2, { _lastChangedAt: 400 })]);
  return opened;
}

test('the cleanup with the marks removes what the cleanup with the ids removes', async (t) => {
  // The next full sync (snapshot 300) returns a, c (and a tombstone for d) over two pages.
  const pages = [[site('a', 2)], [site('c', 2), site('d', 3, { _deleted: true })]];
  const byIds = await filled(t);
  for (const page of pages) await byIds.store.remote.applyRemote('Site', page, { isFullSync: true });
  const removedByIds = await byIds.store.remote.removeMissing('Site', ['a', 'c', 'd'], { changedSince: 300 });

  const { store, file } = await filled(t);
  await store.remote.applyRemote('Site', pages[0]!, { isFullSync: true, markSeen: 'first' });
  await store.remote.applyRemote('Site', pages[1]!, { isFullSync: true, markSeen: 'next' });
  assert.equal(Number(rawRows(file, `SELECT count(*) AS n FROM "${seenTableName('Site')}"`)[0]!.n), 2, 'a and c marked; d is gone');
  const removed = await store.remote.removeMissing('Site', [], { marked: true, changedSince: 300 });

  assert.equal(removed, removedByIds);
  assert.deepEqual(await ids(store), await ids(byIds.store));
  assert.deepEqual(await ids(store), ['a', 'c', 'e', 'f', 'mine'], 'b went; e pending, f changed since, mine unsynced stay');
  assert.equal(seenTables(file), 0, 'the marks are forgotten with the cleanup');
});

test("marks carry over pages and rounds; a new sync's first page forgets an unfinished one's", async (t) => {
  const { store, file } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a'), site('b'), site('c')], { isFullSync: true });
  // A sync that marked b and stopped (capped, then refused): never cleaned up.
  await store.remote.applyRemote('Site', [site('b')], { isFullSync: true, markSeen: 'first' });
  // A new full sync: its first page names only a; a second page (another round) names c.
  await store.remote.applyRemote('Site', [site('a')], { isFullSync: true, markSeen: 'first' });
  await store.remote.applyRemote('Site', [site('c')], { isFullSync: true, markSeen: 'next' });
  assert.equal(await store.remote.removeMissing('Site', [], { marked: true }), 1);
  assert.deepEqual(await ids(store), ['a', 'c']);
  // Without marks (a sync whose pages were empty) every synced row is missing.
  assert.equal(await store.remote.removeMissing('Site', [], { marked: true }), 2);
  assert.equal(seenTables(file), 0);
});

test('a marked row deleted during the sync, its rowid taken by a new row: the new row is kept only as it would be anyway', async (t) => {
  const { store, file } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a'), site('z')], { isFullSync: true });
  await store.remote.applyRemote('Site', [site('a'), site('z')], { isFullSync: true, markSeen: 'first' });
  const rowidOf = (id: string) => rawRows(file, `SELECT rowid AS r FROM "Site" WHERE id = ?`, id)[0]?.r;
  const before = rowidOf('z');
  // z (the newest rowid) is deleted by a live tombstone, and a record created on this device takes its rowid.
  await store.remote.applyRemote('Site', [site('z', 2, { _deleted: true })]);
  await store.save('Site', { id: 'local', name: 'made during the sync' });
  assert.equal(rowidOf('local'), before, 'SQLite gave the new row the freed rowid');
  assert.equal(await store.remote.removeMissing('Site', [], { marked: true, changedSince: 300 }), 0);
  assert.deepEqual(await ids(store), ['a', 'local']);
});

test('clear() drops a sync’s marks', async (t) => {
  const { store, file } = openTemp(t);
  await store.remote.applyRemote('Site', [site('a')], { isFullSync: true, markSeen: 'first' });
  assert.equal(seenTables(file), 1);
  await store.clear();
  assert.equal(seenTables(file), 0);
});
