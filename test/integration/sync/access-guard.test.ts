// The save guard against the real Outpost server: what the guard refuses locally is what the
// server would refuse (and nothing is queued), and what it lets through the server accepts —
// for @auth (an API key and owner-only models; a user and someone else's record) and for the item
// size at the exact boundary of the server's announced `maxItemBytes`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Unauthorized, ValidationError } from '../../../common/errors.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import { measureItem, storedItemOf } from '../../../common/schema/item-size.js';
import { ownerFillOf } from '../../../common/schema/model-permissions.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { identityFromToken, trackIdentity, type IdentityTracker } from '../../../main/auth/identity-claims.js';
import { signIn } from '../../../main/auth/sign-in.js';
import { checkPendingDelete, checkPendingSave, createSaveGuard, type SaveGuard } from '../../../main/save-guard.js';
import { tokenProviderFromSession } from '../../../main/sync/sync-auth.js';
import { startHarness, type Harness } from '../server/server-harness.js';
import { drained, openClient, waitFor, type TestClient } from './sync-clients.js';

const SDL = `
type Post @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String!
  body: String
}
type Notice @model @auth(rules: [{ allow: owner }, { allow: private, operations: [read] }]) {
  id: ID!
  text: String!
}
type Note @model @auth(rules: [{ allow: public }]) {
  id: ID!
  text: String!
}
`;
const schema = parseSchema(SDL);
/** Small, so the boundary records are small; announced by the server in every answer. */
const LIMIT = 4096;

let h: Harness;
const clients: TestClient[] = [];

before(async () => {
  h = await startHarness('sqlite', { schema: SDL, models: {}, limits: { maxItemBytes: LIMIT } });
});

after(async () => {
  for (const c of clients) await c.dispose();
  await h?.close();
});

interface GuardedClient {
  readonly client: TestClient;
  readonly guard: SaveGuard;
  readonly tracker: IdentityTracker;
  /** What the app does on save: check, then save (the check throws before anything is written). */
  save(model: string, patch: ModelRecord): Promise<ModelRecord>;
}

function guarded(client: TestClient, tracker: IdentityTracker): GuardedClient {
  const guard = createSaveGuard({ schema, identity: () => tracker.identity(), maxItemBytes: () => client.worker.capabilities.maxItemBytes });
  return {
    client,
    guard,
    tracker,
    async save(model, patch) {
      await checkPendingSave(guard, client.datastore, schema, model, patch);
      return client.datastore.save(model, patch);
    },
  };
}

async function apiKeyClient(): Promise<GuardedClient> {
  const apiKey = h.key.headers['x-api-key']!;
  const tracker = trackIdentity({ kind: 'apiKey', apiKey });
  const client = openClient(h.server.url, { type: 'apiKey', apiKey }, { schema });
  clients.push(client);
  await client.worker.start();
  return guarded(client, tracker);
}

/** A user signed in as the app signs in (password → token session), the worker fed the tracked session. */
async function userClient(username: string): Promise<GuardedClient> {
  const server = h.server.url.replace(/\/graphql$/, '');
  const signedIn = await signIn({ mode: 'password', server, username, password: `${username} password 123` }, { credentials: memoryCredentialStore() });
  const tracker = trackIdentity(signedIn.credentials);
  assert.ok(tracker.credentials.kind === 'userPools');
  const client = openClient(h.server.url, { type: 'jwt', tokens: tokenProviderFromSession(tracker.credentials.session) }, { schema });
  clients.push(client);
  await client.worker.start();
  return guarded(client, tracker);
}

async function serverGet(caller: 'alice' | 'bob' | 'key', model: string, id: string, fields: string): Promise<Record<string, unknown> | null> {
  const res = await h.gql(h[caller], `query { get${model}(id: ${JSON.stringify(id)}) { ${fields} } }`);
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return (res.body.data?.[`get${model}`] as Record<string, unknown> | null) ?? null;
}

test('an API key on an owner-only model: the create is refused locally and nothing is queued', async () => {
  const device = await apiKeyClient();
  await assert.rejects(device.save('Post', { title: 'by key' }), (error: unknown) => {
    assert.ok(error instanceof Unauthorized);
    assert.equal(error.message, 'You cannot add Posts with this sign-in (an API key): the schema lets only signed-in owners create them.');
    return true;
  });
  assert.equal(await device.client.datastore.outbox.outboxCount(), 0, 'nothing queued');
  assert.deepEqual(await device.client.datastore.query('Post'), [], 'nothing stored');
  // The server agrees: the same create sent directly is refused.
  const direct = await h.gql(h.key, 'mutation { createPost(input: { title: "by key" }) { id } }');
  assert.match(JSON.stringify(direct.body.errors), /Unauthorized/);
  // What the key may do goes through: a public Note is saved and accepted.
  const note = await device.save('Note', { text: 'public' });
  await drained(device.client);
  assert.equal((await serverGet('key', 'Note', note.id as string, 'text'))?.text, 'public');
  assert.deepEqual(device.guard.access().models.Post, { read: false, create: false, update: false, delete: false });
  assert.deepEqual(device.guard.access().models.Note, { read: true, create: true, update: true, delete: true });
  assert.equal(device.guard.readsNothing(), false, 'the key reads Notes');
});

test('an owner JWT: the guard allows the create and the server accepts it as theirs', async () => {
  const device = await userClient('alice');
  await waitFor('the identity from the session’s token', () => device.tracker.identity() !== null);
  const identity = device.tracker.identity();
  assert.ok(identity?.kind === 'user');
  assert.equal(`${identity.sub}::${identity.username}`, h.aliceOwner, 'the client reads the owner value the server stores');
  const post = await device.save('Post', { title: 'mine' });
  await drained(device.client);
  const stored = await serverGet('alice', 'Post', post.id as string, 'title owner _version');
  assert.deepEqual(stored, { title: 'mine', owner: h.aliceOwner, _version: 1 });
  // Update and delete of their own record pass too, and the server takes them.
  await waitFor(
    'the server’s owner value on the local row',
    async () => (await device.client.datastore.get('Post', { id: post.id as string }))?.owner === h.aliceOwner,
  );
  await device.save('Post', { id: post.id, title: 'mine, renamed' });
  await drained(device.client);
  assert.equal((await serverGet('alice', 'Post', post.id as string, 'title'))?.title, 'mine, renamed');
  await checkPendingDelete(device.guard, device.client.datastore, 'Post', { id: post.id as string });
});

test('a user may read but not change someone else’s record: refused locally, as the server refuses it', async () => {
  const created = await h.gql(h.bob, 'mutation { createNotice(input: { text: "bob’s" }) { id } }');
  const id = (created.body.data?.createNotice as { id: string }).id;
  const device = await userClient('alice');
  await waitFor('bob’s Notice synced to alice', async () => (await device.client.datastore.get('Notice', { id })) !== undefined);
  await assert.rejects(device.save('Notice', { id, text: 'alice was here' }), (error: unknown) => {
    assert.ok(error instanceof Unauthorized);
    assert.match(error.message, /^You cannot change this Notice \(signed in as alice\): it belongs to someone else \(Notice\.owner does not name you\)/);
    return true;
  });
  await assert.rejects(checkPendingDelete(device.guard, device.client.datastore, 'Notice', { id }), Unauthorized);
  assert.equal(await device.client.datastore.outbox.outboxCount(), 0, 'nothing queued');
  assert.equal((await device.client.datastore.get('Notice', { id }))?.text, 'bob’s', 'the local row is untouched');
  const direct = await h.gql(h.alice, `mutation { updateNotice(input: { id: ${JSON.stringify(id)}, text: "x", _version: 1 }) { id } }`);
  assert.match(JSON.stringify(direct.body.errors), /Unauthorized/, 'the server refuses the same update');
});

/** A body that makes the Post exactly `bytes` as the guard counts it, in a 2-byte `letter` plus one "a" when odd. */
function bodyForSize(device: GuardedClient, base: ModelRecord, bytes: number, kind: 'create' | 'update', letter = 'é'): string {
  const model = schema.models.Post!;
  const fill = kind === 'create' ? ownerFillOf(model, device.tracker.identity(), base) : {};
  const empty = measureItem(storedItemOf(model, { ...base, body: '' }, { kind, fill })).bytes;
  const room = bytes - empty;
  return letter.repeat(Math.floor(room / 2)) + (room % 2 === 1 ? 'a' : '');
}

test('item size at the server’s announced limit: one byte over is refused locally, the limit itself is accepted by the server', async () => {
  const device = await userClient('alice');
  await waitFor('the server’s announcement', () => device.client.worker.capabilities.state === 'announced');
  assert.equal(device.guard.access().maxItemBytes, LIMIT, 'the announced limit, not the 400 KB default');
  await waitFor('the identity', () => device.tracker.identity() !== null);
  const queuedBefore = await device.client.datastore.outbox.outboxCount();

  // Create: the id is the client's, so the size the server counts is fully known.
  const id = 'size-boundary-post';
  const base = { id, title: 'big' };
  const over = bodyForSize(device, base, LIMIT + 1, 'create');
  assert.ok(over.length < LIMIT / 2 + 1, 'fewer characters than the limit: bytes, not characters, decide');
  await assert.rejects(device.save('Post', { ...base, body: over }), (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.path, 'Post.body');
    assert.match(
      error.message,
      /^Post\.body makes this record 4 KB \(4,097 bytes\); the server accepts at most 4 KB \(4,096 bytes\) per record\. Shorten Post\.body by at least 1 byte\.$/,
    );
    return true;
  });
  assert.equal(await device.client.datastore.outbox.outboxCount(), queuedBefore, 'nothing queued');
  // The server would have refused it too (an id of the same length: the same size).
  const direct = await h.gql(h.alice, 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }', {
    input: { ...base, id: 'size-boundary-over', body: over },
  });
  assert.equal(direct.body.errors?.[0]?.errorType, 'PayloadTooLargeException');

  await device.save('Post', { ...base, body: bodyForSize(device, base, LIMIT, 'create') });
  await drained(device.client);
  assert.equal((await serverGet('alice', 'Post', id, '_version'))?._version, 1, 'the server accepted the record of exactly the limit');

  // Update: measured on the stored row with the patch merged in (createdAt kept, owner from the server).
  await waitFor('the server’s copy on the local row', async () => (await device.client.datastore.get('Post', { id }))?._version === 1);
  const row = (await device.client.datastore.get('Post', { id }))!;
  const { body: _body, ...rest } = row;
  void _body;
  await assert.rejects(device.save('Post', { id, body: bodyForSize(device, rest, LIMIT + 1, 'update', 'ü') }), ValidationError);
  await device.save('Post', { id, body: bodyForSize(device, rest, LIMIT, 'update', 'ü') });
  await drained(device.client);
  const refused = device.client.events.filter((e) => e.type === 'error' && e.data.process === 'mutate');
  assert.deepEqual(refused, [], 'no write was refused by the server');
  assert.equal((await serverGet('alice', 'Post', id, '_version'))?._version, 2, 'the server accepted the update of exactly the limit');
});

test('identityFromToken reads an Outpost access token as the server reads it', () => {
  const identity = identityFromToken(h.alice.headers.authorization!);
  assert.ok(identity?.kind === 'user');
  assert.equal(`${identity.sub}::${identity.username}`, h.aliceOwner);
});
