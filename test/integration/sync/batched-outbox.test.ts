// The outbox sends mutations started together in one request (mutation-batch.ts), against the real
// server: every mutation of a batch gets its own outcome — accepted, a conflict through the
// conflict handler, a condition that fails remotely — exactly as if each had been sent alone; and a
// batch the server refuses as a whole is resent one mutation per request, so nothing is lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
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

interface SentRequest {
  readonly mutations: number;
  readonly status: number;
  readonly errors: ReadonlyArray<{ message: string; path?: unknown }>;
}

/** A fetch that records every mutation request (how many root fields it carried) and its answer. */
function recordingFetch(sent: SentRequest[], rewrite: (body: { query: string; variables: Record<string, unknown> }) => void = () => undefined): typeof fetch {
  return async (input, init) => {
    const text = typeof init?.body === 'string' ? init.body : null;
    const body = text === null ? null : (JSON.parse(text) as { query: string; variables: Record<string, unknown> });
    if (body === null || !body.query.startsWith('mutation')) return fetch(input, init);
    rewrite(body);
    const response = await fetch(input, { ...init, body: JSON.stringify(body) });
    const answer = (await response.clone().json()) as { errors?: SentRequest['errors'] };
    sent.push({
      mutations: (body.query.match(/\((input|condition): \$/g) ?? []).filter((m) => m.startsWith('(input')).length,
      status: response.status,
      errors: answer.errors ?? [],
    });
    return response;
  };
}

function client(options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(h.server.url, authOf(h.key), { models: ['Note'], ...options });
  clients.push(c);
  return c;
}

test('a batch carries accepted creates, a conflict and a failed condition; each gets its own outcome', async () => {
  const other = client();
  await other.worker.start();
  const conflicted = await other.datastore.save('Note', { text: 'base', count: 0 });
  const guarded = await other.datastore.save('Note', { text: 'guarded', count: 1 });
  await drained(other);

  const sent: SentRequest[] = [];
  const device = client({ fetch: recordingFetch(sent), maxConcurrentMutations: 32, maxMutationsPerRequest: 8 });
  await device.worker.start();
  await waitFor('the device to hold both records', async () => (await device.datastore.get('Note', String(guarded.id)))?._version === 1);
  await device.worker.stop();

  // While the device is offline the other one moves both records on.
  await other.datastore.save('Note', { id: conflicted.id, text: 'theirs' });
  await other.datastore.save('Note', { id: guarded.id, count: 5 });
  await drained(other);

  await device.datastore.save('Note', { id: conflicted.id, count: 9 });
  await device.datastore.save('Note', { id: guarded.id, text: 'only if count is 1' }, { condition: { field: 'count', op: 'eq', value: 1 } });
  const created: string[] = [];
  for (let i = 0; i < 20; i++) created.push(String((await device.datastore.save('Note', { text: `offline ${i}`, count: i })).id));

  await device.worker.start();
  await drained(device);

  // Fewer requests than mutations: they travelled together.
  const mutations = sent.reduce((n, r) => n + r.mutations, 0);
  assert.ok(
    sent.some((r) => r.mutations > 1),
    `some request carried several mutations: ${JSON.stringify(sent.map((r) => r.mutations))}`,
  );
  assert.ok(sent.length < mutations, `${sent.length} requests for ${mutations} mutations`);

  for (const [i, id] of created.entries()) {
    const server = (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version } }`)).body.data?.getNote;
    assert.deepEqual(server, { text: `offline ${i}`, count: i, _version: 1 });
  }
  // The conflict went through the default handler: the local change re-sent on the server version.
  const merged = (await h.gql(h.key, `query { getNote(id: "${conflicted.id}") { text count _version } }`)).body.data?.getNote;
  assert.deepEqual(merged, { text: 'theirs', count: 9, _version: 3 });
  // Both edits met a newer version first (the guarded one then failed its condition on the retry).
  const conflicts = await device.datastore.conflicts.listConflicts({ model: 'Note' });
  assert.deepEqual(conflicts.map((c) => c.modelId).sort(), [String(conflicted.id), String(guarded.id)].sort());
  // The condition failed on the server: the local row is back to the server's state, and said so.
  const restored = await device.datastore.get('Note', String(guarded.id));
  assert.deepEqual([restored?.text, restored?.count, restored?._version], ['guarded', 5, 2]);
  const error = device.events.find((e) => e.type === 'error');
  assert.ok(error?.type === 'error' && error.data.recordId === guarded.id && /ConditionalCheckFailed/.test(error.data.errorType ?? ''), JSON.stringify(error));
});

test('a batch refused as a whole (a variable the server cannot coerce) is resent one mutation per request', async () => {
  const sent: SentRequest[] = [];
  let spoiled = false;
  // Spoil one variable of the first batch only: the server refuses the whole document with an
  // error naming no root field. The resends are built afresh from the outbox, unspoiled.
  const device = client({
    fetch: recordingFetch(sent, (body) => {
      if (spoiled || !('input1' in body.variables)) return;
      spoiled = true;
      (body.variables.input1 as Record<string, unknown>).count = 'not a number';
    }),
    maxConcurrentMutations: 4,
    maxMutationsPerRequest: 4,
  });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(String((await device.datastore.save('Note', { text: `r${i}`, count: i })).id));
  await device.worker.start();
  await drained(device);

  assert.ok(spoiled, 'a batch was sent');
  const refused = sent.findIndex((r) => r.mutations > 1);
  assert.ok(refused >= 0 && sent[refused].errors.length > 0 && sent[refused].errors.every((e) => e.path == null), JSON.stringify(sent[refused]));
  assert.deepEqual(
    sent.slice(refused + 1, refused + 5).map((r) => [r.mutations, r.errors.length]),
    [
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
    ],
    'then each mutation alone, all accepted',
  );
  for (const [i, id] of ids.entries()) {
    const server = (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version } }`)).body.data?.getNote;
    assert.deepEqual(server, { text: `r${i}`, count: i, _version: 1 });
  }
  assert.equal(device.events.filter((e) => e.type === 'error').length, 0, 'nothing was reported as rejected');
});
