// Side by side with the official client (issue 10): the Amplify DataStore client (aws-amplify 6,
// run in Node as test/integration/compat does) and Outpost's sync worker make the same edits on the
// same schema against one real server; for a lone create, a create with an explicit null, an
// update, a conditional update and a delete, both send the same document and the same variables
// (record keys aside), and the same `content-type` and `x-amz-user-agent` format.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentModelConstructor } from '@aws-amplify/datastore';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { toAmplifyModelIntrospection } from '../compat/amplify-model-introspection.js';
import {
  installWebSocket,
  loadAmplify,
  recordGraphqlRequests,
  recordHub,
  startTlsServer,
  waitFor,
  type HubEvent,
  type RecordedRequest,
  type TlsOutpost,
} from '../compat/amplify-node-client.js';
import { openClient, drained, type TestClient } from './sync-clients.js';

const schema = parseSchema(`
enum MemoStatus { OPEN DONE }
type Memo @model @auth(rules: [{ allow: public }]) { id: ID! text: String! count: Int pinned: Boolean status: MemoStatus tags: [String] }
`);
type Memo = { readonly id: string; readonly text: string; readonly count?: number | null; readonly pinned?: boolean | null; readonly _version?: number };

const amplify = loadAmplify();
const { DataStore } = amplify;
let outpost: TlsOutpost;
let apiKey: string;
let amplifyRequests: RecordedRequest[];
let hub: { events: HubEvent[]; stop: () => void };
let MemoModel: PersistentModelConstructor<Memo>;
let device: TestClient;
/** What Outpost's worker sent, recorded at its own fetch (Amplify's recorder sees only Amplify). */
const outpostRequests: RecordedRequest[] = [];

before(async () => {
  outpost = await startTlsServer(schema);
  apiKey = (await outpost.server.authStore.createApiKey()).key;
  installWebSocket(outpost.cert);
  const nodeFetch = globalThis.fetch;
  amplifyRequests = recordGraphqlRequests().requests;
  amplify.Amplify.configure({ API: { GraphQL: { endpoint: outpost.server.url, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey } } });
  MemoModel = amplify.initSchema(toAmplifyModelIntrospection(schema)).Memo as PersistentModelConstructor<Memo>;
  DataStore.configure({ storageAdapter: amplify.indexedDbAdapter });
  hub = recordHub(amplify.Hub);
  await DataStore.start();
  await waitFor('DataStore ready', () => (hub.events.some((e) => e.event === 'ready') ? true : undefined));

  const recording: typeof fetch = async (input, init) => {
    const text = typeof init?.body === 'string' ? init.body : null;
    if (text !== null)
      outpostRequests.push({
        url: String(input),
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        body: JSON.parse(text) as RecordedRequest['body'],
      });
    return nodeFetch(input, init);
  };
  device = openClient(outpost.server.url, { type: 'apiKey', apiKey }, { schema, fetch: recording });
  await device.worker.start();
});

after(async () => {
  await device?.dispose();
  await DataStore.clear();
  hub?.stop();
  await outpost?.close();
});

/** DataStore's copy of `id` once the server accepted its mutation and the local copy is at `version`. */
async function amplifyAt(id: string, version: number): Promise<Memo> {
  return waitFor(`DataStore's Memo ${id} at version ${version}`, async () => {
    const row = await DataStore.query(MemoModel, id);
    return row?._version === version ? row : undefined;
  });
}

/** The last mutation request in `requests` whose document names `field`, with keys and ids made comparable. */
function lastMutation(requests: readonly RecordedRequest[], field: string, id: string): { query: string; variables: unknown } {
  const hit = [...requests].reverse().find((r) => r.body.query.startsWith('mutation') && new RegExp(`\\b${field}\\(`).test(r.body.query));
  assert.ok(hit, `a ${field} request`);
  return { query: hit.body.query, variables: JSON.parse(JSON.stringify(hit.body.variables).replaceAll(id, '<id>')) as unknown };
}

async function outpostAt(id: string, version: number): Promise<void> {
  await drained(device);
  await waitFor(`Outpost's Memo ${id} at version ${version}`, async () => (await device.datastore.get('Memo', id))?._version === version);
}

test('a lone create, a create with an explicit null, an update, a conditional update and a delete: the same document and variables as DataStore', async () => {
  // DataStore.
  const a1 = await DataStore.save(new MemoModel({ text: 'hello' }));
  const a1v1 = await amplifyAt(a1.id, 1);
  const a2 = await DataStore.save(new MemoModel({ text: 'nulled', count: null }));
  await amplifyAt(a2.id, 1);
  await DataStore.save(
    MemoModel.copyOf(a1v1, (d) => {
      d.count = 3;
    }),
  );
  const a1v2 = await amplifyAt(a1.id, 2);
  await DataStore.save(
    MemoModel.copyOf(a1v2, (d) => {
      d.text = 'guarded';
    }),
    (c) => c.count.eq(3),
  );
  const a1v3 = await amplifyAt(a1.id, 3);
  await DataStore.delete(a1v3);
  await waitFor('DataStore’s delete', () => (amplifyRequests.some((r) => r.body.query.includes('deleteMemo(') && r.status === 200) ? true : undefined));

  // Outpost, the same edits.
  const o1 = String((await device.datastore.save('Memo', { text: 'hello' })).id);
  await outpostAt(o1, 1);
  const o2 = String((await device.datastore.save('Memo', { text: 'nulled', count: null })).id);
  await outpostAt(o2, 1);
  await device.datastore.save('Memo', { id: o1, count: 3 });
  await outpostAt(o1, 2);
  await device.datastore.save('Memo', { id: o1, text: 'guarded' }, { condition: { field: 'count', op: 'eq', value: 3 } });
  await outpostAt(o1, 3);
  await device.datastore.delete('Memo', o1);
  await drained(device);

  const creates = (requests: readonly RecordedRequest[], id: string) =>
    requests.filter((r) => r.body.query.includes('createMemo(') && JSON.stringify(r.body.variables).includes(id));
  const [amplifyCreate] = creates(amplifyRequests, a1.id);
  const [outpostCreate] = creates(outpostRequests, o1);
  const norm = (r: RecordedRequest, id: string) => ({
    query: r.body.query,
    variables: JSON.parse(JSON.stringify(r.body.variables).replaceAll(id, '<id>')) as unknown,
  });
  assert.deepEqual(norm(outpostCreate, o1), norm(amplifyCreate, a1.id), 'create');
  const [amplifyNulled] = creates(amplifyRequests, a2.id);
  const [outpostNulled] = creates(outpostRequests, o2);
  assert.deepEqual(norm(outpostNulled, o2), norm(amplifyNulled, a2.id), 'create with an explicit null');

  const updates = (requests: readonly RecordedRequest[], id: string) =>
    requests.filter((r) => r.body.query.includes('updateMemo(') && JSON.stringify(r.body.variables).includes(id));
  const [amplifyUpdate, amplifyConditional] = updates(amplifyRequests, a1.id);
  const [outpostUpdate, outpostConditional] = updates(outpostRequests, o1);
  assert.deepEqual(norm(outpostUpdate, o1), norm(amplifyUpdate, a1.id), 'update');
  assert.deepEqual(norm(outpostConditional, o1), norm(amplifyConditional, a1.id), 'conditional update');
  assert.deepEqual(lastMutation(outpostRequests, 'deleteMemo', o1), lastMutation(amplifyRequests, 'deleteMemo', a1.id), 'delete');

  // The first sync page: the same document and variables.
  const firstSync = (requests: readonly RecordedRequest[]) => requests.find((r) => r.body.query.includes('syncMemos('));
  assert.deepEqual(
    { query: firstSync(outpostRequests)?.body.query, variables: firstSync(outpostRequests)?.body.variables },
    { query: firstSync(amplifyRequests)?.body.query, variables: firstSync(amplifyRequests)?.body.variables },
    'sync query',
  );

  // The same headers: DataStore's content type, and its user agent format (plus Outpost's own entry).
  const amplifyHeaders = amplifyCreate.headers;
  const outpostHeaders = outpostCreate.headers;
  assert.equal(outpostHeaders['content-type'], amplifyHeaders['content-type']);
  console.log(
    `DataStore's request headers: ${JSON.stringify({ ...amplifyHeaders, 'x-api-key': '…' })}; Outpost's: ${JSON.stringify({ ...outpostHeaders, 'x-api-key': '…' })}`,
  );
  const agent = /^aws-amplify\/(\d+\.\d+\.\d+) datastore\/2 framework\/\d+/;
  assert.match(amplifyHeaders['x-amz-user-agent'] ?? '', agent);
  assert.match(outpostHeaders['x-amz-user-agent'] ?? '', agent);
  assert.equal(
    agent.exec(outpostHeaders['x-amz-user-agent'] ?? '')?.[1],
    agent.exec(amplifyHeaders['x-amz-user-agent'] ?? '')?.[1],
    'the same Amplify version',
  );
});
