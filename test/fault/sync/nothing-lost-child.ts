// Child process of the "nothing lost" run: one device (the database OUTPOST_DB) syncing with
// OUTPOST_ENDPOINT as the JWT in OUTPOST_TOKEN, printing `processed <n>` after each accepted
// mutation, until the test SIGKILLs it mid-drain.
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { staticTokenProvider } from '../../../main/sync/sync-auth.js';
import { createSyncWorker } from '../../../main/sync/sync-worker.js';
import { NOTHING_LOST_SDL } from './nothing-lost-model.js';

const file = process.env.OUTPOST_DB;
const endpoint = process.env.OUTPOST_ENDPOINT;
const token = process.env.OUTPOST_TOKEN;
if (!file || !endpoint || !token) throw new Error('OUTPOST_DB, OUTPOST_ENDPOINT and OUTPOST_TOKEN are required');

const schema = parseSchema(NOTHING_LOST_SDL);
const datastore = openDatastore({ file, schema });
const worker = createSyncWorker({
  datastore,
  schema,
  endpoint,
  auth: { type: 'jwt', tokens: staticTokenProvider(token) },
  models: ['Task'],
  maxConcurrentMutations: 4,
  backoff: { maxDelayMs: 200 },
});
let processed = 0;
worker.onEvent((event) => {
  if (event.type === 'outboxMutationProcessed') process.stdout.write(`processed ${++processed}\n`);
});
await worker.start();
process.stdout.write('ready\n');
// A bounded lifetime keeps a lost child from lingering.
setTimeout(() => process.exit(2), 60_000);
