// The pending overwrote item of an outbox entry on real SQLite files: what a conflict retry will
// replace of another device's values is kept with its entry before the retry is sent (so a crash
// that loses the retry's answer cannot lose it), survives closing and reopening, is replaced by the
// next conflict, goes with the entry when it completes or fails, and older profile files gain the
// column in place with their entries kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotFound } from '../../../common/errors.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import type { PendingOverwrote } from '../../../main/datastore/outbox-entry.js';
import { exampleSchema, openTemp, rawRows, tempDir } from './temp-datastore.js';

const pending = (theirs: string, remoteVersion: number | null): PendingOverwrote => ({
  item: {
    kind: 'overridden',
    model: 'Site',
    modelId: 's1',
    operation: 'Update',
    fields: ['code'],
    mine: { id: 's1', code: 'theirs?' },
    theirs: { id: 's1', code: theirs, _version: remoteVersion },
    reason: 'This device’s change replaced code, which another device had changed in the meantime; their value is kept here.',
    overwrote: true,
    mutationId: 'm-1',
  },
  remoteVersion,
});

test('kept with its entry across a reopen, offered with it, replaced by the next conflict, cleared with null', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  let store = openDatastore({ file, schema: exampleSchema() });
  await store.save('Site', { id: 's1', name: 'A', code: 'mine' });
  const [entry] = await store.outbox.markManyInFlight((await store.outbox.peekSendable()).map((e) => e.id));
  assert.equal(entry.pendingOverwrote, undefined, 'none until a conflict retry');
  await store.outbox.keepPendingOverwrote(entry.id, pending('B', 5));
  await store.close(); // as a crash after the write: it is committed before the retry goes out

  store = openDatastore({ file, schema: exampleSchema() });
  t.after(() => store.close());
  await store.outbox.releaseInFlight();
  const [again] = await store.outbox.markManyInFlight((await store.outbox.peekSendable()).map((e) => e.id));
  assert.equal(again.id, entry.id);
  assert.deepEqual(again.pendingOverwrote, pending('B', 5));

  await store.outbox.keepPendingOverwrote(entry.id, pending('C', 6));
  assert.deepEqual((await store.outbox.listEntries())[0].pendingOverwrote, pending('C', 6));
  await store.outbox.keepPendingOverwrote(entry.id, null);
  assert.equal((await store.outbox.listEntries())[0].pendingOverwrote, undefined);
  await assert.rejects(store.outbox.keepPendingOverwrote(entry.id + 100, pending('D', 7)), NotFound);
});

test('completing the entry stores the item with it in one transaction; failing it drops the pending item', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's1', name: 'A', code: 'mine' });
  await store.save('Site', { id: 's2', name: 'B', code: 'other' });
  const [e1, e2] = await store.outbox.markManyInFlight((await store.outbox.peekSendable()).map((e) => e.id));
  const kept = pending('B', 5);
  await store.outbox.keepPendingOverwrote(e1.id, kept);
  await store.outbox.keepPendingOverwrote(e2.id, { ...kept, item: { ...kept.item, modelId: 's2' } });

  await store.outbox.completeEntry(e1.id, { id: 's1', name: 'A', code: 'mine', _version: 6, _lastChangedAt: 6000, _deleted: null }, [kept.item]);
  await store.outbox.failEntry(e2.id, { id: 's2', name: 'B', code: 'server', _version: 6, _lastChangedAt: 6000, _deleted: null });

  const items = await store.reviews.list();
  assert.deepEqual(
    items.map((r) => [r.modelId, r.overwrote, r.theirs?.code]),
    [['s1', true, 'B']],
  );
  assert.deepEqual(rawRows(file, 'SELECT * FROM _outpost_outbox'), []);
});

test('an older file: the outbox gains pendingOverwrote in place, its entries kept without one', async (t) => {
  const file = join(tempDir(t), 'old.db');
  const db = new Database(file);
  // The outbox as the release before this column wrote it.
  db.exec(`CREATE TABLE "_outpost_outbox" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "model" TEXT NOT NULL, "modelId" TEXT NOT NULL,
    "operation" TEXT NOT NULL, "data" TEXT NOT NULL, "condition" TEXT, "inFlight" INTEGER NOT NULL DEFAULT 0, "createdAt" INTEGER NOT NULL,
    "base" TEXT, "mutationId" TEXT, "sent" INTEGER NOT NULL DEFAULT 0)`);
  db.prepare('INSERT INTO "_outpost_outbox" (model, modelId, operation, data, inFlight, createdAt, mutationId, sent) VALUES (?, ?, ?, ?, ?, 0, ?, ?)').run(
    'Site',
    's1',
    'Update',
    '{"id":"s1","code":"x","_version":1}',
    1,
    'm-1',
    1,
  );
  db.close();

  const store = openDatastore({ file, schema: exampleSchema() });
  t.after(() => store.close());
  const columns = rawRows(file, 'PRAGMA table_info("_outpost_outbox")').map((c) => String(c.name));
  assert.ok(columns.includes('pendingOverwrote'), `columns: ${columns.join(', ')}`);
  const [entry] = await store.outbox.listEntries();
  assert.deepEqual([entry.modelId, entry.mutationId, entry.inFlight, entry.pendingOverwrote], ['s1', 'm-1', true, undefined]);
  await store.outbox.keepPendingOverwrote(entry.id, pending('B', 5));
  assert.deepEqual((await store.outbox.listEntries())[0].pendingOverwrote, pending('B', 5));
});
