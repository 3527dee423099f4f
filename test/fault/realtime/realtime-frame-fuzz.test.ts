// Real-time fuzz: seeded random, malformed and near-valid frames on live connections. Every frame
// gets a protocol answer or none, the server never fails internally, and afterwards a proper
// subscription still works. Replay a failure with OUTPOST_FUZZ_SEED=<seed printed>.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { MemoryChangeBus } from '../../../server/realtime/memory-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from '../../../server/realtime/realtime-handler.js';
import { AppSyncWsClient } from '../../integration/realtime/appsync-ws-client.js';
import { createTestAccounts, type TestAccounts } from '../../integration/realtime/realtime-test-accounts.js';

const seed = Number(process.env.OUTPOST_FUZZ_SEED ?? 20261125);
const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

const documents = [
  'subscription { onCreateSite { id name } }',
  'subscription operation($filter: ModelSubscriptionSiteFilterInput){ onUpdateSite(filter: $filter){ id } }',
  'subscription { onCreateSite { id ...F } } fragment F on Site { ...F }',
  'query { listSites { items { id } } }',
  'subscription { onCreateSite { id',
  '{'.repeat(500),
];

let server: Server;
let realtime: RealtimeHandler;
let bus: MemoryChangeBus;
let accounts: TestAccounts;
let url = '';
const internal: unknown[] = [];

before(async () => {
  accounts = await createTestAccounts();
  bus = new MemoryChangeBus();
  realtime = createRealtimeHandler({
    schema,
    bus,
    authenticate: accounts.authenticate,
    limits: { maxSubscriptionsPerConnection: 10 },
    reportError: (e) => internal.push(e),
  });
  server = createServer();
  server.on('upgrade', (req, socket, head) => {
    if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await realtime.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await accounts.close();
});

test(`random and malformed frames never break the endpoint (seed ${seed})`, async () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  const variables = fc.oneof(
    fc.constant({}),
    fc.record({ filter: fc.oneof(json, fc.record({ name: fc.record({ in: fc.array(fc.string(), { maxLength: 3 }) }) })) }),
    json,
  );
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant('alice'),
    fc.constant('expired'),
    json,
    fc.dictionary(fc.string({ maxLength: 15 }), fc.string({ maxLength: 30 })),
  );
  const frame = fc.oneof(
    fc.string({ maxLength: 200 }),
    json.map((v) => JSON.stringify(v)),
    fc
      .record({
        type: fc.constantFrom('start', 'stop', 'connection_init', 'ka', 'data', 'complete', 'bogus'),
        id: fc.oneof(fc.uuid(), fc.string({ maxLength: 5 }), json),
      })
      .map((v) => JSON.stringify(v)),
    fc
      .record({
        id: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 140 })),
        document: fc.oneof(fc.constantFrom(...documents), fc.string({ maxLength: 100 })),
        variables,
        authorization,
        asString: fc.boolean(),
      })
      .map(({ id, document, variables: vars, authorization: auth, asString }) => {
        const data = { query: document, variables: vars };
        const resolved = auth === 'alice' ? accounts.aliceAuth : auth === 'expired' ? accounts.expiredAuth : auth;
        return JSON.stringify({
          id,
          type: 'start',
          payload: { data: asString ? JSON.stringify(data) : data, extensions: resolved === undefined ? {} : { authorization: resolved } },
        });
      }),
  );
  const sessions = fc.sample(fc.array(frame, { minLength: 1, maxLength: 40 }), { seed, numRuns: 12 });
  for (const frames of sessions) {
    const client = await AppSyncWsClient.open(url, accounts.aliceAuth);
    assert.equal((await client.init()).type, 'connection_ack');
    for (const text of frames) client.send(text);
    // A well-formed subscription after the noise is still served, on the same connection.
    const answer = await client.subscribe('final-check', 'subscription { onCreateSite { id } }', {}, accounts.aliceAuth);
    assert.ok(
      answer.type === 'start_ack' || (answer.type === 'error' && answer.payload?.errors?.[0]?.errorType === 'MaxSubscriptionsReachedError'),
      JSON.stringify(answer),
    );
    client.close();
    await client.closed();
  }
  assert.deepEqual(internal, [], 'no internal failure was reported');
  for (let i = 0; i < 250 && realtime.subscriptionCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(realtime.subscriptionCount, 0, 'closed connections leave no subscriptions behind');
});
