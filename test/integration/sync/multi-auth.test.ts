// MULTI_AUTH against the real server (PROTOCOL.md §6.2): a public (API key) model and an owner
// (JWT) model. The server refuses a JWT on the public model and an API key on the owner model, so
// a DEFAULT worker with one JWT cannot sync the public model, while a MULTI_AUTH worker holding a
// JWT and an API key picks per model: base sync, live events and outbox mutations of both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startHarness, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';

const SDL = `
type Notice @model @auth(rules: [{ allow: public }]) {
  id: ID!
  text: String!
}
type Memo @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  text: String!
}
type Bulletin @model @auth(rules: [{ allow: groups, groups: ["admins"] }, { allow: public }]) {
  id: ID!
  text: String!
}
`;
const schema = parseSchema(SDL);
const FIELDS = 'id text _version _lastChangedAt _deleted';

let h: Harness;
const clients: TestClient[] = [];

before(async () => {
  h = await startHarness('sqlite', { schema: SDL, models: {} });
});

after(async () => {
  for (const c of clients) await c.dispose();
  await h?.close();
});

async function create(model: 'Notice' | 'Memo' | 'Bulletin', text: string): Promise<string> {
  const id = randomUUID();
  const caller = model === 'Memo' ? h.alice : h.key;
  const res = await h.gql(caller, `mutation ($input: Create${model}Input!) { create${model}(input: $input) { ${FIELDS} } }`, { input: { id, text } });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return id;
}

test('the server refuses a JWT on a public-only model and an API key on an owner-only model', async () => {
  const jwtOnPublic = await h.gql(h.alice, `query { syncNotices(limit: 10) { items { id } } }`);
  assert.equal(jwtOnPublic.body.errors?.[0]?.errorType, 'Unauthorized');
  const keyOnOwner = await h.gql(h.key, `query { syncMemos(limit: 10) { items { id } } }`);
  assert.equal(keyOnOwner.body.errors?.[0]?.errorType, 'Unauthorized');
});

test('DEFAULT with a JWT cannot sync the public model: an error event names it', async () => {
  const noticeId = await create('Notice', 'before default');
  const client = openClient(h.server.url, authOf(h.alice), { schema });
  clients.push(client);
  await client.worker.start();
  await waitFor('a Notice sync error', () => client.events.some((e) => e.type === 'error' && e.data.process === 'sync' && e.data.model === 'Notice'));
  assert.equal(await client.datastore.get('Notice', noticeId), undefined);
  await client.close();
});

test('MULTI_AUTH with a JWT and an API key syncs both models: base sync, live events, outbox', async () => {
  const noticeId = await create('Notice', 'before start');
  const memoId = await create('Memo', 'before start');
  const client = openClient(h.server.url, authOf(h.alice), { schema, authModeStrategy: 'MULTI_AUTH', additionalAuth: [authOf(h.key)] });
  clients.push(client);
  await client.worker.start();
  assert.deepEqual(
    client.events.filter((e) => e.type === 'error'),
    [],
  );
  assert.equal((await client.datastore.get('Notice', noticeId))?.text, 'before start');
  assert.equal((await client.datastore.get('Memo', memoId))?.text, 'before start');

  const liveNotice = await create('Notice', 'live');
  const liveMemo = await create('Memo', 'live');
  await waitFor('live Notice', async () => (await client.datastore.get('Notice', liveNotice)) !== undefined);
  await waitFor('live Memo', async () => (await client.datastore.get('Memo', liveMemo)) !== undefined);

  const notice = await client.datastore.save('Notice', { text: 'from the outbox' });
  const memo = await client.datastore.save('Memo', { text: 'from the outbox' });
  await drained(client);
  assert.deepEqual(
    client.events.filter((e) => e.type === 'error'),
    [],
  );
  const serverNotice = await h.gql(h.key, `query ($id: ID!) { getNotice(id: $id) { ${FIELDS} } }`, { id: notice.id });
  assert.equal((serverNotice.body.data?.getNotice as { text?: string } | null)?.text, 'from the outbox');
  const serverMemo = await h.gql(h.alice, `query ($id: ID!) { getMemo(id: $id) { ${FIELDS} } }`, { id: memo.id });
  assert.equal((serverMemo.body.data?.getMemo as { text?: string } | null)?.text, 'from the outbox');
});

test('MULTI_AUTH options are validated', () => {
  assert.throws(
    () => openClient(h.server.url, authOf(h.alice), { schema, additionalAuth: [authOf(h.key)] }),
    /additionalAuth needs authModeStrategy 'MULTI_AUTH'/,
  );
  assert.throws(
    () => openClient(h.server.url, authOf(h.alice), { schema, authModeStrategy: 'MULTI_AUTH', additionalAuth: [authOf(h.bob)] }),
    /two jwt providers/,
  );
});

test('MULTI_AUTH moves to the next mode after a refusal: a group rule the user is not in, then public', async () => {
  // Bulletin's list is [jwt, apiKey] for every operation; alice is not an admin, so each request
  // and start is refused with her JWT first and goes through with the API key.
  const before = await create('Bulletin', 'before start');
  const client = openClient(h.server.url, authOf(h.alice), { schema, authModeStrategy: 'MULTI_AUTH', additionalAuth: [authOf(h.key)], models: ['Bulletin'] });
  clients.push(client);
  await client.worker.start();
  assert.deepEqual(
    client.events.filter((e) => e.type === 'error'),
    [],
  );
  assert.equal((await client.datastore.get('Bulletin', before))?.text, 'before start');
  const live = await create('Bulletin', 'live');
  await waitFor('live Bulletin', async () => (await client.datastore.get('Bulletin', live)) !== undefined);
  const saved = await client.datastore.save('Bulletin', { text: 'from the outbox' });
  await drained(client);
  assert.deepEqual(
    client.events.filter((e) => e.type === 'error'),
    [],
  );
  const server = await h.gql(h.key, `query ($id: ID!) { getBulletin(id: $id) { ${FIELDS} } }`, { id: saved.id });
  assert.equal((server.body.data?.getBulletin as { text?: string } | null)?.text, 'from the outbox');
});
