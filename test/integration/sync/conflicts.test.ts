// Each server conflict strategy end to end, through two real clients and the real server:
// AUTOMERGE (Post), OPTIMISTIC_CONCURRENCY through the client's conflict handler (Note), the custom
// resolver module (Ticket), and a save condition that fails remotely.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DISCARD } from '../../../main/sync/conflict-policy.js';
import { startHarness, type Caller, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});
function client(caller: Caller, models: string[], options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(h.server.url, authOf(caller), { models, ...options });
  clients.push(c);
  return c;
}

/** Two started clients that both hold `record` of `model` (created by the first). */
async function sharedRecord(caller: Caller, model: string, record: Record<string, unknown>, options: Parameters<typeof openClient>[2] = {}) {
  const models = model === 'Post' ? ['Post', 'Comment'] : ['Note', 'Ticket'];
  const a = client(caller, models);
  const b = client(caller, models, options);
  await Promise.all([a.worker.start(), b.worker.start()]);
  const saved = await a.datastore.save(model, record);
  const id = String(saved.id);
  await drained(a);
  await waitFor(`b to receive ${model} ${id}`, async () => (await b.datastore.get(model, id))?._version === 1);
  return { a, b, id };
}

test('AUTOMERGE: offline edits on two devices converge to the server merge (lists concatenated, server scalars kept, nulls filled)', async () => {
  const { a, b, id } = await sharedRecord(h.alice, 'Post', { title: 'T', rating: 1, tags: ['x'] });
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Post', { id, title: 'A-title', tags: ['x', 'a'] });
  await b.datastore.save('Post', { id, rating: 5, tags: ['x', 'b'], status: 'ACTIVE' });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  const expected = { title: 'A-title', rating: 1, tags: ['x', 'a', 'x', 'b'], status: 'ACTIVE', _version: 3 };
  const server = (await h.gql(h.alice, `query { getPost(id: "${id}") { title rating tags status _version } }`)).body.data?.getPost;
  assert.deepEqual(server, expected);
  const pick = (r: Record<string, unknown> | undefined) => r && { title: r.title, rating: r.rating, tags: r.tags, status: r.status, _version: r._version };
  assert.deepEqual(pick(await b.datastore.get('Post', id)), expected, 'b took the merged answer');
  await waitFor('a to receive the merge', async () => (await a.datastore.get('Post', id))?._version === 3);
  assert.deepEqual(pick(await a.datastore.get('Post', id)), expected);
});

test('OPTIMISTIC_CONCURRENCY: the default handler re-sends the local change on the server version; the conflict is logged and emitted', async () => {
  const { a, b, id } = await sharedRecord(h.key, 'Note', { text: 'n', count: 0 });
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Note', { id, count: 1 });
  await b.datastore.save('Note', { id, text: 'b' });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  const server = (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version } }`)).body.data?.getNote;
  assert.deepEqual(server, { text: 'b', count: 1, _version: 3 });
  const local = await b.datastore.get('Note', id);
  assert.deepEqual([local?.text, local?.count, local?._version], ['b', 1, 3]);
  const conflicts = await b.datastore.conflicts.listConflicts({ model: 'Note' });
  assert.equal(conflicts.length, 1);
  assert.equal(conflicts[0].resolution, 'retried');
  assert.equal(conflicts[0].remote?._version, 2);
  assert.deepEqual(conflicts[0].local, { id, text: 'b', _version: 1 });
  const event = b.events.find((e) => e.type === 'conflict');
  assert.equal(event?.type === 'conflict' && event.data.attempts, 1);
  await waitFor('a to converge', async () => (await a.datastore.get('Note', id))?._version === 3);
  assert.equal((await a.datastore.get('Note', id))?.text, 'b');
});

test('OPTIMISTIC_CONCURRENCY: a handler answering DISCARD makes the device take the server record', async () => {
  const seen: unknown[] = [];
  const { a, b, id } = await sharedRecord(
    h.key,
    'Note',
    { text: 'keep', count: 0 },
    {
      conflictHandler: (conflict) => {
        seen.push(conflict);
        return DISCARD;
      },
    },
  );
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Note', { id, text: 'server wins' });
  await b.datastore.save('Note', { id, text: 'lost', count: 7 });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  const local = await b.datastore.get('Note', id);
  assert.deepEqual([local?.text, local?.count, local?._version], ['server wins', 0, 2]);
  assert.equal(seen.length, 1);
  const conflict = seen[0] as { model: string; localModel: unknown; remoteModel: Record<string, unknown>; operation: string; attempts: number };
  assert.deepEqual(
    { ...conflict, remoteModel: undefined },
    { model: 'Note', localModel: { id, text: 'lost', count: 7, _version: 1 }, remoteModel: undefined, operation: 'UPDATE', attempts: 1 },
  );
  assert.deepEqual([conflict.remoteModel.text, conflict.remoteModel.count, conflict.remoteModel._version], ['server wins', 0, 2]);
  const [logged] = await b.datastore.conflicts.listConflicts({ model: 'Note' });
  assert.equal(logged.resolution, 'discarded:handler');
  const server = (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version } }`)).body.data?.getNote;
  assert.deepEqual(server, { text: 'server wins', count: 0, _version: 2 }, 'nothing of the discarded edit reached the server');
});

test('custom resolver: the server resolves the conflict and both devices take its record', async () => {
  const { a, b, id } = await sharedRecord(h.key, 'Ticket', { title: 'base', priority: 1 });
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Ticket', { id, title: 'a' });
  await b.datastore.save('Ticket', { id, title: 'b', priority: 4 });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  const server = (await h.gql(h.key, `query { getTicket(id: "${id}") { title priority _version } }`)).body.data?.getTicket;
  assert.deepEqual(server, { title: 'a+b', priority: 4, _version: 3 });
  const local = await b.datastore.get('Ticket', id);
  assert.deepEqual([local?.title, local?.priority, local?._version], ['a+b', 4, 3]);
  await waitFor('a to converge', async () => (await a.datastore.get('Ticket', id))?.title === 'a+b');
});

test('a condition that fails on the server: entry removed, local row restored, error event names record, values and why', async () => {
  const { a, b, id } = await sharedRecord(h.key, 'Note', { text: 'cond', count: 1 });
  await b.worker.stop();
  await a.datastore.save('Note', { id, count: 2 });
  await drained(a);
  // a has count 2 and version 2; this save's condition is checked against the server's state.
  await a.datastore.save('Note', { id, text: 'guarded' }, { condition: { field: 'count', op: 'eq', value: 1 } });
  await drained(a);
  const local = await a.datastore.get('Note', id);
  assert.deepEqual([local?.text, local?.count, local?._version], ['cond', 2, 2], 'local row back to the server state');
  const error = a.events.find((e) => e.type === 'error');
  assert.ok(error?.type === 'error');
  assert.equal(error.data.errorType, 'ConditionalCheckFailedException');
  assert.equal(error.data.recordId, id);
  assert.equal(error.data.model, 'Note');
  assert.deepEqual(error.data.localModel, { id, text: 'guarded', _version: 2 });
  assert.match(error.data.message, /rejected \(ConditionalCheckFailed\)/);
  const server = (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version } }`)).body.data?.getNote;
  assert.deepEqual(server, { text: 'cond', count: 2, _version: 2 });
});

test('a handler that never resolves the conflict is given up after 10 attempts: server state kept, error reported', async () => {
  let calls = 0;
  const { a, b, id } = await sharedRecord(
    h.key,
    'Note',
    { text: 'stubborn', count: 0 },
    {
      // Always answers with a stale version, so every retry conflicts again.
      conflictHandler: ({ localModel }) => {
        calls++;
        return { ...localModel, _version: 1 };
      },
    },
  );
  await b.worker.stop();
  await a.datastore.save('Note', { id, text: 'server' });
  await drained(a);
  await b.datastore.save('Note', { id, text: 'never lands' });
  await b.worker.start();
  await drained(b);
  assert.equal(calls, 10);
  const local = await b.datastore.get('Note', id);
  assert.deepEqual([local?.text, local?._version], ['server', 2]);
  const conflicts = await b.datastore.conflicts.listConflicts({ model: 'Note' });
  assert.equal(conflicts.length, 11);
  assert.equal(conflicts[0].resolution, 'discarded:attemptsExhausted');
  const error = b.events.find((e) => e.type === 'error');
  assert.ok(error?.type === 'error' && /given up after 11 conflict/.test(error.data.message), JSON.stringify(error));
});

test('a rejected (poison) entry never blocks the entries behind it, even one mutation at a time', async () => {
  const { b, id } = await sharedRecord(h.key, 'Note', { text: 'poison', count: 1 }, { maxConcurrentMutations: 1 });
  await b.worker.stop();
  await b.datastore.save('Note', { id, text: 'rejected' }, { condition: { field: 'count', op: 'eq', value: 42 } });
  const others: string[] = [];
  for (let i = 0; i < 5; i++) others.push(String((await b.datastore.save('Note', { text: `behind ${i}` })).id));
  await b.worker.start();
  await drained(b);
  for (const other of others) assert.equal((await b.datastore.get('Note', other))?._version, 1);
  assert.equal((await b.datastore.get('Note', id))?.text, 'poison');
  assert.equal(b.events.filter((e) => e.type === 'error').length, 1);
});
