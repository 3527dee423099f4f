// OutboxProcessor against fake ports: an in-memory OutboxStore and a scripted transport. Each test
// asserts what crosses the ports — requests sent, `get`s made, entries completed or failed,
// conflicts logged, events — for one path of core/outbox-step.ts as the processor interprets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord } from '../../../common/schema/types.js';
import type { OutboxEntry } from '../../../main/datastore/outbox-entry.js';
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

  add(entry: Partial<OutboxEntry> & Pick<OutboxEntry, 'id' | 'data'>): void {
    this.entries.set(entry.id, { model: 'Site', modelId: String(entry.data.id), operation: 'Update', condition: null, inFlight: false, createdAt: 0, base: null, ...entry });
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
  };

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
  constructor(private readonly answers: Array<(input: ModelRecord) => GraphqlAnswer>) {}

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
const refused = (errorType: string, data: ModelRecord | null): GraphqlAnswer => ({ data: null, errors: [{ errorType, message: errorType, data }], networkError: null, httpStatus: 200 });

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
  assert.deepEqual(seen.filter((e) => e.type === 'outboxStatus').at(-1), { type: 'outboxStatus', data: { isEmpty: true } });
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
  assert.deepEqual(store.conflictsLogged.map((c) => c.resolution), ['retried']);
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
