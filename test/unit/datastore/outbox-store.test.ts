// The outbox through the store: coalescing (PROTOCOL.md §4.2) case by case, and the sync worker's
// surface (peek / in-flight / complete / fail / release, version propagation §4.3, events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFound } from '../../../common/errors.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import type { OutboxEvent } from '../../../main/datastore/change-events.js';
import { openTemp, rawOutbox } from './temp-datastore.js';

/** Sends and completes every queued entry as if the server echoed it with `_version` = version. */
async function syncAll(store: Datastore, version = 1): Promise<void> {
  for (const entry of await store.outbox.peekSendable(100)) {
    await store.outbox.markInFlight(entry.id);
    const current = await store.get(entry.model, entry.modelId);
    await store.outbox.completeEntry(entry.id, { ...current, ...entry.data, _version: version, _lastChangedAt: version * 1000, _deleted: null });
  }
}

const ops = (file: string): string[] => rawOutbox(file).map((e) => `${e.operation} ${e.modelId}`);

test('coalescing: Create + Update → one Create with the latest values', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A', code: 'c' });
  await store.save('Site', { id: 's', name: 'B' }, { condition: { field: 'name', op: 'eq', value: 'A' } });
  const outbox = rawOutbox(file);
  assert.deepEqual(ops(file), ['Create s']);
  assert.equal(outbox[0].data.name, 'B');
  assert.equal(outbox[0].data.code, 'c');
  assert.equal(outbox[0].condition, null, 'the incoming condition is ignored on a pending create');
});

test('coalescing: Create + Delete → nothing queued', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await store.save('Site', { id: 's', name: 'B' });
  await store.delete('Site', 's');
  assert.deepEqual(ops(file), []);
});

test('coalescing: Update + Update → one merged Update at the tail; Update + Delete → one Delete', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await store.save('Site', { id: 'other', name: 'O' });
  await syncAll(store, 4);
  await store.save('Site', { id: 's', name: 'B' });
  await store.save('Site', { id: 'other', name: 'O2' });
  await store.save('Site', { id: 's', code: 'k' });
  assert.deepEqual(ops(file), ['Update other', 'Update s'], 'merged entry moved to the tail');
  assert.deepEqual(rawOutbox(file)[1].data, { id: 's', name: 'B', code: 'k', _version: 4 });
  await store.delete('Site', 's');
  assert.deepEqual(ops(file), ['Update other', 'Delete s']);
  assert.equal(rawOutbox(file)[1].data._version, 4);
});

test('coalescing: a conditional Update after a queued Update is appended unmerged', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await syncAll(store, 2);
  await store.save('Site', { id: 's', name: 'B' });
  const condition = { field: 'name', op: 'eq', value: 'B' } as const;
  await store.save('Site', { id: 's', code: 'x' }, { condition });
  const outbox = rawOutbox(file);
  assert.deepEqual(ops(file), ['Update s', 'Update s']);
  assert.deepEqual(outbox[1].data, { id: 's', code: 'x', _version: 2 });
  assert.deepEqual(outbox[1].condition, condition);
});

test('coalescing never touches the in-flight entry', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  const [create] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(create.id);
  await store.save('Site', { id: 's', name: 'B' });
  await store.save('Site', { id: 's', code: 'c' });
  const outbox = rawOutbox(file);
  assert.equal(outbox.length, 2);
  assert.equal(outbox[0].id, create.id);
  assert.equal(outbox[0].inFlight, 1);
  assert.equal(outbox[0].data.name, 'A', 'in-flight data unchanged');
  assert.deepEqual({ op: outbox[1].operation, name: outbox[1].data.name, code: outbox[1].data.code }, { op: 'Update', name: 'B', code: 'c' });
  // Deleting while the create is in flight must queue a real delete.
  await store.delete('Site', 's');
  assert.deepEqual(ops(file), ['Create s', 'Delete s']);
});

test('peekSendable: oldest entry per record, several records, nothing for a record with an entry in flight', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 'a', name: 'A' });
  await store.save('Site', { id: 'b', name: 'B' });
  await syncAll(store);
  await store.save('Site', { id: 'a', name: 'A2' });
  await store.save('Site', { id: 'a', code: 'x' }, { condition: { field: 'name', op: 'eq', value: 'A2' } });
  await store.save('Site', { id: 'b', name: 'B2' });
  await store.save('Site', { id: 'c', name: 'C' });
  let sendable = await store.outbox.peekSendable();
  assert.deepEqual(
    sendable.map((e) => `${e.modelId}:${e.operation}`),
    ['a:Update', 'b:Update', 'c:Create'],
  );
  assert.deepEqual(sendable[0].data, { id: 'a', name: 'A2', _version: 1 });
  assert.deepEqual(
    (await store.outbox.peekSendable(2)).map((e) => e.modelId),
    ['a', 'b'],
  );
  await store.outbox.markInFlight(sendable[0].id);
  await store.outbox.markInFlight(sendable[2].id);
  sendable = await store.outbox.peekSendable();
  assert.deepEqual(
    sendable.map((e) => e.modelId),
    ['b'],
    'a and c have an entry in flight',
  );
  // Order per record is enforced.
  const [, second] = await store.outbox.listEntries({ model: 'Site', modelId: 'a' });
  await assert.rejects(store.outbox.markInFlight(second.id), /already has an entry in flight/);
  await assert.rejects(store.outbox.markInFlight(999), NotFound);
  // Crash recovery.
  assert.equal(await store.outbox.releaseInFlight(), 2);
  assert.deepEqual(
    (await store.outbox.peekSendable()).map((e) => e.modelId),
    ['a', 'b', 'c'],
  );
});

test('completeEntry: echoed values → later entries get the server _version; nothing else queued → row merged', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { id: 's', name: 'A' });
  const [create] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(create.id);
  await store.save('Site', { id: 's', name: 'B' });
  const events: string[] = [];
  store.observe('Site').subscribe((e) => events.push(e.opType));
  const server = {
    ...site,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    owner: 'u::alice',
    _version: 1,
    _lastChangedAt: 111,
    _deleted: null,
  };
  const result = await store.outbox.completeEntry(create.id, server);
  assert.deepEqual(result, { merged: false, versionsPropagated: 1 });
  const [update] = rawOutbox(file);
  assert.deepEqual(update.data, { id: 's', name: 'B', _version: 1, _lastChangedAt: 111 });
  assert.equal((await store.get('Site', 's'))?.name, 'B', 'local row keeps the queued edit');
  assert.deepEqual(events, [], 'no merge while more is queued');

  await store.outbox.markInFlight(update.id);
  const done = await store.outbox.completeEntry(update.id, { ...server, name: 'B', _version: 2, _lastChangedAt: 222 });
  assert.deepEqual(done, { merged: true, versionsPropagated: 0 });
  const row = await store.get('Site', 's');
  assert.equal(row?._version, 2);
  assert.equal(row?.owner, 'u::alice');
  assert.equal(row?.createdAt, '2026-01-01T00:00:00.000Z');
  assert.deepEqual(events, ['UPDATE']);
  assert.equal(await store.outbox.outboxCount(), 0);
});

test('completeEntry: server changed the values (automerge) → versions not propagated', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await syncAll(store, 1);
  await store.save('Site', { id: 's', name: 'B' });
  const [first] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(first.id);
  await store.save('Site', { id: 's', code: 'k' });
  const result = await store.outbox.completeEntry(first.id, { id: 's', name: 'Merged by server', _version: 3, _lastChangedAt: 9, _deleted: null });
  assert.equal(result.versionsPropagated, 0);
  assert.equal(rawOutbox(file)[0].data._version, 1);
});

test('completeEntry of a delete applies the tombstone; a server record for another id is refused', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await syncAll(store, 1);
  await store.delete('Site', 's');
  const [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  await assert.rejects(store.outbox.completeEntry(entry.id, { id: 'other', _version: 2 }), /another record/);
  await store.outbox.completeEntry(entry.id, { id: 's', name: 'A', _version: 2, _lastChangedAt: 5, _deleted: true });
  assert.equal(await store.get('Site', 's'), undefined);
  assert.equal(await store.outbox.outboxCount(), 0);
});

test('failEntry restores the server state, or deletes a record the server never had', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  await syncAll(store, 1);
  await store.save('Site', { id: 's', name: 'rejected edit' });
  let [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  const events: string[] = [];
  store.observe('Site').subscribe((e) => events.push(`${e.opType} ${e.element.name}`));
  assert.deepEqual(await store.outbox.failEntry(entry.id, { id: 's', name: 'server name', _version: 5, _lastChangedAt: 50, _deleted: null }), {
    restored: true,
  });
  assert.equal((await store.get('Site', 's'))?.name, 'server name');
  assert.deepEqual(events, ['UPDATE server name']);

  await store.save('Site', { id: 'new', name: 'never accepted' });
  [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  await store.outbox.failEntry(entry.id, null);
  assert.equal(await store.get('Site', 'new'), undefined);
  assert.equal(await store.outbox.outboxCount(), 0);

  // With a later edit queued, the row keeps the user's newer state.
  await store.save('Site', { id: 's', name: 'one' });
  [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  await store.save('Site', { id: 's', name: 'two' });
  assert.deepEqual(await store.outbox.failEntry(entry.id, null), { restored: false });
  assert.equal((await store.get('Site', 's'))?.name, 'two');
  assert.equal(await store.outbox.outboxCount(), 1);
});

test('outboxMutationEnqueued is emitted after each queued local change', async (t) => {
  const { store } = openTemp(t);
  const events: OutboxEvent[] = [];
  store.onOutboxEvent((e) => events.push(e));
  const site = await store.save('Site', { name: 'A' });
  await store.save('Site', { id: site.id, name: 'A' }); // no change → no event
  await store.delete('Site', String(site.id));
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.model} ${e.element.id === site.id}`),
    ['outboxMutationEnqueued Site true', 'outboxMutationEnqueued Site true'],
  );
});

test('re-creating a record while its Delete is queued queues one Update with the new values', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A', code: 'old' });
  await syncAll(store, 3);
  await store.delete('Site', 's');
  await store.save('Site', { id: 's', name: 'B' });
  const outbox = rawOutbox(file);
  assert.deepEqual(ops(file), ['Update s']);
  assert.equal(outbox[0].data.name, 'B');
  assert.equal(outbox[0].data.code, null);
  assert.equal(outbox[0].data._version, 3);
  assert.equal((await store.get('Site', 's'))?.name, 'B');
});

test('an entry left in flight by a crash is still queued after reopening and released by releaseInFlight', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 's', name: 'A' });
  const [entry] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(entry.id);
  await store.close();
  const { openDatastore } = await import('../../../main/datastore/datastore.js');
  const { exampleSchema } = await import('./temp-datastore.js');
  const again = openDatastore({ file, schema: exampleSchema() });
  t.after(() => again.close());
  assert.deepEqual(await again.outbox.peekSendable(), [], 'still marked in flight');
  assert.equal(await again.outbox.releaseInFlight(), 1);
  const [released] = await again.outbox.peekSendable();
  // Once on the wire an entry is marked sent for good (never coalesced into again: its mutation id may be applied).
  assert.deepEqual({ ...released, inFlight: true }, { ...entry, inFlight: true, sent: true });
  assert.equal(released.inFlight, false);
});
