// Owner arguments of the sync worker's subscriptions against the real server (PROTOCOL.md §1.6,
// §6.3). Outpost's tokens carry `username` and `cognito:username`: a rule naming either claim
// makes the worker send `owner: "<username>"`, which the server checks names the caller; a list
// owner field or a static group the user is in sends none, and the server filters at run time.
// Either way each user hears, live, about exactly the records a sync would give them. The start
// frames are read off the client's `ws` sockets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import { startHarness, type Caller, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';

const SDL = `
type Memo @model @auth(rules: [{ allow: owner, identityClaim: "username" }]) {
  id: ID!
  text: String!
}
type Task @model @auth(rules: [{ allow: owner, ownerField: "assignees" }]) {
  id: ID!
  title: String!
  assignees: [String]
}
type Report @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["leads"] }]) {
  id: ID!
  title: String!
}
`;
const schema = parseSchema(SDL);

interface SentStart {
  readonly authorization: string | undefined;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}
const starts: SentStart[] = [];
const originalSend = WebSocket.prototype.send;

let h: Harness;
let carol: Caller;
const clients: TestClient[] = [];

before(async () => {
  // Every frame any socket of this process sends passes here; only clients send `start`.
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    try {
      const frame = JSON.parse(String(data)) as { type?: string; payload?: { data: string; extensions: { authorization: Record<string, string> } } };
      if (frame.type === 'start' && frame.payload) {
        const body = JSON.parse(frame.payload.data) as { query: string; variables: Record<string, unknown> };
        starts.push({ authorization: frame.payload.extensions.authorization.Authorization, ...body });
      }
    } catch {
      // Not a JSON frame: not ours to record.
    }
    return (originalSend as (...args: unknown[]) => void).call(this, data, ...rest);
  } as typeof WebSocket.prototype.send;
  h = await startHarness('sqlite', { schema: SDL, models: {} });
  await h.server.authStore.addUser({ username: 'carol', password: 'carol password 123', groups: ['leads'] });
  const res = await fetch(h.server.url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'carol', password: 'carol password 123' }),
  });
  carol = { headers: { authorization: ((await res.json()) as { accessToken: string }).accessToken } };
});

after(async () => {
  for (const c of clients) await c.dispose();
  await h?.close();
  WebSocket.prototype.send = originalSend;
});

async function started(caller: Caller): Promise<TestClient> {
  const client = openClient(h.server.url, authOf(caller), { schema });
  clients.push(client);
  await client.worker.start();
  return client;
}

function startsOf(caller: Caller, field: string): SentStart[] {
  return starts.filter((s) => s.authorization === caller.headers.authorization && new RegExp(`\\b${field}\\(|\\b${field} \\{`).test(s.query));
}

async function create(caller: Caller, model: string, input: Record<string, unknown>): Promise<ModelRecord> {
  const field = `create${model}`;
  const res = await h.gql(caller, `mutation($input: Create${model}Input!) { ${field}(input: $input) { id _version } }`, { input });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return res.body.data?.[field] as ModelRecord;
}

/** Creates `theirs` as `other`, then `mine` as `caller`; waits for `mine` at `client` (events of one socket arrive in publish order). */
async function onlyMineArrives(
  client: TestClient,
  model: string,
  caller: Caller,
  mine: Record<string, unknown>,
  other: Caller,
  theirs: Record<string, unknown>,
): Promise<void> {
  const syncs = client.events.filter((e) => e.type === 'modelSynced').length;
  const theirRecord = await create(other, model, theirs);
  const myRecord = await create(caller, model, mine);
  await waitFor(`${model} ${String(myRecord.id)} by subscription`, async () => (await client.datastore.get(model, String(myRecord.id))) !== undefined);
  assert.equal(await client.datastore.get(model, String(theirRecord.id)), undefined, "another user's record never arrives");
  assert.equal(client.events.filter((e) => e.type === 'modelSynced').length, syncs, 'it came by subscription, not by a sync round');
}

test('an owner rule naming a claim the token carries: `owner` is sent and checked; each user hears only their own changes', async () => {
  const alice = await started(h.alice);
  const bob = await started(h.bob);
  for (const kind of ['onCreateMemo', 'onUpdateMemo', 'onDeleteMemo']) {
    const [start] = startsOf(h.alice, kind);
    assert.ok(start, `alice's ${kind} start was sent`);
    assert.deepEqual(start.variables, { owner: 'alice' });
    assert.match(start.query, new RegExp(`^subscription operation\\(\\$owner: String!\\) \\{\\n {2}${kind}\\(owner: \\$owner\\) \\{`));
    assert.deepEqual(startsOf(h.bob, kind)[0]?.variables, { owner: 'bob' });
  }
  assert.deepEqual(
    alice.events.filter((e) => e.type === 'error'),
    [],
    'the server accepted every owner argument',
  );
  await onlyMineArrives(alice, 'Memo', h.alice, { text: 'alice memo' }, h.bob, { text: 'bob memo' });
  await onlyMineArrives(bob, 'Memo', h.bob, { text: 'bob again' }, h.alice, { text: 'alice again' });

  // An edit made on alice's device reaches her other device live.
  const memo = await alice.datastore.save('Memo', { text: 'draft' });
  await drained(alice);
  const other = await started(h.alice);
  await alice.datastore.save('Memo', { ...(await alice.datastore.get('Memo', String(memo.id)))!, text: 'final' });
  await drained(alice);
  await waitFor('the edit on the other device', async () => (await other.datastore.get('Memo', String(memo.id)))?.text === 'final');
});

test('the default owner rule sends the cognito:username claim; a static group the user is in sends none and hears everyone', async () => {
  const alice = await started(h.alice);
  const lead = await started(carol);
  assert.deepEqual(startsOf(h.alice, 'onCreateReport')[0]?.variables, { owner: 'alice' });
  const carolsStart = startsOf(carol, 'onCreateReport')[0];
  assert.ok(carolsStart);
  assert.deepEqual(carolsStart.variables, {});
  assert.match(carolsStart.query, /^subscription operation \{\n {2}onCreateReport \{/);
  await onlyMineArrives(alice, 'Report', h.alice, { title: 'alice report' }, h.bob, { title: 'bob report' });
  // With an owner argument carol would hear only her own reports; without one she hears bob's.
  const bobs = await create(h.bob, 'Report', { title: 'for the leads' });
  await waitFor("bob's report at the lead", async () => (await lead.datastore.get('Report', String(bobs.id))) !== undefined);
  assert.deepEqual(
    lead.events.filter((e) => e.type === 'error'),
    [],
  );
});

test("a list owner field takes no argument: the server's runtime filter delivers only the caller's records", async () => {
  const alice = await started(h.alice);
  for (const kind of ['onCreateTask', 'onUpdateTask', 'onDeleteTask']) {
    const [start] = startsOf(h.alice, kind);
    assert.ok(start, `alice's ${kind} start was sent`);
    assert.deepEqual(start.variables, {});
    assert.doesNotMatch(start.query, /\$assignees|\$owner/);
  }
  assert.deepEqual(
    alice.events.filter((e) => e.type === 'error'),
    [],
  );
  await onlyMineArrives(alice, 'Task', h.alice, { title: 'alice task', assignees: ['alice'] }, h.bob, { title: 'bob task', assignees: ['bob'] });
});
