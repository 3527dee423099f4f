// The sync worker over fake ports: a fake SyncTransport (pages from memory, subscriptions
// acknowledged or refused, a connection that can go down and come back) and a real datastore on a
// temp SQLite file as the SyncStore. Asserts what the app sees: event order, parents before
// children, live events held during a round, offline start, reconnect rounds, a prompt stop.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { test, type TestContext } from 'node:test';
import type { ModelRecord } from '../../../common/schema/types.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { DEFAULT_ROUTE } from '../../../main/sync/core/mutation-route.js';
import { subscriptionDocument, syncQueryDocument } from '../../../main/sync/graphql-documents.js';
import type { AnnouncedAnswer } from '../../../main/sync/server-capabilities.js';
import type { SyncEvent } from '../../../main/sync/sync-events.js';
import type { ConnectionEvent, LiveObserver, LiveSubscriptionRequest, SyncTransport } from '../../../main/sync/sync-transport.js';
import { syncWorkerConfig, syncWorkerOver, type SyncWorker } from '../../../main/sync/sync-worker.js';
import { exampleSchema, openTemp } from '../datastore/temp-datastore.js';

const schema = exampleSchema();
const MODELS = ['Site', 'Inspection', 'Observation'];
const NOW = Date.now();
const meta = (n: number) => ({
  _version: 1,
  _lastChangedAt: NOW + n,
  _deleted: false,
  createdAt: new Date(NOW).toISOString(),
  updatedAt: new Date(NOW).toISOString(),
});
const SERVER: Record<string, ModelRecord[]> = {
  Site: [1, 2, 3].map((i) => ({ id: `s${i}`, name: `site ${i}`, ...meta(i) })),
  Inspection: [{ id: 'i1', siteID: 's1', title: 'first', status: 'DRAFT', ...meta(10) }],
  Observation: [{ id: 'o1', inspectionID: 'i1', category: 'crack', severity: 'LOW', ...meta(20) }],
};

/** A server in memory: sync pages of `SERVER`, subscriptions acknowledged while online. */
class FakeTransport implements SyncTransport {
  readonly queries: string[] = [];
  readonly live: Array<{ readonly request: LiveSubscriptionRequest; readonly observer: LiveObserver }> = [];
  private readonly emitter = new EventEmitter();
  private up = false;
  closed = false;
  /** Called before each sync page is answered (tests hold a page there). */
  beforePage: (model: string) => Promise<void> = async () => undefined;

  constructor(private online: boolean) {}

  async query(model: string, _query: string, variables: Record<string, unknown>): Promise<AnnouncedAnswer> {
    assert.ok(!this.closed, 'no query after close');
    this.queries.push(model);
    await this.beforePage(model);
    if (!this.online) return { data: null, errors: [], networkError: 'fetch failed', httpStatus: null };
    const all = SERVER[model] ?? [];
    const from = typeof variables.nextToken === 'string' ? Number(variables.nextToken) : 0;
    const limit = Number(variables.limit);
    const items = all.slice(from, from + limit);
    const nextToken = from + limit < all.length ? String(from + limit) : null;
    return {
      data: { [syncQueryDocument(schema, getModel(schema, model)).field]: { items, nextToken, startedAt: NOW } },
      errors: [],
      networkError: null,
      httpStatus: 200,
    };
  }

  mutationRoute() {
    return DEFAULT_ROUTE;
  }

  async mutate(): Promise<AnnouncedAnswer> {
    return { data: null, errors: [], networkError: 'fetch failed', httpStatus: null };
  }

  subscribe(request: LiveSubscriptionRequest, observer: LiveObserver) {
    this.live.push({ request, observer });
    setImmediate(() => {
      if (this.online) {
        this.up = true;
        observer.acknowledged();
      } else this.emitter.emit('connectFailed');
    });
    return { unsubscribe: () => undefined, resubscribe: () => undefined };
  }

  get connected(): boolean {
    return this.up;
  }

  onConnection(event: ConnectionEvent, listener: () => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  close(): void {
    this.closed = true;
  }

  /** The connection drops (`disrupted`) and, with `back`, returns (`established`, `reconnected`). */
  goOffline(): void {
    this.online = false;
    this.up = false;
    this.emitter.emit('disrupted');
  }

  goOnline(): void {
    this.online = true;
    this.up = true;
    this.emitter.emit('established');
    this.emitter.emit('reconnected');
  }

  /** A live `kind` event of `model` carrying `record`. */
  push(model: string, kind: 'onCreate' | 'onUpdate' | 'onDelete', record: ModelRecord): void {
    const sub = this.live.find((l) => l.request.model.name === model && l.request.kind === kind);
    assert.ok(sub, `a ${model}.${kind} subscription`);
    const field = subscriptionDocument(schema, getModel(schema, model), kind).field;
    sub.observer.data({ data: { [field]: record }, errors: [], networkError: null, httpStatus: 200 });
  }
}

function workerOver(t: TestContext, transport: FakeTransport): { worker: SyncWorker; events: SyncEvent[]; store: ReturnType<typeof openTemp>['store'] } {
  const { store } = openTemp(t, schema);
  const config = syncWorkerConfig({ schema, models: MODELS, syncPageSize: 2, backoff: { baseMs: 1, jitterMs: 0, maxDelayMs: 20 } });
  const worker = syncWorkerOver(config, { store, openTransport: () => transport, syncExpressions: {} });
  const events: SyncEvent[] = [];
  worker.onEvent((event) => events.push(event));
  t.after(() => worker.stop());
  return { worker, events, store };
}

const ROUND_EVENTS = new Set(['networkStatus', 'subscriptionsEstablished', 'syncQueriesStarted', 'modelSynced', 'syncQueriesReady', 'ready']);
const named = (events: readonly SyncEvent[]): string[] =>
  events
    .filter((e) => ROUND_EVENTS.has(e.type))
    .map((e) => (e.type === 'modelSynced' ? `modelSynced:${e.data.model}` : e.type === 'networkStatus' ? `networkStatus:${e.data.active}` : e.type));

test('an online start: established → queries started → each model synced, parents first → ready', async (t) => {
  const transport = new FakeTransport(true);
  const { worker, events, store } = workerOver(t, transport);
  await worker.start();
  assert.deepEqual(named(events), [
    'networkStatus:true',
    'subscriptionsEstablished',
    'syncQueriesStarted',
    'modelSynced:Site',
    'modelSynced:Inspection',
    'modelSynced:Observation',
    'syncQueriesReady',
    'ready',
  ]);
  // Sites take two pages (page size 2); their children are asked for only after.
  assert.deepEqual(transport.queries, ['Site', 'Site', 'Inspection', 'Observation']);
  assert.equal((await store.query('Site')).length, 3);
  assert.equal(transport.live.length, 3 * MODELS.length);
});

test('live events during a round are held and applied after it, newest winning', async (t) => {
  const transport = new FakeTransport(true);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  transport.beforePage = async (model) => {
    if (model === 'Site') await held;
  };
  const { worker, store } = workerOver(t, transport);
  const started = worker.start();
  while (transport.queries.length === 0) await new Promise((resolve) => setImmediate(resolve));
  transport.push('Site', 'onUpdate', { ...SERVER.Site[0], name: 'renamed live', _version: 2, _lastChangedAt: NOW + 100 });
  assert.equal(await store.get('Site', 's1'), undefined, 'nothing applied while the round runs');
  release();
  await started;
  assert.equal((await store.get('Site', 's1'))?.name, 'renamed live');
});

test('an offline start emits networkStatus false and ready; reconnecting runs a delta round', async (t) => {
  const transport = new FakeTransport(false);
  const { worker, events } = workerOver(t, transport);
  await worker.start();
  assert.deepEqual(named(events), ['networkStatus:false', 'ready']);
  transport.goOnline();
  while (!events.some((e) => e.type === 'syncQueriesReady')) await new Promise((resolve) => setTimeout(resolve, 5));
  const after = named(events).slice(2);
  assert.equal(after[0], 'networkStatus:true');
  assert.ok(!after.includes('subscriptionsEstablished') && !after.includes('ready'), 'established and ready only once');
  assert.deepEqual(
    after.filter((e) => e.startsWith('modelSynced')),
    ['modelSynced:Site', 'modelSynced:Inspection', 'modelSynced:Observation'],
  );
});

test('a reconnect after a disruption triggers a delta round', async (t) => {
  const transport = new FakeTransport(true);
  const { worker, events } = workerOver(t, transport);
  await worker.start();
  const before = transport.queries.length;
  transport.goOffline();
  transport.goOnline();
  while (events.filter((e) => e.type === 'syncQueriesReady').length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(transport.queries.length > before);
  const deltas = events.filter((e) => e.type === 'modelSynced').slice(MODELS.length);
  assert.ok(deltas.every((e) => e.type === 'modelSynced' && e.data.isDeltaSync));
  assert.deepEqual(named(events).slice(8, 10), ['networkStatus:false', 'networkStatus:true']);
});

test('syncNow runs a round and resolves when it is done', async (t) => {
  const transport = new FakeTransport(true);
  const { worker, events } = workerOver(t, transport);
  await worker.start();
  await worker.syncNow();
  assert.equal(events.filter((e) => e.type === 'syncQueriesReady').length, 2);
});

test('stop() resolves promptly mid-round and nothing runs after it', async (t) => {
  const transport = new FakeTransport(true);
  transport.beforePage = () => new Promise((resolve) => setTimeout(resolve, 50));
  const { worker, events } = workerOver(t, transport);
  const started = worker.start();
  while (transport.queries.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const t0 = Date.now();
  await worker.stop();
  await started;
  assert.ok(Date.now() - t0 < 1_000, `stop took ${Date.now() - t0} ms`);
  assert.ok(transport.closed);
  const count = events.length;
  const queries = transport.queries.length;
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(events.length, count, 'no event after stop');
  assert.equal(transport.queries.length, queries, 'no query after stop');
});
