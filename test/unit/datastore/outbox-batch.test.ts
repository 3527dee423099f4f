// The outbox's batch operations used by the sync worker to drain with one commit per batch:
// markManyInFlight (skips what cannot be marked) and completeEntries (one savepoint per completion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFound } from '../../../common/errors.js';
import { openTemp, rawOutbox } from './temp-datastore.js';

test('markManyInFlight marks every sendable entry at once and skips the ones that cannot be sent', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 'a', name: 'A' });
  await store.save('Site', { id: 'b', name: 'B' });
  const [a, b] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(a.id);
  await store.save('Site', { id: 'a', name: 'A2' }); // a second entry behind the one in flight
  const later = (await store.outbox.listEntries({ modelId: 'a' }))[1];
  const marked = await store.outbox.markManyInFlight([b.id, later.id, 999]);
  assert.deepEqual(
    marked.map((e) => [e.modelId, e.inFlight]),
    [['b', true]],
  );
  assert.deepEqual(
    rawOutbox(file).map((e) => `${e.modelId}:${e.inFlight}`),
    ['a:1', 'b:1', 'a:0'],
  );
  assert.deepEqual(await store.outbox.markManyInFlight([]), []);
});

test('completeEntries commits the good completions and reports the refused ones alone', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { id: 'a', name: 'A' });
  await store.save('Site', { id: 'b', name: 'B' });
  await store.save('Site', { id: 'c', name: 'C' });
  const [a, b, c] = await store.outbox.markManyInFlight((await store.outbox.peekSendable()).map((e) => e.id));
  const events: string[] = [];
  const subscription = store.observe('Site').subscribe((event) => events.push(`${event.opType} ${String(event.element.id)}`));
  t.after(() => subscription());
  const outcomes = await store.outbox.completeEntries([
    { id: a.id, serverRecord: { id: 'a', name: 'A', _version: 1, _lastChangedAt: 10, _deleted: null } },
    { id: b.id, serverRecord: { id: 'not-b', name: 'B', _version: 1, _lastChangedAt: 10, _deleted: null } },
    { id: 4242, serverRecord: { id: 'x', _version: 1 } },
    { id: c.id, serverRecord: { id: 'c', name: 'C', _version: 1, _lastChangedAt: 10, _deleted: null } },
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [true, false, false, true],
  );
  assert.match(String(outcomes[1].ok ? '' : outcomes[1].error), /another record/);
  assert.ok(!outcomes[2].ok && outcomes[2].error instanceof NotFound);
  assert.deepEqual(
    rawOutbox(file).map((e) => e.modelId),
    ['b'],
    'only the refused entry stays queued',
  );
  assert.equal((await store.get('Site', 'a'))?._version, 1);
  assert.equal((await store.get('Site', 'c'))?._version, 1);
  assert.equal((await store.get('Site', 'b'))?._version ?? null, null, 'b was not merged');
  assert.deepEqual(events.sort(), ['UPDATE a', 'UPDATE c']);
});
