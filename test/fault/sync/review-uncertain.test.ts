// Point 6 of issue 9: an update whose answer is lost after the server applied it is applied exactly
// once — under FIELD_MERGE, AUTOMERGE and OPTIMISTIC_CONCURRENCY, with the Outpost server's
// idempotent mutation ids (the client resends; the server answers the repeat from its record) and
// without them (the client sees no capability announcement, as with AppSync: it checks with a
// `get` and, the server's version having moved past the one sent, completes without resending).
// A fault proxy drops every response (and cuts the connection) while the write goes through.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../server/index.js';
import { TEST_SDL } from '../../integration/server/server-harness.js';
import { drained, openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A fetch that removes the Outpost capability announcement from every answer: the client then sees a plain AppSync. */
const withoutAnnouncement: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.text();
  let body = text;
  try {
    const json = JSON.parse(text) as { extensions?: Record<string, unknown> };
    if (json.extensions !== undefined) {
      delete json.extensions.outpost;
      if (Object.keys(json.extensions).length === 0) delete json.extensions;
    }
    body = JSON.stringify(json);
  } catch {
    // not JSON: passed on unchanged
  }
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
};

async function setUp(strategy: string): Promise<{ server: RunningServer; proxy: FaultProxy; apiKey: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-uncertain-'));
  const server = await startServer({
    schema: TEST_SDL,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    models: { Note: { conflictHandler: strategy as never } },
    reportError: () => undefined,
  });
  const { key } = await server.authStore.createApiKey();
  const proxy = await startFaultProxy(server.port);
  cleanups.push(async () => {
    await proxy.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, proxy, apiKey: key };
}

async function serverNote(server: RunningServer, apiKey: string, id: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query: `query { getNote(id: "${id}") { text count _version } }` }),
  });
  const body = (await res.json()) as { data?: { getNote?: Record<string, unknown> | null } };
  return body.data?.getNote ?? null;
}

for (const strategy of ['FIELD_MERGE', 'AUTOMERGE', 'OPTIMISTIC_CONCURRENCY']) {
  for (const idempotent of [true, false]) {
    test(`${strategy}, ${idempotent ? 'idempotent resend (mutationIds)' : 'no announcement (AppSync-like get check)'}: an update whose answer was lost is applied exactly once`, async () => {
      const { server, proxy, apiKey } = await setUp(strategy);
      // Counts what the client sends: mutations of the record and gets (the already-applied check).
      const sent = { updates: 0, gets: 0 };
      const inner = idempotent ? fetch : withoutAnnouncement;
      const counting: typeof fetch = (input, init) => {
        const body = typeof init?.body === 'string' ? init.body : '';
        if (body.includes('updateNote')) sent.updates++;
        if (body.includes('getNote')) sent.gets++;
        return inner(input, init);
      };
      const c: TestClient = openClient(proxy.url('/graphql'), { type: 'apiKey', apiKey }, { models: ['Note'], fetch: counting, requestTimeoutMs: 2_000 });
      cleanups.push(() => c.dispose());
      await c.worker.start();
      const id = String((await c.datastore.save('Note', { text: 't', count: 0 })).id);
      await drained(c);
      assert.equal((await serverNote(server, apiKey, id))?._version, 1);

      proxy.setDropResponses(true);
      await c.datastore.save('Note', { id, count: 1 });
      await waitFor('the server to apply the update', async () => (await serverNote(server, apiKey, id))?._version === 2);
      // Let the client meet the lost answer and try again (resend or check) while answers are still lost.
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(await c.datastore.outbox.outboxCount(), 1, 'still waiting for an answer');
      proxy.setDropResponses(false);
      await drained(c, 30_000);

      assert.deepEqual(await serverNote(server, apiKey, id), { text: 't', count: 1, _version: 2 }, 'applied once: no second version');
      const local = await c.datastore.get('Note', id);
      assert.deepEqual([local?.count, local?._version], [1, 2]);
      assert.deepEqual(await c.datastore.conflicts.listConflicts(), [], 'no conflict: it was never resent against the new version');
      assert.deepEqual(await c.datastore.reviews.list(), [], 'every sent value survived');
      if (idempotent) {
        assert.ok(sent.updates >= 2, `the uncertain update was resent (${sent.updates} sends) and the server answered the repeat from its record`);
        assert.equal(sent.gets, 0, 'no get check');
      } else {
        assert.equal(sent.updates, 1, 'sent once: the get check found the newer version');
        assert.ok(sent.gets >= 1);
      }
    });
  }
}
