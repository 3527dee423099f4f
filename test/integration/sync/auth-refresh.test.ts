// JWT auth against the real server: a stale token is refreshed once on HTTP 401 and on the
// real-time connection error; a token refresh makes the real-time connection re-authenticate
// (and catch up with a delta sync); edits keep flowing throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenProvider } from '../../../main/sync/sync-auth.js';
import { startHarness, type Harness } from '../server/server-harness.js';
import { drained, openClient, waitFor, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});

/** A provider that starts with `initial` and signs alice in again on every forced refresh. */
function aliceTokens(initial: string): TokenProvider & { refreshes: number; refreshNow(): Promise<void> } {
  let current = initial;
  const listeners = new Set<(token: string) => void>();
  const refresh = async (): Promise<string> => {
    const res = await fetch(h.server.url.replace(/\/graphql$/, '/auth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice password 123' }),
    });
    current = ((await res.json()) as { accessToken: string }).accessToken;
    provider.refreshes++;
    for (const listener of listeners) listener(current);
    return current;
  };
  const provider = {
    refreshes: 0,
    getToken: async (options?: { forceRefresh?: boolean }) => (options?.forceRefresh ? refresh() : current),
    onRefresh: (listener: (token: string) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refreshNow: async () => void (await refresh()),
  };
  return provider;
}

test('a rejected token is refreshed once (HTTP 401 and real-time connection error) and sync proceeds', async () => {
  const tokens = aliceTokens('not-a-valid-token');
  const c = openClient(h.server.url, { type: 'jwt', tokens }, { models: ['Post', 'Comment'] });
  clients.push(c);
  await c.worker.start();
  assert.ok(tokens.refreshes >= 1);
  assert.ok(c.events.some((e) => e.type === 'networkStatus' && e.data.active));
  assert.deepEqual(
    c.events.filter((e) => e.type === 'modelSynced').map((e) => e.type === 'modelSynced' && e.data.model),
    ['Post', 'Comment'],
  );
  assert.deepEqual(
    c.events.filter((e) => e.type === 'error'),
    [],
  );
  const post = await c.datastore.save('Post', { title: 'with a fresh token' });
  await drained(c);
  assert.equal((await c.datastore.get('Post', String(post.id)))?._version, 1);
});

test('after a token refresh the real-time connection re-authenticates and a delta sync catches up', async () => {
  const tokens = aliceTokens(h.alice.headers.authorization);
  const c = openClient(h.server.url, { type: 'jwt', tokens }, { models: ['Post', 'Comment'] });
  const other = openClient(h.server.url, { type: 'jwt', tokens: aliceTokens(h.alice.headers.authorization) }, { models: ['Post', 'Comment'] });
  clients.push(c, other);
  await Promise.all([c.worker.start(), other.worker.start()]);
  const deltas = () => c.events.filter((e) => e.type === 'modelSynced' && e.data.isDeltaSync).length;
  const before = deltas();
  await tokens.refreshNow();
  await waitFor('a delta sync after re-authentication', () => deltas() > before);
  const post = await other.datastore.save('Post', { title: 'after the refresh' });
  await drained(other);
  await waitFor('the event on the re-authenticated socket', async () => (await c.datastore.get('Post', String(post.id))) !== undefined);
});
