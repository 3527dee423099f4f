// OutboxProcessor against fake ports: an in-memory OutboxStore and a scripted transport. Each test
// asserts what crosses the ports — requests sent, `get`s made, entries completed or failed,
// conflicts logged, events — for one path of core/outbox-step.ts as the processor interprets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord } from '../../../common/schema/types.js';
import type { OutboxEntry, PendingOverwrote } from '../../../main/datastore/outbox-entry.js';
import type { CompletionOutcome } from '../../../main/datastore/outbox.js';
import type { NewReviewItem } from '../../../main/datastore/review-items.js';
import { defaultConflictHandler } from '../../../main/sync/conflict-policy.js';
import type { GraphqlAnswer } from '../../../main/sync/mutation-outcome.js';
import { OutboxProcessor } from '../../../main/sync/outbox-processor.js';
import type { OutboxStore } from '../../../main/sync/outbox-store.js';
import { SyncEvents, type SyncEvent } from '../../../main/sync/sync-events.js';
import { exampleSchema } from '../datastore/temp-datastore.js';

const schema = exampleSchema();
const meta = (version: number) => ({ _version: version, _lastChangedAt: 1000 + version, _deleted: null });

/** An in-memory outbox: entries by id, with what the processor did to them. */
class FakeStore implements OutboxStore {
  readonly entries = new Map<number, OutboxEntry>();
  readonly completed: Array<{ id: number; serverRecord: ModelRecord; reviews: readonly NewReviewItem[] }> = [];
  readonly failed: Array<{ id: number; serverRecord: ModelRecord | null; review: NewReviewItem | null }> = [];
  readonly conflictsLogged: Array<{ resolution: string; remote: ModelRecord | null }> = [];
  /** Every durable write of an entry's pending overwrote item, in order. */
  readonly pendingWrites: Array<PendingOverwrote | null> = [];

  add(entry: Partial<OutboxEntry> & Pick<OutboxEntry, 'id' | 'data'>): void {
    this.entries.set(entry.id, {
      model: 'Site',
      modelId: String(entry.data.id),
      operation: 'Update',
      condition: null,
      inFlight: false,
      createdAt: 0,
      base: null,
      ...entry,
    });
  }

  readonly outbox: OutboxStore['outbox'] = {
    peekSendable: async (limit = 10) => {
      const busy = new Set([...this.entries.values()].filter((e) => e.inFlight).map((e) => e.modelId));
      const first = new Map<string, OutboxEntry>();
      for (const e of this.entries.values()) if (!busy.has(e.modelId) && !first.has(e.modelId)) first.set(e.modelId, e);
      return [...first.values()].slice(0, limit);
    },
    markManyInFlight: async (ids) =>
      ids.map((id) => {
        const marked = { ...this.entries.get(id)!, inFlight: true };
        this.entries.set(id, marked);
        return marked;
      }),
    completeEntries: async (completions): Promise<CompletionOutcome[]> =>
      completions.map(({ id, serverRecord, reviews = [] }) => {
        this.entries.delete(id);
        this.completed.push({ id, serverRecord, reviews });
        return { ok: true, result: { merged: false, versionsPropagated: 0 } };
      }),
    failEntry: async (id, serverRecord, review) => {
      const entry = this.entries.get(id)!;
      this.entries.delete(id);
      this.failed.push({ id, serverRecord, review: review?.(undefined, entry) ?? null });
      return { restored: serverRecord !== null };
    },
    outboxCount: async () => this.entries.size,
    keepPendingOverwrote: async (id, pending) => {
      const entry = this.entries.get(id)!;
      this.pendingWrites.push(pending);
      this.entries.set(id, { ...entry, pendingOverwrote: pending });
    },
  };

  /** What a restart does to the store (Outbox.releaseInFlight): every entry pending again, all else kept. */
  releaseInFlight(): void {
    for (const [id, entry] of this.entries) this.entries.set(id, { ...entry, inFlight: false });
  }

  readonly conflicts: OutboxStore['conflicts'] = {
    insertConflict: async (conflict) => {
      this.conflictsLogged.push({ resolution: conflict.resolution, remote: conflict.remote ?? null });
      return { id: this.conflictsLogged.length, at: 0, operation: null, ...conflict } as never;
    },
  };
}

/** A scripted server: `answers` in order for mutations, `records` for `get`s; every call logged. */
class FakeTransport {
  readonly calls: string[] = [];
  readonly sentInputs: ModelRecord[] = [];
  readonly records = new Map<string, ModelRecord>();
  constructor(private readonly answers: Array<(input: ModelRecord) => GraphqlAnswer | Promise<GraphqlAnswer>>) {}

  mutate = async (query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer> => {
    const input = variables.input as ModelRecord;
    this.calls.push(`mutate v${String(input._version)}`);
    this.sentInputs.push(input);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`unexpected mutation ${query}`);
    return answer(input);
  };

  query = async (_query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer> => {
    this.calls.push('get');
    return ok('getSite', this.records.get(String(variables.id)) ?? null);
  };
}

function ok(field: string, record: ModelRecord | null): GraphqlAnswer {
  return { data: { [field]: record }, errors: [], networkError: null, httpStatus: 200 };
}
const lost: GraphqlAnswer = { data: null, errors: [], networkError: 'socket hang up', httpStatus: null };
const refused = (errorType: string, data: ModelRecord | null): GraphqlAnswer => ({
  data: null,
  errors: [{ errorType, message: errorType, data }],
  networkError: null,
  httpStatus: 200,
});

function processorOver(store: FakeStore, transport: FakeTransport, options: { idempotent?: boolean } = {}) {
  const events = new SyncEvents();
  const seen: SyncEvent[] = [];
  events.on((e) => seen.push(e));
  const processor = new OutboxProcessor({
    datastore: store,
    schema,
    mutate: transport.mutate,
    query: (q, v) => transport.query(q, v),
    events,
    conflictHandler: defaultConflictHandler,
    maxConcurrentMutations: 4,
    maxMutationsPerRequest: 1,
    backoff: { baseMs: 1, jitterMs: 0, maxDelayMs: 2 },
    ...(options.idempotent ? { resendIsIdempotent: () => true } : {}),
  });
  return { processor, seen };
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const site = (fields: ModelRecord, v: number): ModelRecord => ({ id: 's1', name: 'Site', code: 'C', tags: [], location: null, ...fields, ...meta(v) });

test('an accepted update: one request, completed with the answer, outbox reported empty', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([(input) => ok('updateSite', site(input, 2))]);
  const { processor, seen } = processorOver(store, transport);
  processor.start();
  await until(() => store.completed.length === 1 && seen.some((e) => e.type === 'outboxStatus'), 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1']);
  assert.equal(store.completed[0].serverRecord._version, 2);
  assert.deepEqual(store.completed[0].reviews, []);
  assert.deepEqual(seen.filter((e) => e.type === 'outboxStatus').at(-1), { type: 'outboxStatus', data: { isEmpty: true, unsynced: 0 } });
});

test('a lost answer: the entry is checked with a get before it is sent again (never blindly twice)', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([() => lost, (input) => ok('updateSite', site(input, 2))]);
  transport.records.set('s1', site({}, 1)); // the server still has version 1: not applied
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'get', 'mutate v1']);
});

test('a lost answer whose write is there: completed from the get, not sent again', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([() => lost]);
  transport.records.set('s1', site({ code: 'A' }, 2));
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'get']);
  assert.equal(store.completed[0].serverRecord.code, 'A');
});

test('a lost answer with idempotent resend: sent again, no get', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([() => lost, (input) => ok('updateSite', site(input, 2))]);
  const { processor } = processorOver(store, transport, { idempotent: true });
  processor.start();
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'mutate v1']);
});

test('an entry in flight when the last session ended is checked first', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([(input) => ok('updateSite', site(input, 2))]);
  const { processor } = processorOver(store, transport);
  processor.start(['Site:s1']);
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['get', 'mutate v1']);
});

test('a conflict: logged, the default handler resends on the server version, completed', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const remote = site({ code: 'B' }, 5);
  const transport = new FakeTransport([() => refused('ConflictUnhandled', remote), (input) => ok('updateSite', site(input, 6))]);
  const { processor, seen } = processorOver(store, transport);
  processor.start();
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'mutate v5']);
  assert.equal(transport.sentInputs[1].code, 'A');
  assert.deepEqual(
    store.conflictsLogged.map((c) => c.resolution),
    ['retried'],
  );
  assert.equal(seen.filter((e) => e.type === 'conflict').length, 1);
});

test('a rejection without the server record: fetched, then the entry fails with it and an error event', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport([() => refused('ConditionalCheckFailedException', null)]);
  transport.records.set('s1', site({ code: 'server' }, 3));
  const { processor, seen } = processorOver(store, transport);
  processor.start();
  await until(() => store.failed.length === 1, 'failure');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'get']);
  assert.equal(store.failed[0].serverRecord?.code, 'server');
  assert.equal(store.failed[0].review?.kind, 'rejected');
  const error = seen.find((e) => e.type === 'error');
  assert.ok(error !== undefined && error.type === 'error');
  assert.equal(error.data.errorType, 'ConditionalCheckFailedException');
  assert.equal(store.completed.length, 0);
});

test('stop while the server is down: the entry stays (neither completed nor failed) and stop returns promptly', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 } });
  const transport = new FakeTransport(Array.from({ length: 1000 }, () => () => lost));
  transport.records.set('s1', site({}, 1));
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(() => transport.calls.length >= 3, 'a few attempts');
  const started = Date.now();
  await processor.stop();
  assert.ok(Date.now() - started < 500, `stop took ${Date.now() - started} ms`);
  assert.equal(store.completed.length + store.failed.length, 0);
  assert.equal(store.entries.size, 1);
  const callsAtStop = transport.calls.length;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(transport.calls.length, callsAtStop, 'nothing sent after stop');
});

/** A mutation answer held back until `release()`: the request is on the wire when the process dies. */
function heldAnswer(): { answer: () => Promise<GraphqlAnswer>; release: () => void; sent: () => boolean } {
  let release: () => void = () => undefined;
  let sent = false;
  return {
    answer: () => {
      sent = true;
      return new Promise((resolve) => (release = () => resolve(lost)));
    },
    release: () => release(),
    sent: () => sent,
  };
}

/** The first session: a conflict, the default handler's retry sent, the session stopped before its answer. */
async function conflictRetryThenKilled(store: FakeStore, remote: ModelRecord): Promise<void> {
  const held = heldAnswer();
  const transport = new FakeTransport([() => refused('ConflictUnhandled', remote), held.answer]);
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(held.sent, 'the retry on the wire');
  const stopping = processor.stop();
  held.release(); // the server applied it; the answer never reaches this device
  await stopping;
  assert.deepEqual(transport.calls, ['mutate v1', 'mutate v5']);
  assert.equal(store.completed.length + store.failed.length, 0, 'the entry is still queued');
  store.releaseInFlight();
}

test('conflict → retry sent → killed before the answer → verified applied after a restart: the overwrote item is stored', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 }, base: { code: 'orig' }, mutationId: 'm-1' });
  const remote = site({ code: 'B' }, 5);
  await conflictRetryThenKilled(store, remote);
  assert.equal(store.entries.get(1)?.pendingOverwrote?.remoteVersion, 5, 'kept with the entry before the retry was sent');

  const transport = new FakeTransport([]);
  transport.records.set('s1', site({ code: 'A' }, 6)); // the retry is there
  const { processor } = processorOver(store, transport);
  processor.start(['Site:s1']);
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['get']);
  const overwrote = store.completed[0].reviews.filter((r) => r.overwrote === true);
  assert.equal(overwrote.length, 1);
  assert.deepEqual(overwrote[0].fields, ['code']);
  assert.equal(overwrote[0].theirs?.code, 'B');
  assert.equal(overwrote[0].mutationId, 'm-1');
});

test('killed after the retry was sent, but the server never got it: completed with the other device’s version, reviewed as overridden, not as overwrote', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 }, base: { code: 'orig' } });
  const remote = site({ code: 'B' }, 5);
  await conflictRetryThenKilled(store, remote);

  const transport = new FakeTransport([]);
  transport.records.set('s1', remote); // the retry never arrived: the server is still at the version it was based on
  const { processor } = processorOver(store, transport);
  processor.start(['Site:s1']);
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['get']);
  const reviews = store.completed[0].reviews;
  assert.deepEqual(
    reviews.map((r) => [r.overwrote === true, r.fields]),
    [[false, ['code']]],
  );
  assert.equal(reviews[0].mine.code, 'A');
});

test('killed after the retry was sent, the server never got it and takes the original as is: no overwrote item (nothing was replaced)', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 }, base: { code: 'orig' } });
  await conflictRetryThenKilled(store, site({ code: 'B' }, 5));

  // As if the other device's write had been rolled back: version 1 again, the original applies.
  const transport = new FakeTransport([(input) => ok('updateSite', site(input, 2))]);
  transport.records.set('s1', site({ code: 'orig' }, 1));
  const { processor } = processorOver(store, transport);
  processor.start(['Site:s1']);
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['get', 'mutate v1']);
  assert.deepEqual(store.completed[0].reviews, []);
});

test('a retry refused for good: the entry fails with the device’s version, no overwrote item is stored', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 }, base: { code: 'orig' } });
  const remote = site({ code: 'B' }, 5);
  const transport = new FakeTransport([() => refused('ConflictUnhandled', remote), () => refused('ConditionalCheckFailedException', remote)]);
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(() => store.failed.length === 1, 'failure');
  await processor.stop();
  assert.equal(store.pendingWrites.length, 1);
  assert.equal(store.failed[0].review?.kind, 'rejected');
  assert.notEqual(store.failed[0].review?.overwrote, true);
  assert.equal(store.completed.length, 0);
});

test('a second conflict replaces the first one’s pending item: one overwrote item, of the values the last retry replaced', async () => {
  const store = new FakeStore();
  store.add({ id: 1, data: { id: 's1', code: 'A', _version: 1 }, base: { code: 'orig' } });
  const transport = new FakeTransport([
    () => refused('ConflictUnhandled', site({ code: 'B' }, 5)),
    () => refused('ConflictUnhandled', site({ code: 'C' }, 6)),
    (input) => ok('updateSite', site(input, 7)),
  ]);
  const { processor } = processorOver(store, transport);
  processor.start();
  await until(() => store.completed.length === 1, 'completion');
  await processor.stop();
  assert.deepEqual(transport.calls, ['mutate v1', 'mutate v5', 'mutate v6']);
  assert.deepEqual(
    store.pendingWrites.map((p) => p?.remoteVersion),
    [5, 6],
  );
  const overwrote = store.completed[0].reviews.filter((r) => r.overwrote === true);
  assert.deepEqual(
    overwrote.map((r) => r.theirs?.code),
    ['C'],
  );
});
