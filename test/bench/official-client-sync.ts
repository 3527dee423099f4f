// Child process of sync.bench.ts (e): the official Amplify DataStore client (aws-amplify 6, loaded
// unchanged as test/integration/compat/amplify-node-client.ts does, IndexedDB adapter over
// fake-indexeddb, the browsers' and Electron renderers' storage) base-syncs the bench server's
// Notes with the API key. Env: BENCH_URL, BENCH_API_KEY, BENCH_CERT (the server's certificate,
// PEM path: Amplify always opens wss://), BENCH_RECORDS. Prints one JSON line
// `{ records, seconds, cpuSeconds, peakRssMB }`: start() until Hub's `ready`, then the count.
import { readFileSync } from 'node:fs';
import type { PersistentModelConstructor } from '@aws-amplify/datastore';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { TEST_SDL } from '../integration/server/server-harness.js';
import { installWebSocket, loadAmplify } from '../integration/compat/amplify-node-client.js';
import { toAmplifyModelIntrospection } from '../integration/compat/amplify-model-introspection.js';

const url = process.env.BENCH_URL!;
const apiKey = process.env.BENCH_API_KEY!;
const records = Number(process.env.BENCH_RECORDS ?? 0);
installWebSocket(readFileSync(process.env.BENCH_CERT!));
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const amplify = loadAmplify();
const { DataStore, Hub } = amplify;
amplify.Amplify.configure({ API: { GraphQL: { endpoint: url, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey } } });
const models = amplify.initSchema(toAmplifyModelIntrospection(parseSchema(TEST_SDL)));
const Note = models.Note as PersistentModelConstructor<{ id: string }>;
DataStore.configure({ storageAdapter: amplify.indexedDbAdapter, syncPageSize: 1000, maxRecordsToSync: records + 1000 });
const ready = new Promise<void>((resolve) => {
  Hub.listen('datastore', ({ payload }) => {
    if (payload.event === 'ready') resolve();
  });
});
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const cpu = process.cpuUsage();
const t0 = performance.now();
await DataStore.start();
await ready;
const seconds = (performance.now() - t0) / 1000;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
const stored = (await DataStore.query(Note)).length;
process.stdout.write(`${JSON.stringify({ records: stored, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMB: peakRss / 2 ** 20 })}\n`);
await DataStore.stop();
process.exit(0);
