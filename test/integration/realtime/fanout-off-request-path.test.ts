// The fan-out leaves the request path: publishing a committed change (what a mutation's resolver
// awaits before it answers) only queues it, and delivery to 1,000+ subscriptions follows. Also that
// batching and shared payloads keep each subscriber's rules: owner rules, owner arguments and
// filters decide per subscription exactly as before, frames reach each connection in commit order,
// and a full server answers a mutation over HTTP and then delivers it to every subscriber.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer } from '../../../server/index.js';
import { MemoryChangeBus } from '../../../server/realtime/memory-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from '../../../server/realtime/realtime-handler.js';
import { AppSyncWsClient, type Frame } from './appsync-ws-client.js';
import { createTestAccounts, type TestAccounts } from './realtime-test-accounts.js';

const schemaText = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
const schema = parseSchema(schemaText);
const SELECTION = 'id name code owner _version _lastChangedAt _deleted';
const ON_CREATE = `subscription ($owner: String, $filter: ModelSubscriptionSiteFilterInput) { onCreateSite(owner: $owner, filter: $filter) { ${SELECTION} } }`;
const CONNECTIONS = 20;
const PER_CONNECTION = 50;

function site(n: number, owner: string, code: string): Record<string, unknown> {
  return {
    id: `fan-${n}`,
    name: `Site ${n}`,
    code,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    owner,
    _version: 1,
    _lastChangedAt: 1_767_225_600_000 + n,
    _deleted: null,
  };
}

const dataFrames = (client: AppSyncWsClient): Frame[] => client.frames.filter((f) => f.type === 'data');

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fan-out off the request path', () => {
  let accounts: TestAccounts;
  let bus: MemoryChangeBus;
  let realtime: RealtimeHandler;
  let server: Server;
  let url: string;
  const clients: AppSyncWsClient[] = [];

  before(async () => {
    accounts = await createTestAccounts();
    bus = new MemoryChangeBus();
    realtime = createRealtimeHandler({ schema, bus, authenticate: accounts.authenticate });
    server = createServer();
    server.on('upgrade', (req, socket, head) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await realtime.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await accounts.close();
  });

  async function subscriber(auth: Record<string, string>, count: number, variables: Record<string, unknown>): Promise<AppSyncWsClient> {
    const client = await AppSyncWsClient.open(url, auth);
    clients.push(client);
    await client.init();
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => client.subscribe(`s${i}`, ON_CREATE, variables, auth)));
    assert.ok(
      answers.every((a) => a.type === 'start_ack'),
      JSON.stringify(answers.find((a) => a.type !== 'start_ack')),
    );
    client.frames.length = 0;
    return client;
  }

  it('publish resolves with nothing sent yet; 1,000 subscriptions receive it afterwards, in commit order, each under its own rules', async () => {
    const alices = await Promise.all(Array.from({ length: CONNECTIONS }, () => subscriber(accounts.aliceAuth, PER_CONNECTION, { owner: accounts.alice })));
    // Same document, other owner: Bob's rule hides Alice's sites from him.
    const bob = await subscriber(accounts.bobAuth, 3, { owner: accounts.bob });
    // Same selection, a filter: only code B.
    const filtered = await subscriber(accounts.aliceAuth, 2, { owner: accounts.alice, filter: { code: { eq: 'B' } } });
    const before = realtime.deliveredFrames;

    await bus.publish({ model: 'Site', mutation: 'create', item: site(1, accounts.alice, 'A') });
    // What a mutation's resolver awaits before it answers is over, and no subscriber was written to.
    assert.equal(realtime.deliveredFrames, before);
    assert.equal(realtime.queuedEvents, 1);
    await bus.publish({ model: 'Site', mutation: 'create', item: site(2, accounts.alice, 'B') });
    await bus.publish({ model: 'Site', mutation: 'create', item: site(3, accounts.bob, 'B') });
    assert.equal(realtime.deliveredFrames, before);

    const total = CONNECTIONS * PER_CONNECTION;
    await until(() => alices.every((c) => dataFrames(c).length === 2 * PER_CONNECTION), 'every Alice subscription to get sites 1 and 2');
    await until(() => dataFrames(filtered).length === 2 && dataFrames(bob).length === 3, 'the filtered and Bob subscriptions');
    await until(() => realtime.queuedEvents === 0, 'the queue to empty');
    assert.equal(realtime.deliveredFrames - before, 2 * total + 2 + 3);

    for (const client of alices) {
      const frames = dataFrames(client);
      // Per connection, site 1's frames (one per subscription) all come before site 2's.
      const ids = frames.map((f) => (f.payload?.data?.onCreateSite as { id: string }).id);
      assert.deepEqual(ids, [...Array(PER_CONNECTION).fill('fan-1'), ...Array(PER_CONNECTION).fill('fan-2')]);
      assert.deepEqual(new Set(frames.slice(0, PER_CONNECTION).map((f) => f.id)).size, PER_CONNECTION);
      assert.deepEqual(frames[0]?.payload, {
        data: {
          onCreateSite: { id: 'fan-1', name: 'Site 1', code: 'A', owner: accounts.alice, _version: 1, _lastChangedAt: 1_767_225_600_001, _deleted: null },
        },
      });
    }
    assert.deepEqual(
      dataFrames(filtered).map((f) => (f.payload?.data?.onCreateSite as { id: string }).id),
      ['fan-2', 'fan-2'],
    );
    assert.deepEqual(
      dataFrames(bob).map((f) => (f.payload?.data?.onCreateSite as { id: string }).id),
      ['fan-3', 'fan-3', 'fan-3'],
    );
  });

  it('after its complete, a stopped subscription is sent nothing more while its neighbour carries on', async () => {
    const client = await subscriber(accounts.aliceAuth, 2, { owner: accounts.alice });
    client.send({ id: 's0', type: 'stop' });
    await client.next((f) => f.type === 'complete' && f.id === 's0');
    await bus.publish({ model: 'Site', mutation: 'create', item: site(4, accounts.alice, 'A') });
    await client.next((f) => f.type === 'data' && f.id === 's1');
    await until(() => realtime.queuedEvents === 0, 'the queue to empty');
    await client.expectNone((f) => f.type === 'data' && f.id === 's0', 200);
  });
});

describe('fan-out behind a full server', () => {
  it('a mutation over HTTP is answered and then delivered to 1,000 subscriptions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-fanout-'));
    const running = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, reportError: () => undefined });
    const clients: AppSyncWsClient[] = [];
    try {
      await running.authStore.addUser({ username: 'fan', password: 'fan password 123' });
      const signIn = await fetch(running.url.replace(/\/graphql$/, '/auth/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'fan', password: 'fan password 123' }),
      });
      const { accessToken } = (await signIn.json()) as { accessToken: string };
      const auth = { Authorization: accessToken, host: new URL(running.url).host };
      for (let c = 0; c < CONNECTIONS; c++) {
        const client = await AppSyncWsClient.open(running.realtimeUrl.replace(/\/graphql\/realtime$/, ''), auth);
        clients.push(client);
        await client.init();
        await Promise.all(Array.from({ length: PER_CONNECTION }, (_, i) => client.subscribe(`s${i}`, ON_CREATE, {}, auth)));
        client.frames.length = 0;
      }
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: accessToken },
        body: JSON.stringify({ query: 'mutation { createSite(input: { id: "http-1", name: "Over HTTP" }) { id _version } }' }),
      });
      assert.deepEqual(((await response.json()) as { data: unknown }).data, { createSite: { id: 'http-1', _version: 1 } });
      await until(() => clients.every((c) => dataFrames(c).length === PER_CONNECTION), 'every subscription to receive the site');
    } finally {
      for (const client of clients) client.close();
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
