// The wire of lone outbox mutations (issue 10), recorded by a proxy in front of the real server
// that strips the answers' `extensions` (a backend without Outpost's announcement, as AWS AppSync
// is): for a create, a create with an explicit null, an update, a conditional update and a delete,
// the exact document DataStore sends (no alias), the exact variables (a create carries the fields
// the user set plus the key — never `null` for an unset field), no body `extensions`, and
// DataStore's headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
import { HTTP_USER_AGENT } from '../../../main/sync/wire-headers.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';
import { rootFields, startRecordingProxy, type RecordedExchange, type RecordingProxy } from './wire-recording-proxy.js';

let h: Harness;
let proxy: RecordingProxy;
let device: TestClient;
before(async () => {
  h = await startHarness('sqlite');
  proxy = await startRecordingProxy(h.server.port, 'strip');
  device = openClient(proxy.url(), authOf(h.key), { models: ['Note'] });
  await device.worker.start();
});
after(async () => {
  await device?.dispose();
  await proxy?.close();
  await h?.close();
});

// The documents exactly as they leave the client, byte for byte what DataStore sends (Amplify's
// `print(parse(query))` with its graphql 15, ending in a newline; wire-datastore-parity.test.ts
// compares with the official client itself): `mutation operation(...)` with the model's selection.
const SELECTION = '    id\n    text\n    count\n    createdAt\n    updatedAt\n    _version\n    _lastChangedAt\n    _deleted\n';
const CREATE = `mutation operation($input: CreateNoteInput!) {\n  createNote(input: $input) {\n${SELECTION}  }\n}\n`;
const UPDATE = `mutation operation($input: UpdateNoteInput!, $condition: ModelNoteConditionInput) {\n  updateNote(input: $input, condition: $condition) {\n${SELECTION}  }\n}\n`;
const DELETE = `mutation operation($input: DeleteNoteInput!, $condition: ModelNoteConditionInput) {\n  deleteNote(input: $input, condition: $condition) {\n${SELECTION}  }\n}\n`;

/** Waits for the outbox to drain and returns the one mutation request it sent. */
async function theMutationSent(before: number): Promise<RecordedExchange> {
  await drained(device);
  await waitFor('the mutation to be recorded', () => proxy.mutations().length > before);
  const sent = proxy.mutations().slice(before);
  assert.equal(sent.length, 1, `one request: ${sent.map((s) => s.body.query).join('\n---\n')}`);
  const [exchange] = sent;
  assert.equal(exchange.status, 200);
  assert.equal(exchange.response?.errors, undefined, JSON.stringify(exchange.response?.errors));
  assert.equal(exchange.response?.extensions, undefined, 'the proxy stripped the announcement');
  // No Outpost-only body extensions (mutation ids) to a backend that did not announce them.
  assert.equal('extensions' in exchange.body, false, exchange.text);
  assert.deepEqual(Object.keys(exchange.body).sort(), ['operationName', 'query', 'variables']);
  assert.equal(exchange.body.operationName, 'operation');
  assert.equal(exchange.headers['content-type'], 'application/json; charset=UTF-8');
  assert.equal(exchange.headers['x-amz-user-agent'], HTTP_USER_AGENT);
  assert.match(exchange.headers['x-amz-user-agent'], /^aws-amplify\/\d+\.\d+\.\d+ datastore\/2 framework\/\d+ /);
  assert.equal(exchange.headers.accept, 'application/json');
  assert.equal(exchange.headers['x-api-key'], h.key.headers['x-api-key']);
  return exchange;
}

test('before any mutation the client learned that this backend announces nothing', () => {
  assert.equal(device.worker.capabilities.state, 'none');
  assert.equal(device.worker.capabilities.has('mutationBatching'), false);
  assert.equal(device.worker.capabilities.maxItemBytes, 409_600);
});

test('a lone create sends the fields the user set plus the key, nothing as null', async () => {
  const n = proxy.mutations().length;
  const note = await device.datastore.save('Note', { text: 'only text' });
  const local = await device.datastore.get('Note', String(note.id));
  assert.equal(local?.count, null, 'the local row holds null for the unset field');
  const sent = await theMutationSent(n);
  assert.equal(sent.body.query, CREATE);
  assert.deepEqual(rootFields(sent.body.query), ['createNote']);
  assert.deepEqual(sent.body.variables, { input: { id: note.id, text: 'only text' } });
  assert.ok(!sent.text.includes('null'), `no null anywhere in the body: ${sent.text}`);
});

test('a create with a field the user set to null sends that null', async () => {
  const n = proxy.mutations().length;
  const note = await device.datastore.save('Note', { text: 'explicit', count: null });
  const sent = await theMutationSent(n);
  assert.equal(sent.body.query, CREATE);
  assert.deepEqual(sent.body.variables, { input: { id: note.id, text: 'explicit', count: null } });
});

test('an update, a conditional update and a delete: changed fields, key, _version, condition', async () => {
  let n = proxy.mutations().length;
  const note = await device.datastore.save('Note', { text: 'to edit' });
  await theMutationSent(n);
  const id = String(note.id);

  n = proxy.mutations().length;
  await device.datastore.save('Note', { id, count: 3 });
  let sent = await theMutationSent(n);
  assert.equal(sent.body.query, UPDATE);
  assert.deepEqual(rootFields(sent.body.query), ['updateNote']);
  assert.deepEqual(sent.body.variables, { input: { id, count: 3, _version: 1 }, condition: null });

  n = proxy.mutations().length;
  await device.datastore.save('Note', { id, text: 'guarded' }, { condition: { field: 'count', op: 'eq', value: 3 } });
  sent = await theMutationSent(n);
  assert.equal(sent.body.query, UPDATE);
  assert.deepEqual(sent.body.variables, { input: { id, text: 'guarded', _version: 2 }, condition: { and: [{ count: { eq: 3 } }] } });

  n = proxy.mutations().length;
  await device.datastore.delete('Note', id);
  sent = await theMutationSent(n);
  assert.equal(sent.body.query, DELETE);
  assert.deepEqual(rootFields(sent.body.query), ['deleteNote']);
  assert.deepEqual(sent.body.variables, { input: { id, _version: 3 }, condition: null });
  const server = (await h.gql(h.key, `query { getNote(id: "${id}") { _deleted _version } }`)).body.data?.getNote;
  assert.deepEqual(server, { _deleted: true, _version: 4 });
});
