// Nothing lost without a trace, end to end: real clients (datastore + sync worker) against the real
// Outpost server. AUTOMERGE keeps the server's scalars → the loser's values are an overridden review
// item on its device and "keep mine" gets them onto the server; a 1.4 MB create the server refuses is
// removed locally but kept, with its reason, in a review item that survives a restart of the client;
// the OPTIMISTIC_CONCURRENCY retry that overwrites another device's value leaves that value in a
// review item on the overwriting device, and "keep theirs" restores it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord } from '../../../common/schema/types.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { resolutionPlan, type ReviewChoice } from '../../../main/sync/review-resolution.js';
import { startHarness, type Caller, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, testSchema, waitFor, type TestClient } from './sync-clients.js';

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

/** Decides review item `id` as the app core does: the plan's edit through the datastore, then the decision. */
async function resolve(datastore: Datastore, id: number, choice: ReviewChoice): Promise<void> {
  const item = (await datastore.reviews.get(id))!;
  const model = testSchema.models[item.model];
  const key = Object.fromEntries(model.primaryKey.map((k) => [k, item.mine[k] ?? item.theirs?.[k]]));
  const plan = resolutionPlan(model, item, choice, await datastore.get(item.model, key));
  if (plan.kind === 'save') await datastore.save(item.model, plan.record);
  else if (plan.kind === 'delete') await datastore.delete(item.model, key);
  await datastore.reviews.decide(id, choice === 'keepMine' ? 'keptMine' : 'keptTheirs');
}

async function serverRecord(caller: Caller, model: string, id: string, fields: string): Promise<ModelRecord | null | undefined> {
  const body = (await h.gql(caller, `query { get${model}(id: "${id}") { ${fields} } }`)).body;
  return body.data?.[`get${model}`] as ModelRecord | null | undefined;
}

async function shared(caller: Caller, model: 'Post' | 'Note', record: ModelRecord): Promise<{ a: TestClient; b: TestClient; id: string }> {
  const models = model === 'Post' ? ['Post', 'Comment'] : ['Note'];
  const a = client(caller, models);
  const b = client(caller, models);
  await Promise.all([a.worker.start(), b.worker.start()]);
  const id = String((await a.datastore.save(model, record)).id);
  await drained(a);
  await waitFor(`b to receive ${model} ${id}`, async () => (await b.datastore.get(model, id))?._version === 1);
  return { a, b, id };
}

test('AUTOMERGE: the values of the device that synced second are an overridden review item, recoverable with keep mine', async () => {
  const { a, b, id } = await shared(h.alice, 'Post', { title: 'T', rating: 1, tags: ['x'], meta: { a: 'a0', b: ['m'] } });
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Post', { id, title: 'A-title', meta: { a: 'A', b: ['m'] }, tags: ['x', 'a'] });
  await b.datastore.save('Post', { id, title: 'B-title', rating: 5 });
  await b.worker.start();
  await drained(b);
  await a.worker.start();
  await drained(a);

  // The server kept B's title and its own meta.a (AUTOMERGE: the server's scalars win), and
  // concatenated the lists; the bar would say "synced", but A's inbox says what happened.
  assert.deepEqual(await serverRecord(h.alice, 'Post', id, 'title rating tags meta { a b } _version'), {
    title: 'B-title',
    rating: 5,
    tags: ['x', 'x', 'a'],
    meta: { a: 'a0', b: ['m', 'm'] },
    _version: 3,
  });
  assert.deepEqual(await b.datastore.reviews.list(), [], 'B synced first: nothing of its edit was lost');
  const [item, ...more] = await a.datastore.reviews.list();
  assert.equal(more.length, 0);
  assert.equal(item.kind, 'overridden');
  assert.deepEqual([...item.fields].sort(), ['meta', 'tags', 'title']);
  assert.deepEqual(item.mine, { id, title: 'A-title', meta: { a: 'A', b: ['m'] }, tags: ['x', 'a'] });
  assert.equal(item.theirs?.title, 'B-title');
  assert.equal(item.baseVersion, 1);
  assert.match(item.reason, /Another device changed title and meta first; the server kept their values/);
  assert.equal((await a.datastore.get('Post', id))?.title, 'B-title', 'the local row shows the server state');

  await resolve(a.datastore, item.id, 'keepMine');
  await drained(a);
  assert.deepEqual(await serverRecord(h.alice, 'Post', id, 'title rating tags meta { a b } _version'), {
    title: 'A-title',
    rating: 5,
    tags: ['x', 'a'],
    meta: { a: 'A', b: ['m'] },
    _version: 4,
  });
  const [decided] = await a.datastore.reviews.list();
  assert.equal(decided.state, 'keptMine');
  assert.equal(await a.datastore.reviews.openCount(), 0);
  assert.deepEqual(await a.datastore.reviews.list({ state: 'open' }), [], 'the keep-mine edit was accepted as sent: no new item');
  await waitFor('b to receive the recovered values', async () => (await b.datastore.get('Post', id))?.title === 'A-title');
});

test('a 1.4 MB create the server refuses: the row goes, the review item keeps it with the reason, also after a restart', async () => {
  const a = client(h.alice, ['Post', 'Comment']);
  await a.worker.start();
  const saved = await a.datastore.save('Post', { title: 'é'.repeat(700_000), rating: 3 });
  const id = String(saved.id);
  await drained(a);
  assert.equal(await a.datastore.get('Post', id), undefined, 'the server never had it: removed locally');
  assert.equal(await serverRecord(h.alice, 'Post', id, 'id'), null);
  const error = a.events.find((e) => e.type === 'error');
  assert.ok(error?.type === 'error', 'the error event is still emitted');

  await a.close();
  const reopened = openDatastore({ file: a.file, schema: testSchema });
  try {
    const [item] = await reopened.reviews.list();
    assert.equal(item.kind, 'rejected');
    assert.equal(item.operation, 'Create');
    assert.equal(item.modelId, id);
    assert.equal((item.mine.title as string).length, 700_000);
    assert.equal(item.mine.rating, 3);
    assert.equal(item.theirs, null);
    assert.equal(item.errorType, 'PayloadTooLargeException');
    assert.match(item.reason, /^The server refused this change: the record is larger than the [\d.]+ (KB|MB) the server accepts \(1\.3 MB\)\.$/);
    assert.equal(await reopened.reviews.openCount(), 1);

    // Edit and resubmit: keep mine with a shorter title saves it again as a new create.
    const plan = resolutionPlan(testSchema.models.Post, item, 'keepMine', await reopened.get('Post', id), { ...item.mine, title: 'short' });
    assert.equal(plan.kind, 'save');
    if (plan.kind === 'save') await reopened.save('Post', plan.record);
    const [entry] = await reopened.outbox.listEntries();
    assert.equal(entry.operation, 'Create');
    assert.equal(entry.data.title, 'short');
  } finally {
    await reopened.close();
  }
});

test("OPTIMISTIC_CONCURRENCY: the default retry overwrites the other device's value → a review item on the overwriting device; keep theirs restores it", async () => {
  const { a, b, id } = await shared(h.key, 'Note', { text: 'n', count: 0 });
  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Note', { id, text: 'from A', count: 1 });
  await b.datastore.save('Note', { id, text: 'from B' });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  assert.deepEqual(await serverRecord(h.key, 'Note', id, 'text count _version'), { text: 'from B', count: 1, _version: 3 }, 'client wins');
  assert.deepEqual(await a.datastore.reviews.list(), []);
  const [item] = await b.datastore.reviews.list();
  assert.ok(item, 'the overwriting device shows what it replaced');
  assert.equal(item.kind, 'overridden');
  assert.deepEqual(item.fields, ['text'], 'count was not touched by B');
  assert.equal(item.mine.text, 'from B');
  assert.equal(item.theirs?.text, 'from A');
  assert.match(item.reason, /replaced text, which another device had changed/);
  assert.equal((await b.datastore.conflicts.listConflicts({ model: 'Note' }))[0]?.resolution, 'retried', 'the conflict log keeps the history');

  await resolve(b.datastore, item.id, 'keepTheirs');
  await drained(b);
  assert.deepEqual(await serverRecord(h.key, 'Note', id, 'text count _version'), { text: 'from A', count: 1, _version: 4 });
});
