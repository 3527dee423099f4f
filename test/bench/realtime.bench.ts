// Real-time fan-out: how many `data` frames per second the endpoint delivers to WebSocket
// subscribers on 127.0.0.1, with the in-process bus and with the PostgreSQL bus (event published
// through a second bus, as by another server process), and the publish → frame latency.
// Prints a table and writes bench-results/realtime.json. Numbers only; nothing passes or fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSchema } from '../../common/schema/parse-schema.js';
import type { ChangeBus } from '../../server/realtime/change-event.js';
import { MemoryChangeBus } from '../../server/realtime/memory-change-bus.js';
import { PostgresChangeBus } from '../../server/realtime/postgres-change-bus.js';
import { createRealtimeHandler } from '../../server/realtime/realtime-handler.js';
import { AppSyncWsClient } from '../integration/realtime/appsync-ws-client.js';
import { createTestAccounts } from '../integration/realtime/realtime-test-accounts.js';
import { createTestDatabase } from '../integration/realtime/test-database.js';

const EVENTS = 200;
const SUBSCRIPTIONS_PER_CONNECTION = 50;
const schema = parseSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const accounts = await createTestAccounts();
const SELECTION = 'id name code tags owner _version _lastChangedAt _deleted';

interface Row {
  bus: string;
  subscribers: number;
  events: number;
  framesPerSecond: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
}

async function scenario(label: string, listenBus: ChangeBus, publishBus: ChangeBus, subscribers: number): Promise<Row> {
  const realtime = createRealtimeHandler({ schema, bus: listenBus, authenticate: accounts.authenticate });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => {
    if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: AppSyncWsClient[] = [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  for (let made = 0; made < subscribers;) {
    const client = await AppSyncWsClient.open(url, accounts.aliceAuth);
    await client.init();
    const count = Math.min(SUBSCRIPTIONS_PER_CONNECTION, subscribers - made);
    for (let i = 0; i < count; i++) {
      await client.subscribe(`s${i}`, `subscription { onCreateSite { ${SELECTION} } }`, {}, accounts.aliceAuth);
    }
    made += count;
    client.socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; payload?: { data?: { onCreateSite?: { id: string } } } };
      if (frame.type !== 'data') return;
      const id = frame.payload?.data?.onCreateSite?.id ?? '';
      latencies.push(performance.now() - (sentAt.get(id) ?? performance.now()));
      if (++received === subscribers * EVENTS) allReceived();
    });
    clients.push(client);
  }
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const id = `${label}-${subscribers}-${i}`;
    sentAt.set(id, performance.now());
    await publishBus.publish({
      model: 'Site',
      mutation: 'create',
      item: { id, name: `Site ${i}`, code: 'B', tags: ['a'], owner: accounts.alice, _version: 1, _lastChangedAt: Date.now(), _deleted: null },
    });
    // Let sockets flush between writes, as between mutations arriving over HTTP; a burst would measure queueing.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 120_000))]);
  const elapsed = (performance.now() - started) / 1000;
  for (const client of clients) client.close();
  await realtime.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(2));
  return {
    bus: label,
    subscribers,
    events: EVENTS,
    framesPerSecond: Math.round(received / elapsed),
    p50LatencyMs: at(0.5),
    p95LatencyMs: at(0.95),
  };
}

const rows: Row[] = [];
const memory = new MemoryChangeBus();
for (const subscribers of [1, 100, 500]) rows.push(await scenario('memory', memory, memory, subscribers));
await memory.close();

const database = await createTestDatabase();
if ('skip' in database) {
  console.log(`PostgreSQL bus skipped: ${database.skip}`);
} else {
  const listen = await PostgresChangeBus.create({ connectionString: database.url });
  const publish = await PostgresChangeBus.create({ connectionString: database.url });
  try {
    for (const subscribers of [1, 100, 500]) rows.push(await scenario('postgres', listen, publish, subscribers));
  } finally {
    await listen.close();
    await publish.close();
    await database.drop();
  }
}
await accounts.close();

console.table(rows);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/realtime.json', `${JSON.stringify({ when: new Date().toISOString(), rows }, null, 2)}\n`);
