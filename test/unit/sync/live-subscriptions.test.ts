// Live subscriptions (main/sync/live-subscriptions.ts) over a fake transport: what each failure
// action leads to, and events held during a round then applied in order.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { GraphqlFilterInput } from '../../../common/predicates/types.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { LiveSubscriptions } from '../../../main/sync/live-subscriptions.js';
import { SyncEvents, type SyncEvent } from '../../../main/sync/sync-events.js';
import type { ConnectionEvent, LiveObserver, LiveSubscriptionRequest, SyncTransport } from '../../../main/sync/sync-transport.js';
import { exampleSchema } from '../datastore/temp-datastore.js';

const schema = exampleSchema();
const site = getModel(schema, 'Site');

interface Opened {
  readonly request: LiveSubscriptionRequest;
  readonly observer: LiveObserver;
  readonly resubscribed: Array<GraphqlFilterInput | null>;
}

function setUp(predicate: boolean) {
  const opened: Opened[] = [];
  const emitter = new EventEmitter();
  const transport: Pick<SyncTransport, 'subscribe' | 'connected' | 'onConnection'> = {
    subscribe(request, observer) {
      const entry: Opened = { request, observer, resubscribed: [] };
      opened.push(entry);
      return { unsubscribe: () => undefined, resubscribe: (filter) => void entry.resubscribed.push(filter) };
    },
    connected: false,
    onConnection(event: ConnectionEvent, listener: () => void) {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
  };
  const applied: Array<{ model: string; records: readonly ModelRecord[] }> = [];
  const events = new SyncEvents();
  const seen: SyncEvent[] = [];
  events.on((e) => seen.push(e));
  let rounds = 0;
  const applyRemote = async (model: string, records: readonly ModelRecord[]) => {
    applied.push({ model, records });
    return { new: 0, updated: 0, deleted: 0, skippedPending: 0, invalid: 0, errors: [] };
  };
  const controller = new AbortController();
  const live = new LiveSubscriptions({
    schema,
    models: [site],
    predicateOf: () => (predicate ? { field: 'name', op: 'eq', value: 'a' } : null),
    transport: transport as SyncTransport,
    store: { remote: { applyRemote, removeMissing: async () => 0 } },
    events,
    signal: controller.signal,
    backoff: { baseMs: 1, jitterMs: 0, maxDelayMs: 2 },
    requestRound: () => rounds++,
  });
  return { live, opened, applied, seen, rounds: () => rounds, controller, emitter };
}

test('open() resolves once every subscription is acknowledged or failed for good', async () => {
  const { live, opened } = setUp(false);
  const done = live.open();
  assert.equal(opened.length, 3);
  opened[0].observer.acknowledged();
  opened[1].observer.acknowledged();
  opened[2].observer.failed([{ message: 'off', errorType: 'OperationDisabled' }], { kind: 'giveUp', report: false, retryLater: false });
  await done;
});

test('open() rejects when the socket cannot connect', async () => {
  const { live, emitter } = setUp(false);
  const done = live.open();
  emitter.emit('connectFailed');
  await assert.rejects(done, /cannot be reached/);
});

test('a refused filter: subscribed again without it, still pending', async () => {
  const { live, opened } = setUp(true);
  const done = live.open();
  assert.ok(opened[0].request.filter !== null);
  opened[0].observer.failed([{ message: 'filter too complex', errorType: 'BadRequest' }], { kind: 'withoutFilter' });
  assert.deepEqual(opened[0].resubscribed, [null]);
  for (const o of opened) o.observer.acknowledged();
  await done;
});

test('a transient failure is reported, retried after a wait, and asks for a round', async () => {
  const { live, opened, seen, rounds } = setUp(false);
  const done = live.open();
  opened[0].observer.failed([{ message: 'no start_ack', errorType: 'Timeout' }], { kind: 'giveUp', report: true, retryLater: true });
  opened[1].observer.acknowledged();
  opened[2].observer.acknowledged();
  await done;
  assert.ok(seen.some((e) => e.type === 'error' && e.data.process === 'subscribe' && /subscription failed: no start_ack/.test(e.data.message)));
  while (opened[0].resubscribed.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.equal(rounds(), 1);
});

test('events held during a round are applied after it in one batch; later ones at once', async () => {
  const { live, opened, applied } = setUp(false);
  void live.open();
  const field = 'onUpdateSite';
  const record = (id: string): ModelRecord => ({ id, name: 'n', _version: 1, _lastChangedAt: 1, _deleted: false });
  opened[1].observer.data({ data: { [field]: record('a') }, errors: [], networkError: null, httpStatus: 200 });
  opened[1].observer.data({ data: { [field]: record('b') }, errors: [], networkError: null, httpStatus: 200 });
  assert.equal(applied.length, 0);
  await live.applyBuffer();
  assert.deepEqual(
    applied.map((a) => a.records.map((r) => r.id)),
    [['a', 'b']],
  );
  opened[1].observer.data({ data: { [field]: record('c') }, errors: [], networkError: null, httpStatus: 200 });
  await live.idle();
  assert.deepEqual(
    applied.map((a) => a.records.map((r) => r.id)),
    [['a', 'b'], ['c']],
  );
});
