// Child process for the SIGKILL test: opens the client database named by OUTPOST_DB, starts a sync
// worker against OUTPOST_ENDPOINT and prints `processed <n>` after each accepted mutation, until
// it is killed.
import { openDatastore } from '../../../main/datastore/datastore.js';
import { createSyncWorker } from '../../../main/sync/sync-worker.js';
import { testSchema } from '../../integration/sync/sync-clients.js';

const file = process.env.OUTPOST_DB;
const endpoint = process.env.OUTPOST_ENDPOINT;
const apiKey = process.env.OUTPOST_API_KEY;
if (!file || !endpoint || !apiKey) throw new Error('OUTPOST_DB, OUTPOST_ENDPOINT and OUTPOST_API_KEY are required');

const datastore = openDatastore({ file, schema: testSchema });
const worker = createSyncWorker({
  datastore,
  schema: testSchema,
  endpoint,
  auth: { type: 'apiKey', apiKey },
  models: ['Note'],
  maxConcurrentMutations: 8,
  backoff: { maxDelayMs: 200 },
});
let processed = 0;
worker.onEvent((event) => {
  if (event.type === 'outboxMutationProcessed') process.stdout.write(`processed ${++processed}\n`);
});
await worker.start();
process.stdout.write('ready\n');
// Stay alive until killed; a bounded lifetime keeps a lost child from lingering.
setTimeout(() => process.exit(2), 60_000);
