// A subscriber that stops reading is dropped once its unsent bytes pass the configured bound
// (realtime.maxBufferedBytes), with close code 1013, which amplify-js and the desktop client
// reconnect on; the other subscribers keep receiving every change; the dropped client reconnects,
// subscribes again and catches up with a delta sync from its last sync's startedAt, as DataStore
// does after any reconnect. Real server (SQLite) on loopback; writes over HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../../server/index.js';
import { CLOSE_CODES } from '../../../server/realtime/realtime-connection.js';
import { AppSyncWsClient, type Frame } from './appsync-ws-client.js';

const schemaText = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
const MAX_BUFFERED_BYTES = 256 * 1024;
const FILLER = 'x'.repeat(256 * 1024);
const BATCH = 16;
/** 256 MiB: far past the kernel's buffers (a paused reader's take up to ~36 MiB here) and the bound. */
const MAX_SITES = 1024;
// `code` carries the filler, so each frame is as big as the record.
const ON_CREATE = 'subscription { onCreateSite { id name code _version _lastChangedAt } }';

const siteIds = (frames: readonly Frame[]): string[] =>
  frames.filter((f) => f.type === 'data').map((f) => (f.payload?.data?.onCreateSite as { id: string }).id);

describe('slow consumer', () => {
  let dir: string;
  let server: RunningServer;
  let token = '';
  let base = '';

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  async function subscriber(): Promise<AppSyncWsClient> {
    const auth = { Authorization: token, host: new URL(server.url).host };
    const client = await AppSyncWsClient.open(base, auth);
    await client.init();
    assert.equal((await client.subscribe('sites', ON_CREATE, {}, auth)).type, 'start_ack');
    return client;
  }

  async function syncSites(lastSync: number | null): Promise<{ ids: string[]; startedAt: number }> {
    const ids: string[] = [];
    let nextToken: string | null = null;
    let startedAt = 0;
    do {
      const page: { syncSites: { items: Array<{ id: string }>; nextToken: string | null; startedAt: number } } = await gql(
        'query ($lastSync: AWSTimestamp, $nextToken: String) { syncSites(lastSync: $lastSync, nextToken: $nextToken, limit: 1000) { items { id } nextToken startedAt } }',
        { lastSync, nextToken },
      );
      ids.push(...page.syncSites.items.map((item) => item.id));
      nextToken = page.syncSites.nextToken;
      startedAt = page.syncSites.startedAt;
    } while (nextToken !== null);
    return { ids, startedAt };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-slow-consumer-'));
    server = await startServer({
      schema: schemaText,
      database: `sqlite:${join(dir, 'server.db')}`,
      port: 0,
      // Two places: the fast and the slow subscriber; a third connection is refused until one goes.
      realtime: { maxBufferedBytes: MAX_BUFFERED_BYTES, maxConnections: 2 },
      reportError: () => undefined,
    });
    await server.authStore.addUser({ username: 'field', password: 'field password 123' });
    const response = await fetch(server.url.replace(/\/graphql$/, '/auth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'field', password: 'field password 123' }),
    });
    token = ((await response.json()) as { accessToken: string }).accessToken;
    base = server.realtimeUrl.replace(/\/graphql\/realtime$/, '');
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is closed 1013 at the bound while others receive everything, then reconnects and catches up by delta sync', { timeout: 120_000 }, async () => {
    await gql('mutation { createSite(input: { id: "before", name: "Before" }) { id } }');
    const lastSync = (await syncSites(null)).startedAt;
    const fast = await subscriber();
    const slow = await subscriber();
    slow.socket.pause();

    // Write until the server drops the paused reader, which frees its place under maxConnections:
    // the kernel's loopback buffers take tens of MiB before anything queues in the server.
    const written: string[] = [];
    let probe: AppSyncWsClient | null = null;
    while (probe === null) {
      assert.ok(written.length < MAX_SITES, `the paused reader was still connected after ${written.length} sites`);
      for (let i = 0; i < BATCH; i++) {
        const id = `big-${written.length}`;
        await gql('mutation ($input: CreateSiteInput!) { createSite(input: $input) { id } }', { input: { id, name: id, code: FILLER } });
        written.push(id);
      }
      probe = await AppSyncWsClient.open(base, null).catch(() => null);
    }
    probe.close();
    await probe.closed();

    // The reader that kept up got every change, in order, and stays connected.
    const deadline = Date.now() + 30_000;
    while (siteIds(fast.frames).length < written.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(siteIds(fast.frames), written);
    assert.equal(fast.closeEvent, null);

    // The one that stopped reading finds, once it reads again, part of the changes and then the close.
    slow.socket.resume();
    const closed = await slow.closed(30_000);
    assert.equal(closed.code, CLOSE_CODES.slowConsumer);
    assert.equal(closed.code, 1013);
    const seen = siteIds(slow.frames);
    assert.ok(seen.length < written.length, `dropped before the end (${seen.length} of ${written.length} delivered)`);
    assert.deepEqual(seen, written.slice(0, seen.length), 'what it did get came in order, without gaps');

    // Reconnect as DataStore does: subscribe again, then a delta sync since the last sync.
    let again: AppSyncWsClient | null = null;
    for (let attempt = 0; again === null; attempt++) {
      // The server may not have seen the probe's close yet: retry as a reconnecting client does.
      again = await subscriber().catch((error: unknown) => {
        if (attempt > 50) throw error;
        return new Promise<null>((resolve) => setTimeout(() => resolve(null), 50));
      });
    }
    const delta = await syncSites(lastSync);
    const missed = written.filter((id) => !seen.includes(id));
    assert.ok(missed.length > 0);
    for (const id of missed) assert.ok(delta.ids.includes(id), `the delta sync returns ${id}`);
    await gql('mutation { createSite(input: { id: "after", name: "After" }) { id } }');
    const live = await again.next((f) => f.type === 'data');
    assert.deepEqual(siteIds([live]), ['after']);
    fast.close();
    again.close();
  });
});
