// A server-side failure while authenticating (the auth database unreachable) is not an
// authorization verdict: the client is told to retry (amplify-js gives up for good on 401/
// UnauthorizedException), the internal message stays on the server, and live subscriptions are
// not ended by a periodic re-check that could not reach the database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { MemoryChangeBus } from '../../../server/realtime/memory-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from '../../../server/realtime/realtime-handler.js';
import { AppSyncWsClient } from './appsync-ws-client.js';
import { createTestAccounts, type TestAccounts } from './realtime-test-accounts.js';

const schema = parseSchema(
  `type Notice @model @auth(rules: [{ allow: public, provider: apiKey }]) {
  id: ID!
  title: String!
}`,
  'server-failure.graphql',
);
const INTERNAL = 'connect ECONNREFUSED 127.0.0.1:5432 (internal detail)';

describe('real-time endpoint when authentication fails on the server side', () => {
  let accounts: TestAccounts;
  let server: Server;
  let realtime: RealtimeHandler;
  let url: string;
  let failing = false;
  const bus = new MemoryChangeBus();
  const reported: unknown[] = [];
  const clients: AppSyncWsClient[] = [];

  before(async () => {
    accounts = await createTestAccounts();
    realtime = createRealtimeHandler({
      schema,
      bus,
      authenticate: async (headers) => {
        if (failing) throw new Error(INTERNAL);
        return accounts.authenticate(headers);
      },
      limits: { keepAliveIntervalMs: 150, connectionInitTimeoutMs: 2_000, reauthorizeIntervalMs: 100 },
      reportError: (e) => reported.push(e),
    });
    server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const c of clients) c.close();
    await realtime.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await accounts.close();
  });

  async function connect(): Promise<AppSyncWsClient> {
    const client = await AppSyncWsClient.open(url, accounts.keyAuth);
    clients.push(client);
    return client;
  }

  it('answers connection_init with a retryable InternalFailure (500), not 401, and reports the cause', async () => {
    failing = true;
    try {
      const client = await connect();
      const answer = await client.init();
      assert.equal(answer.type, 'connection_error');
      const [error] = answer.payload?.errors ?? [];
      assert.equal(error?.errorType, 'InternalFailure');
      assert.equal(error?.errorCode, 500);
      assert.doesNotMatch(error?.message ?? '', /ECONNREFUSED/);
      assert.ok(reported.some((e) => e instanceof Error && e.message === INTERNAL));
    } finally {
      failing = false;
    }
  });

  it('answers a start during the failure with InternalFailure, not UnauthorizedException', async () => {
    const client = await connect();
    assert.equal((await client.init()).type, 'connection_ack');
    failing = true;
    try {
      const answer = await client.subscribe('s1', 'subscription { onCreateNotice { id title } }', {}, accounts.keyAuth);
      assert.equal(answer.type, 'error');
      assert.equal(answer.payload?.errors?.[0]?.errorType, 'InternalFailure');
      assert.doesNotMatch(answer.payload?.errors?.[0]?.message ?? '', /ECONNREFUSED/);
    } finally {
      failing = false;
    }
  });

  it('keeps live subscriptions through re-checks that cannot reach the auth store', async () => {
    const client = await connect();
    assert.equal((await client.init()).type, 'connection_ack');
    assert.equal((await client.subscribe('s2', 'subscription { onCreateNotice { id title } }', {}, accounts.keyAuth)).type, 'start_ack');
    failing = true;
    try {
      // Several re-check periods (100 ms each) pass while authentication fails.
      await client.expectNone((f) => f.id === 's2', 600);
    } finally {
      failing = false;
    }
    await bus.publish({ model: 'Notice', mutation: 'create', item: { id: 'n1', title: 'Still here', _version: 1, _lastChangedAt: 1, _deleted: null } });
    const data = await client.next((f) => f.id === 's2');
    assert.equal(data.type, 'data');
  });
});
