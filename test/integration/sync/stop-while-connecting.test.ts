// stop() while the worker waits for the real-time socket: it must return, whatever the socket does
// afterwards. Before the fix, stop() unsubscribed everything and then awaited the round loop, which
// was still waiting for subscription acks or an `established`/`connectFailed` that could no longer
// come (with no subscriptions the client drops its socket and its pending reconnect): stop() hung
// forever and the app kept showing "Pause sync" (seen in the desktop e2e under load).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultServer, type FaultServer } from '../../fault/sync/fault-server.js';
import { openClient, waitFor, type TestClient } from './sync-clients.js';

let fs: FaultServer;
const clients: TestClient[] = [];
before(async () => {
  fs = await startFaultServer();
});
after(async () => {
  for (const c of clients) await c.dispose();
  await fs.close();
});

/** Resolves with `promise`, or rejects naming `what` when it is still pending after `ms` (a hang). */
async function finishes<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

test('stop() during the first connect (handshake never answered) returns and reports no more events', async () => {
  fs.proxy.setMode('blackhole');
  try {
    const c = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'] });
    clients.push(c);
    void c.worker.start();
    await waitFor('the real-time socket to be opened', () => fs.proxy.openConnections > 0, 5_000);
    // Well inside the 15 s connection-init timeout: the subscriptions are still unacknowledged.
    await finishes('stop()', c.worker.stop(), 5_000);
    const after = c.events.length;
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(c.events.slice(after), [], 'a stopped worker emits nothing');
  } finally {
    fs.proxy.setMode('pass');
  }
});

test('stop() while the socket waits to reconnect after the server went away returns', async () => {
  // Reconnect delays of 2 s and more: longer than the 1 s after which an unused socket is dropped.
  const c = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'], backoff: { baseMs: 1_000, jitterMs: 10 } });
  clients.push(c);
  await c.worker.start();
  assert.ok(
    c.events.some((e) => e.type === 'networkStatus' && e.data.active),
    'online first',
  );
  fs.proxy.setMode('refuse');
  try {
    fs.proxy.cutAll();
    await waitFor('the worker to report the network gone', () => c.events.some((e) => e.type === 'networkStatus' && !e.data.active), 5_000);
    // A round now waits for the socket to be up again (the e2e's state after the server came back
    // and the outbox drained over HTTP while the socket was still in its reconnect backoff).
    void c.worker.syncNow();
    await new Promise((r) => setTimeout(r, 100));
    await finishes('stop()', c.worker.stop(), 5_000);
  } finally {
    fs.proxy.setMode('pass');
  }
});

test('a worker stopped while connecting starts again and syncs', async () => {
  fs.proxy.setMode('blackhole');
  const c = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'] });
  clients.push(c);
  try {
    void c.worker.start();
    await waitFor('the real-time socket to be opened', () => fs.proxy.openConnections > 0, 5_000);
    await finishes('stop()', c.worker.stop(), 5_000);
  } finally {
    fs.proxy.setMode('pass');
  }
  await finishes('start()', c.worker.start(), 15_000);
  const synced = c.events.filter((e) => e.type === 'networkStatus');
  assert.ok(synced.at(-1)?.type === 'networkStatus' && synced.at(-1)?.data.active === true, 'online after the restart');
  assert.ok(
    c.events.some((e) => e.type === 'modelSynced' && e.data.model === 'Note'),
    'the restarted worker synced',
  );
});
