// Two server processes sharing one PostgreSQL: a write published by another OS process reaches a
// WebSocket subscriber of this one, filtered by owner, whatever the record's size.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { ChangeEvent } from '../../../server/realtime/change-event.js';
import { PostgresChangeBus } from '../../../server/realtime/postgres-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from '../../../server/realtime/realtime-handler.js';
import { AppSyncWsClient } from './appsync-ws-client.js';
import { createTestAccounts, type TestAccounts } from './realtime-test-accounts.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const run = promisify(execFile);
const database = await createTestDatabase();
const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

describe('real-time across server processes (PostgreSQL bus)', { skip: 'skip' in database ? database.skip : false }, () => {
  const db = database as TestDatabase;
  let accounts: TestAccounts;
  let bus: PostgresChangeBus;
  let realtime: RealtimeHandler;
  let server: Server;
  let client: AppSyncWsClient | undefined;

  before(async () => {
    accounts = await createTestAccounts();
    bus = await PostgresChangeBus.create({ connectionString: db.url });
    realtime = createRealtimeHandler({ schema, bus, authenticate: accounts.authenticate });
    server = createServer();
    server.on('upgrade', (req, socket, head) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    client?.close();
    await realtime?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bus?.close();
    await accounts?.close();
    await db.drop();
  });

  it('delivers what another process commits, only to its owner, including records over 8000 bytes', async () => {
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = await AppSyncWsClient.open(url, accounts.aliceAuth);
    assert.equal((await client.init()).type, 'connection_ack');
    const query = 'subscription operation { onCreateSite { id name owner _version } }';
    assert.equal((await client.subscribe('s', query, {}, accounts.aliceAuth)).type, 'start_ack');

    const item = (id: string, owner: string, name: string): ChangeEvent => ({
      model: 'Site',
      mutation: 'create',
      item: { id, name, owner, _version: 1, _lastChangedAt: 1, _deleted: null },
    });
    const bigName = 'Überlandleitung '.repeat(4_000);
    const events = [item('b1', accounts.bob, 'bob'), item('a1', accounts.alice, 'small'), item('a2', accounts.alice, bigName)];
    const script = fileURLToPath(new URL('./publish-through-postgres.ts', import.meta.url));
    await run(process.execPath, ['--import', 'tsx', script, db.url, JSON.stringify(events)], { timeout: 20_000 });

    const first = await client.next((f) => f.type === 'data', 10_000);
    const second = await client.next((f) => f.type === 'data', 10_000);
    assert.deepEqual(first.payload?.data, { onCreateSite: { id: 'a1', name: 'small', owner: accounts.alice, _version: 1 } });
    assert.equal(second.payload?.data?.onCreateSite?.name, bigName);
    await client.expectNone((f) => f.type === 'data');
  });
});
