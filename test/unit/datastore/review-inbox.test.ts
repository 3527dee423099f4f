// The review inbox and the outbox columns it relies on, on real SQLite files: items are written in
// the transaction that completes or fails their entry (a refused completion leaves no item), survive
// reopening, list open first, are decided once, and go with clear(); outbox entries keep the base of
// the fields they change and a mutation id (migrated into older files, kept by coalescing), and an
// entry that has been on the wire is never coalesced into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatastore } from '../../../main/datastore/datastore.js';
import type { NewReviewItem } from '../../../main/datastore/review-items.js';
import { exampleSchema, openTemp, rawRows, tempDir } from './temp-datastore.js';

const item = (over: Partial<NewReviewItem> = {}): NewReviewItem => ({
  kind: 'overridden',
  model: 'Site',
  modelId: 's1',
  operation: 'Update',
  fields: ['code'],
  mine: { id: 's1', code: 'mine' },
  theirs: { id: 's1', code: 'theirs', _version: 3 },
  reason: 'Another device changed code first; the server kept their value.',
  ...over,
});

test('the base of the changed fields and a mutation id are stored with the entry; coalescing keeps the earliest base and the first id', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', code: 'c0', tags: ['x'], _version: 1, _lastChangedAt: 1, _deleted: null }]);
  await store.save('Site', { id: 's1', code: 'c1' });
  const [first] = await store.outbox.listEntries();
  assert.deepEqual(first.base, { code: 'c0' });
  assert.match(first.mutationId ?? '', /^[0-9a-f-]{36}$/);
  await store.save('Site', { id: 's1', code: 'c2', tags: ['x', 'y'] });
  const [merged, ...rest] = await store.outbox.listEntries();
  assert.equal(rest.length, 0);
  assert.deepEqual(merged.base, { code: 'c0', tags: ['x'] }, 'code keeps the value before the first edit');
  assert.equal(merged.mutationId, first.mutationId);
  assert.deepEqual(merged.data, { id: 's1', code: 'c2', tags: ['x', 'y'], _version: 1 });
});

test('an entry that has been on the wire is never coalesced into, so its mutation id keeps meaning one write', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [{ id: 's1', name: 'N', code: 'c0', _version: 1, _lastChangedAt: 1, _deleted: null }]);
  await store.save('Site', { id: 's1', code: 'c1' });
  const [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  await store.outbox.releaseInFlight(); // a crash: pending again, but it was sent
  await store.save('Site', { id: 's1', code: 'c2' });
  const entries = await store.outbox.listEntries();
  assert.equal(entries.length, 2);
  assert.deepEqual([entries[0].data.code, entries[0].sent, entries[1].data.code, entries[1].sent], ['c1', true, 'c2', false]);
  assert.notEqual(entries[1].mutationId, entries[0].mutationId);
});

test('an older file: the outbox gains base/mutationId/sent, each old entry its own id, in-flight ones count as sent', async (t) => {
  const file = join(tempDir(t), 'old.db');
  const db = new Database(file);
  db.exec(`CREATE TABLE "_outpost_outbox" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "model" TEXT NOT NULL, "modelId" TEXT NOT NULL,
    "operation" TEXT NOT NULL, "data" TEXT NOT NULL, "condition" TEXT, "inFlight" INTEGER NOT NULL DEFAULT 0, "createdAt" INTEGER NOT NULL)`);
  db.prepare('INSERT INTO "_outpost_outbox" (model, modelId, operation, data, inFlight, createdAt) VALUES (?, ?, ?, ?, ?, 0)').run(
    'Site',
    'a',
    'Update',
    '{"id":"a","code":"x","_version":1}',
    0,
  );
  db.prepare('INSERT INTO "_outpost_outbox" (model, modelId, operation, data, inFlight, createdAt) VALUES (?, ?, ?, ?, ?, 0)').run(
    'Site',
    'b',
    'Update',
    '{"id":"b","code":"y","_version":1}',
    1,
  );
  db.close();
  const store = openDatastore({ file, schema: exampleSchema() });
  t.after(() => store.close());
  const entries = await store.outbox.listEntries();
  assert.equal(entries.length, 2);
  assert.ok(entries.every((e) => /^[0-9a-f-]{36}$/.test(e.mutationId ?? '')));
  assert.notEqual(entries[0].mutationId, entries[1].mutationId);
  assert.deepEqual(
    entries.map((e) => [e.base, e.sent]),
    [
      [null, false],
      [null, true],
    ],
  );
});

test('completeEntries stores review items with the completion; a refused completion stores none of its items', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's1', name: 'A' });
  await store.save('Site', { id: 's2', name: 'B' });
  const [e1, e2] = await store.outbox.listEntries();
  const seen: number[] = [];
  store.reviews.onChange((r) => seen.push(r.id));
  const outcomes = await store.outbox.completeEntries([
    { id: e1.id, serverRecord: { id: 's1', name: 'A', _version: 1 }, reviews: [item()] },
    // The server record of another id: refused, and its item rolled back with it.
    { id: e2.id, serverRecord: { id: 'zzz', name: 'B', _version: 1 }, reviews: [item({ modelId: 's2' })] },
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [true, false],
  );
  const rows = rawRows(file, 'SELECT modelId, state FROM _outpost_review_items');
  assert.deepEqual(rows, [{ modelId: 's1', state: 'open' }]);
  assert.equal(seen.length, 1, 'announced after the commit');
  assert.equal((await store.outbox.listEntries()).length, 1, 'the refused entry is still queued');
});

test('failEntry keeps the device version in an item built from the row before the restore, in the same transaction', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 's1', name: 'Mine', code: 'c' });
  const [entry] = await store.outbox.listEntries();
  const result = await store.outbox.failEntry(entry.id, null, (row) =>
    item({ kind: 'rejected', operation: 'Create', mine: { id: 's1', name: String(row?.name) }, theirs: null, reason: 'refused', errorType: 'Unauthorized' }),
  );
  assert.equal(result.restored, true);
  assert.equal(result.review?.mine.name, 'Mine');
  assert.equal(await store.get('Site', 's1'), undefined, 'the server never had it');
  const [stored] = await store.reviews.list();
  assert.deepEqual([stored.kind, stored.errorType, stored.mine.name], ['rejected', 'Unauthorized', 'Mine']);
  // A builder that throws rolls the whole failure back: the entry stays.
  await store.save('Site', { id: 's3', name: 'X' });
  const [other] = await store.outbox.listEntries();
  await assert.rejects(() => store.outbox.failEntry(other.id, null, () => item({ model: 'NoSuchModel' })), /Unknown model/);
  assert.equal((await store.outbox.listEntries()).length, 1);
  assert.ok(await store.get('Site', 's3'));
});

test('items survive reopening, list open first (newest first), are decided once, and go with clear()', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  let store = openDatastore({ file, schema: exampleSchema() });
  const a = await store.reviews.add(item({ modelId: 'a' }));
  const b = await store.reviews.add(item({ modelId: 'b', kind: 'rejected' }));
  const c = await store.reviews.add(item({ modelId: 'c' }));
  await store.reviews.decide(c.id, 'keptTheirs');
  await store.close();
  store = openDatastore({ file, schema: exampleSchema() });
  t.after(() => store.close());
  assert.deepEqual(
    (await store.reviews.list()).map((r) => [r.modelId, r.state]),
    [
      ['b', 'open'],
      ['a', 'open'],
      ['c', 'keptTheirs'],
    ],
  );
  assert.equal(await store.reviews.openCount(), 2);
  const decided = await store.reviews.decide(a.id, 'keptMine');
  assert.equal(decided.state, 'keptMine');
  assert.ok(decided.decidedAt !== null);
  await assert.rejects(() => store.reviews.decide(a.id, 'keptTheirs'), /already decided/);
  await assert.rejects(() => store.reviews.decide(9999, 'keptMine'), /no review item/);
  assert.equal((await store.reviews.get(b.id))?.kind, 'rejected');
  await store.clear();
  assert.deepEqual(await store.reviews.list(), []);
});

test('bad items are refused with a clear error', async (t) => {
  const { store } = openTemp(t);
  await assert.rejects(() => store.reviews.add(item({ model: 'Nope' })), /Unknown model "Nope"/);
  await assert.rejects(() => store.reviews.add(item({ reason: '' })), /needs a reason/);
  await assert.rejects(() => store.reviews.add(item({ kind: 'lost' as never })), /kind must be one of overridden, rejected/);
});
