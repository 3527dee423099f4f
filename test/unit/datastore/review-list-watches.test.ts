// List changes of accepted writes are watched (main/datastore/list-watches.ts): a later server
// version that puts back an element this device removed, or drops one it added, leaves a review
// item — from a sync page or live event (remote merge) or from the answer to this device's next
// write — while this device's own later choices, older versions and untouched fields do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord } from '../../../common/schema/types.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { openTemp, rawRows } from './temp-datastore.js';

const meta = (v: number) => ({ _version: v, _lastChangedAt: v, _deleted: null });

/** Saves `patch` and completes its entry with the server answering `answer` (metadata version `v`). */
async function accepted(store: Datastore, patch: ModelRecord, answer: ModelRecord, v: number): Promise<void> {
  await store.save('Site', patch);
  const entries = await store.outbox.listEntries();
  await store.outbox.completeEntry(entries[entries.length - 1].id, { id: 's1', name: 'N', ...answer, ...meta(v) });
}

async function synced(store: Datastore, tags: string[], v = 1): Promise<void> {
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags, ...meta(v) }]);
}

test('a removed tag put back by a later version (live event or sync) becomes one review item; the watch then ends', async (t) => {
  const { store, file } = openTemp(t);
  await synced(store, ['t3', 'u']);
  await accepted(store, { id: 's1', tags: ['u'] }, { tags: ['u'] }, 2);
  assert.equal(rawRows(file, 'SELECT * FROM _outpost_list_watches').length, 1);
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['u', 'x'], ...meta(3) }]);
  assert.deepEqual(await store.reviews.list(), [], 'a version that keeps the removal is fine');
  // A stale device's list joined to ours (AUTOMERGE) brings t3 back.
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['u', 'x', 't3', 'u'], ...meta(4) }]);
  const [item, ...more] = await store.reviews.list();
  assert.equal(more.length, 0);
  assert.deepEqual([item.kind, item.fields, item.mine], ['overridden', ['tags'], { id: 's1', tags: ['u', 'x', 'u'] }]);
  assert.match(item.reason, /^In tags, a later change from another device put back "t3", which this device had removed\.$/);
  assert.equal(item.theirs?._version, 4);
  assert.equal(rawRows(file, 'SELECT * FROM _outpost_list_watches').length, 0);
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['t3'], ...meta(5) }]);
  assert.equal((await store.reviews.list()).length, 1, 'one notice per watched change');
});

test('an added tag dropped by a later version is reviewed too; an older version is not judged', async (t) => {
  const { store } = openTemp(t);
  await synced(store, ['x']);
  await accepted(store, { id: 's1', tags: ['x', 'a'] }, { tags: ['x', 'a'] }, 2);
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['x'], ...meta(2) }]);
  assert.deepEqual(await store.reviews.list(), [], 'the same version is not a later one');
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['x'], ...meta(3) }]);
  const [item] = await store.reviews.list();
  assert.deepEqual(item.mine.tags, ['x', 'a']);
  assert.match(item.reason, /took out "a", which this device had added/);
});

test("the answer to this device's next write is checked too; its own later choices end the watch for those elements", async (t) => {
  const { store } = openTemp(t);
  await synced(store, ['t3']);
  await accepted(store, { id: 's1', tags: [] }, { tags: [] }, 2);
  // The next write adds d1 (its base has no t3); the answer shows a stale device's t3 joined in.
  await accepted(store, { id: 's1', tags: ['d1'] }, { tags: ['t3', 'd0', 'd1'] }, 4);
  const [item] = await store.reviews.list();
  assert.ok(item, 'the undone removal is reviewed');
  assert.deepEqual(item.mine.tags, ['d0', 'd1']);

  const other = openTemp(t).store;
  await synced(other, ['t3']);
  await accepted(other, { id: 's1', tags: [] }, { tags: [] }, 2);
  // This time the device itself puts t3 back: its own choice, nothing to review.
  await accepted(other, { id: 's1', tags: ['t3'] }, { tags: ['t3'] }, 3);
  await other.remote.applyRemote('Site', [{ id: 's1', name: 'N', tags: ['t3'], ...meta(4) }]);
  assert.deepEqual(await other.reviews.list(), []);
});

test('clear() ends every watch', async (t) => {
  const { store, file } = openTemp(t);
  await synced(store, ['t3']);
  await accepted(store, { id: 's1', tags: [] }, { tags: [] }, 2);
  await store.clear();
  assert.equal(rawRows(file, 'SELECT * FROM _outpost_list_watches').length, 0);
});
