// The outbox processor's "nothing lost" paths on a real datastore (temp SQLite file) with a fake
// transport that answers like the server would: a merged item, ConflictUnhandled, a failed
// condition, PayloadTooLarge, and an answer lost after the write was applied (with and without
// idempotent resend). Asserts what lands in the review inbox, the outbox and the local row.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord } from '../../../common/schema/types.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { defaultConflictHandler } from '../../../main/sync/conflict-policy.js';
import type { GraphqlAnswer } from '../../../main/sync/mutation-outcome.js';
import { OutboxProcessor } from '../../../main/sync/outbox-processor.js';
import { alreadyAppliedVerdict } from '../../../main/sync/core/uncertain-verdict.js';
import type { MutationRoute } from '../../../main/sync/core/mutation-route.js';
import { ServerCapabilities } from '../../../main/sync/server-capabilities.js';
import { SyncEvents } from '../../../main/sync/sync-events.js';
import { join } from 'node:path';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { exampleSchema, tempDir } from '../datastore/temp-datastore.js';

const processors = new WeakMap<Datastore, OutboxProcessor[]>();

/** A datastore on a temp file; after the test its processors stop before it closes. */
function openTemp(t: TestContext): { store: Datastore } {
  const store = openDatastore({ file: join(tempDir(t), 'outpost.db'), schema: exampleSchema() });
  processors.set(store, []);
  t.after(async () => {
    for (const p of processors.get(store) ?? []) await p.stop();
    await store.close();
  });
  return { store };
}

interface Sent {
  readonly field: string;
  readonly input: ModelRecord;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
}

/** A fake server: `answer` decides each mutation; `records` is what a `get` finds. */
class FakeServer {
  readonly sent: Sent[] = [];
  readonly records = new Map<string, ModelRecord>();
  gets = 0;
  constructor(public answer: (field: string, input: ModelRecord, n: number) => GraphqlAnswer) {}

  mutate = async (
    query: string,
    variables: Record<string, unknown>,
    _signal: AbortSignal,
    _route: MutationRoute,
    extensions?: Readonly<Record<string, unknown>>,
  ): Promise<GraphqlAnswer> => {
    const field = /\{\s*(\w+)\(/.exec(query)?.[1] ?? '?';
    const input = variables.input as ModelRecord;
    this.sent.push({ field, input, extensions });
    return this.answer(field, input, this.sent.length);
  };

  query = async (query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer> => {
    this.gets++;
    const field = /\{\s*(\w+)\(/.exec(query)?.[1] ?? '?';
    return ok(field, this.records.get(String(variables.id)) ?? null);
  };
}

function ok(field: string, record: ModelRecord | null): GraphqlAnswer {
  return { data: { [field]: record }, errors: [], networkError: null, httpStatus: 200 };
}
function error(errorType: string, message: string, data: ModelRecord | null = null, httpStatus = 200): GraphqlAnswer {
  return { data: null, errors: [{ errorType, message, data }], networkError: null, httpStatus };
}
const lost: GraphqlAnswer = { data: null, errors: [], networkError: 'socket hang up', httpStatus: null };

const meta = (version: number) => ({
  _version: version,
  _lastChangedAt: 1000 + version,
  _deleted: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  owner: 'u::a',
});

function processor(t: TestContext, store: Datastore, server: FakeServer, extra: { idempotent?: boolean } = {}): OutboxProcessor {
  const capabilities = new ServerCapabilities();
  if (extra.idempotent) capabilities.observe({ version: 1, capabilities: new Set(['mutationIds']), maxItemBytes: 409_600 } as never);
  const p = new OutboxProcessor({
    datastore: store,
    schema: store.schema,
    mutate: server.mutate,
    capabilities,
    query: server.query,
    events: new SyncEvents(),
    conflictHandler: defaultConflictHandler,
    maxConcurrentMutations: 4,
    maxMutationsPerRequest: 1,
    backoff: { baseMs: 1, jitterMs: 1, maxDelayMs: 5 },
    ...(extra.idempotent ? { resendIsIdempotent: () => true } : {}),
  });
  void t;
  processors.get(store)?.push(p);
  return p;
}

async function drain(store: Datastore): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await store.outbox.outboxCount()) > 0) {
    if (Date.now() > deadline) throw new Error('outbox did not drain');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A Site the server and the device both hold at version `v`. */
async function syncedSite(store: Datastore, fields: ModelRecord, v = 1): Promise<ModelRecord> {
  const record = { id: 's1', name: 'Site', code: 'C0', tags: ['x'], location: { latitude: 1, longitude: 2, accuracyMeters: 10 }, ...fields, ...meta(v) };
  await store.remote.applyRemote('Site', [record]);
  return record;
}

test('a merged answer: the values that did not survive become one overridden review item, stored with the completion', async (t) => {
  const { store } = openTemp(t);
  const server = new FakeServer((field, input) => {
    // AUTOMERGE against a stale version: the server keeps its code and accuracy, concatenates tags.
    return ok(field, {
      id: 's1',
      name: 'Site',
      code: 'B-code',
      tags: ['x', 'b', ...(input.tags as string[])],
      location: { latitude: 1, longitude: 2, accuracyMeters: 10 },
      ...meta(3),
    });
  });
  await syncedSite(store, {});
  await store.save('Site', { id: 's1', code: 'A-code', location: { latitude: 1, longitude: 2, accuracyMeters: 3 }, tags: ['x', 'a'] });
  processor(t, store, server).start();
  await drain(store);
  const [item, ...others] = await store.reviews.list();
  assert.equal(others.length, 0);
  assert.equal(item.kind, 'overridden');
  assert.equal(item.operation, 'Update');
  assert.deepEqual([...item.fields].sort(), ['code', 'location', 'tags']);
  assert.deepEqual(item.mine, { id: 's1', code: 'A-code', location: { latitude: 1, longitude: 2, accuracyMeters: 3 }, tags: ['x', 'b', 'a'] });
  assert.equal(item.theirs?.code, 'B-code');
  assert.equal(item.baseVersion, 1);
  assert.match(item.reason, /Another device changed code and location first; the server kept their values/);
  assert.match(item.reason, /repeated entries in tags/);
  assert.equal(item.state, 'open');
  assert.equal((await store.get('Site', 's1'))?.code, 'B-code', 'the local row shows the server state');
});

test('an answer that echoes what was sent makes no review item', async (t) => {
  const { store } = openTemp(t);
  const server = new FakeServer((field, input) => ok(field, { id: 's1', name: 'Site', code: 'C0', tags: ['x'], location: null, ...input, ...meta(2) }));
  await syncedSite(store, {});
  await store.save('Site', { id: 's1', code: 'A', tags: ['x', 'y'] });
  processor(t, store, server).start();
  await drain(store);
  assert.deepEqual(await store.reviews.list(), []);
});

test("ConflictUnhandled + default retry: the other device's value the retry overwrites becomes an item on this device", async (t) => {
  const { store } = openTemp(t);
  const remote = { id: 's1', name: 'Other name', code: 'C0', tags: ['x'], location: null, ...meta(2) };
  const server = new FakeServer((field, input, n) =>
    n === 1 ? error('ConflictUnhandled', 'Conflict resolver rejects mutation.', remote) : ok(field, { ...remote, ...input, ...meta(3) }),
  );
  await syncedSite(store, { name: 'Site' });
  await store.save('Site', { id: 's1', name: 'My name', code: 'mine' });
  processor(t, store, server).start();
  await drain(store);
  assert.equal(server.sent.length, 2);
  assert.equal(server.sent[1].input._version, 2, 'retried on the server version');
  const [item] = await store.reviews.list();
  assert.equal(item.kind, 'overridden');
  assert.deepEqual(item.fields, ['name'], 'code was not changed by the other device');
  assert.equal(item.mine.name, 'My name');
  assert.equal(item.theirs?.name, 'Other name');
  assert.match(item.reason, /replaced name, which another device had changed/);
  assert.equal((await store.conflicts.listConflicts()).length, 1, 'the conflict log keeps its history');
});

test("ConditionalCheckFailed: a rejected item holds the device's whole version; the row shows the server's", async (t) => {
  const { store } = openTemp(t);
  const current = { id: 's1', name: 'Server', code: 'S', tags: ['x'], location: null, ...meta(4) };
  const server = new FakeServer(() => error('ConditionalCheckFailedException', 'The conditional request failed', current));
  await syncedSite(store, { name: 'Site' });
  await store.save('Site', { id: 's1', code: 'mine' }, { condition: { field: 'name', op: 'eq', value: 'Site' } });
  processor(t, store, server).start();
  await drain(store);
  const [item] = await store.reviews.list();
  assert.equal(item.kind, 'rejected');
  assert.equal(item.errorType, 'ConditionalCheckFailedException');
  assert.deepEqual(item.fields, ['code']);
  assert.equal(item.mine.code, 'mine');
  assert.equal(item.mine.name, 'Site', 'the whole version');
  assert.equal(item.mine._version, undefined, 'no metadata in mine');
  assert.match(item.reason, /no longer matched the condition/);
  assert.equal((await store.get('Site', 's1'))?.code, 'S');
});

test('PayloadTooLarge on a create: the row goes (the server never had it), the item keeps the record and names the sizes', async (t) => {
  const { store } = openTemp(t);
  const server = new FakeServer(() => error('PayloadTooLargeException', 'Site is 1468006 bytes; the limit is 409600 bytes', null, 200));
  await store.save('Site', { id: 's2', name: 'Big', code: 'é'.repeat(700_000) });
  processor(t, store, server).start();
  await drain(store);
  assert.equal(await store.get('Site', 's2'), undefined);
  const [item] = await store.reviews.list();
  assert.equal(item.kind, 'rejected');
  assert.equal(item.operation, 'Create');
  assert.equal(item.mine.name, 'Big');
  assert.equal((item.mine.code as string).length, 700_000);
  assert.equal(item.theirs, null);
  assert.equal(item.errorType, 'PayloadTooLargeException');
  assert.equal(item.reason, 'The server refused this change: the record is larger than the 400 KB the server accepts (1.3 MB).');
});

test('HTTP 413 without a GraphQL error is a refusal for size too', async (t) => {
  const { store } = openTemp(t);
  const server = new FakeServer(() => ({ data: null, errors: [], networkError: 'HTTP 413', httpStatus: 413 }));
  await store.save('Site', { id: 's3', name: 'Big' });
  processor(t, store, server).start();
  await drain(store);
  const [item] = await store.reviews.list();
  assert.match(item.reason, /larger than the 400 KB the server accepts/);
});

test('answer lost after the update was applied (no idempotent resend): the get shows a newer version, so it is completed from it and never resent', async (t) => {
  const { store } = openTemp(t);
  await syncedSite(store, { tags: ['x'] });
  const server = new FakeServer((field, input) => {
    // Applied (AUTOMERGE concatenation), then the answer is lost.
    server.records.set('s1', { id: 's1', name: 'Site', code: 'C0', location: null, ...meta(2), tags: ['x', ...(input.tags as string[])] });
    void field;
    return lost;
  });
  await store.save('Site', { id: 's1', tags: ['x', 'a'] });
  processor(t, store, server).start();
  await drain(store);
  assert.equal(server.sent.length, 1, 'sent exactly once');
  assert.equal(server.gets, 1);
  assert.deepEqual((await store.get('Site', 's1'))?.tags, ['x', 'x', 'a']);
  const [item] = await store.reviews.list();
  assert.equal(item.kind, 'overridden', 'the duplicate the merge made is shown');
  assert.deepEqual(item.mine.tags, ['x', 'a']);
});

test('answer lost before the server applied it: same version on the server, so it is sent again', async (t) => {
  const { store } = openTemp(t);
  const record = await syncedSite(store, {});
  const server = new FakeServer((field, input, n) => (n === 1 ? lost : ok(field, { ...record, ...input, ...meta(2) })));
  server.records.set('s1', record);
  await store.save('Site', { id: 's1', code: 'new' });
  processor(t, store, server).start();
  await drain(store);
  assert.equal(server.sent.length, 2);
  assert.deepEqual(await store.reviews.list(), []);
});

test('with idempotent resend the uncertain entry is resent under the same mutation id, without a get', async (t) => {
  const { store } = openTemp(t);
  const record = await syncedSite(store, {});
  const server = new FakeServer((field, input, n) => (n === 1 ? lost : ok(field, { ...record, ...input, ...meta(2) })));
  await store.save('Site', { id: 's1', code: 'new' });
  const [entry] = await store.outbox.listEntries();
  assert.match(entry.mutationId ?? '', /^[0-9a-f-]{36}$/);
  processor(t, store, server, { idempotent: true }).start();
  await drain(store);
  assert.equal(server.gets, 0);
  assert.equal(server.sent.length, 2);
  const ids = server.sent.map((s) => (s.extensions?.outpostMutationIds as Record<string, string> | undefined)?.updateSite);
  assert.deepEqual(ids, [entry.mutationId, entry.mutationId]);
});

test('alreadyAppliedVerdict: create exists → applied; delete applied only as a tombstone; update only past the sent version', () => {
  const server = { id: 's', _version: 3 };
  assert.equal(alreadyAppliedVerdict('Create', {}, server), server);
  assert.equal(alreadyAppliedVerdict('Create', {}, null), null);
  assert.equal(alreadyAppliedVerdict('Delete', { _version: 2 }, server), null);
  assert.deepEqual(alreadyAppliedVerdict('Delete', { _version: 2 }, { ...server, _deleted: true }), { ...server, _deleted: true });
  assert.equal(alreadyAppliedVerdict('Update', { _version: 3 }, server), null, 'unchanged: send');
  assert.equal(alreadyAppliedVerdict('Update', { _version: 2 }, server), server, 'moved on, whatever it holds: never twice');
});
