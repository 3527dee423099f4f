// The IPC handlers over the real main-process core (real SQLite files in a temp dir, offline
// profiles), reached through createApi exactly as the renderer reaches them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { wireChannel, type EventOf } from '../../../common/ipc/contract.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { apiFromBridge, createApi, createBridge, IpcRequestError, type OutpostBridge } from '../../../preload/create-api.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-'));
  dirs.push(userData);
  // One store for the whole test: it stands for the keychain, which outlives a restart.
  const credentials = memoryCredentialStore();
  const core = createAppCore({ userData, schema, credentials, durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  const handlers = core.attach(bridge.host);
  const window = bridge.connect();
  const api = createApi(window.transport);
  return { core, bridge, handlers, window, api, userData, credentials };
}

async function rejection(promise: Promise<unknown>): Promise<IpcRequestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IpcRequestError, `expected an IpcRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be refused');
}

test('data requests before sign-in answer Unauthorized, not a crash', async () => {
  const { api, core } = setup();
  assert.equal(await api.currentUser(), null);
  const error = await rejection(api.save({ model: 'Site', record: { name: 'A' } }));
  assert.equal(error.code, 'Unauthorized');
  assert.equal((await api.syncStatus()).mode, 'signedOut');
  await core.close();
});

test('offline profile: save, get, query with predicate, sort and paging', async () => {
  const { api, core } = setup();
  const user = await api.signIn({ mode: 'offline', username: 'field' });
  assert.equal(user.mode, 'offline');
  assert.equal(user.server, null);
  const saved = await api.save({ model: 'Site', record: { name: 'Quarry', tags: ['north'], location: { latitude: 1, longitude: 2 } } });
  assert.equal(typeof saved.id, 'string');
  for (const name of ['Bridge', 'Canal', 'Dam']) await api.save({ model: 'Site', record: { name } });
  assert.deepEqual((await api.get({ model: 'Site', id: String(saved.id) }))?.name, 'Quarry');
  const page = await api.query({ model: 'Site', sort: [{ field: 'name', direction: 'asc' }], page: 1, limit: 2 });
  assert.deepEqual(
    page.items.map((s) => s.name),
    ['Dam', 'Quarry'],
  );
  const filtered = await api.query({ model: 'Site', where: { field: 'name', op: 'beginsWith', value: 'Q' } });
  assert.deepEqual(
    filtered.items.map((s) => s.name),
    ['Quarry'],
  );
  const status = await api.syncStatus();
  assert.equal(status.mode, 'offline');
  assert.equal(status.unsynced, 4);
  await core.close();
});

test('bad requests get typed errors naming what is wrong, and nothing is written', async () => {
  const { api, core } = setup();
  await api.signIn({ mode: 'offline', username: 'field' });
  const cases: Array<[Promise<unknown>, string, string | undefined]> = [
    [api.save({ model: 'Nope', record: {} }), 'ValidationError', 'model'],
    [api.save({ model: 'Site', record: { name: 'x', colour: 'red' } }), 'ValidationError', 'Site.colour'],
    [api.save({ model: 'Inspection', record: { site: { id: 'x' } } }), 'ValidationError', 'Inspection.site'],
    [api.save({ model: 'Site', record: { name: 42 } }), 'ValidationError', 'Site.name'],
    [api.save({ model: 'Site', record: {} }), 'ValidationError', 'Site.name'],
    [api.query({ model: 'Site', where: { field: 'colour', op: 'eq', value: 'red' } }), 'ValidationError', undefined],
    [api.query({ model: 'Site', sort: [{ field: 'colour', direction: 'asc' }] }), 'ValidationError', 'Site.colour'],
    [api.query({ model: 'Site', limit: 0 }), 'ValidationError', 'query.limit'],
    // @ts-expect-error: the renderer is untrusted, so the types are not the only guard
    [api.save({ record: {} }), 'ValidationError', 'save.model'],
    // @ts-expect-error: unknown request fields are refused
    [api.get({ model: 'Site', id: 'a', extra: 1 }), 'ValidationError', 'get'],
    [api.delete({ model: 'Site' }), 'ValidationError', 'delete.id'],
  ];
  for (const [promise, code, path] of cases) {
    const error = await rejection(promise);
    assert.equal(error.code, code, error.message);
    if (path !== undefined) assert.ok(error.path?.startsWith(path), `path ${error.path} should start with ${path} (${error.message})`);
    assert.ok(error.message.length > 5);
  }
  assert.equal((await api.query({ model: 'Site' })).items.length, 0);
  assert.equal((await api.syncStatus()).unsynced, 0);
  await core.close();
});

test('payloads that are not plain JSON are refused before any schema check', async () => {
  const { bridge, core } = setup();
  const raw = bridge.connect().transport;
  await raw.invoke(wireChannel('signIn'), { mode: 'offline', username: 'x' });
  let deep: unknown = 'leaf';
  for (let i = 0; i < 10_000; i++) deep = { not: deep };
  const payloads: unknown[] = [
    { model: 'Site', record: { name: new Date() } },
    { model: 'Site', record: { name: 'a', tags: new Map() } },
    { model: 'Site', record: { name: Number.NaN } },
    JSON.parse('{"model":"Site","record":{"__proto__":{"polluted":true},"name":"a"}}'),
    { model: 'Site', where: deep },
    'not an object',
  ];
  for (const payload of payloads) {
    const answer = (await raw.invoke(wireChannel('save'), payload)) as { ok: boolean; error?: { code: string } };
    assert.equal(answer.ok, false);
    assert.equal(answer.error?.code, 'ValidationError');
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  await core.close();
});

test('observeQuery pushes live snapshots; subscriptions die with their window', async () => {
  const { api, core, handlers, window } = setup();
  await api.signIn({ mode: 'offline', username: 'field' });
  const snapshots: Array<EventOf<'querySnapshot'>> = [];
  api.on('querySnapshot', (s) => snapshots.push(s));
  const { subscriptionId } = await api.observeQuery({ model: 'Site', sort: [{ field: 'name', direction: 'asc' }] });
  await api.save({ model: 'Site', record: { name: 'B' } });
  await api.save({ model: 'Site', record: { name: 'A' } });
  await new Promise((r) => setTimeout(r, 50));
  const last = snapshots.at(-1)!;
  assert.equal(last.subscriptionId, subscriptionId);
  assert.deepEqual(
    last.items.map((s) => s.name),
    ['A', 'B'],
  );
  const changes: Array<EventOf<'dataChange'>> = [];
  api.on('dataChange', (c) => changes.push(c));
  await api.observe({ model: 'Site' });
  await api.save({ model: 'Site', record: { name: 'C' } });
  assert.equal(changes.length, 1);
  assert.equal(changes[0].opType, 'INSERT');
  assert.deepEqual(Object.values(handlers.subscriptionCounts()), [2]);
  assert.deepEqual(await api.unobserve({ subscriptionId }), { removed: true });
  assert.deepEqual(await api.unobserve({ subscriptionId }), { removed: false });
  window.close();
  assert.deepEqual(handlers.subscriptionCounts(), {});
  await core.close();
});

test('sign-out with unsynced changes asks first; a different user sees nothing; the same user keeps data', async () => {
  const { api, core, userData, credentials } = setup();
  await api.signIn({ mode: 'offline', username: 'ana' });
  await api.save({ model: 'Site', record: { name: 'Ana site' } });
  // Switching user keeps Ana's profile and database.
  await api.signIn({ mode: 'offline', username: 'bob' });
  assert.equal((await api.query({ model: 'Site' })).items.length, 0, 'Bob must not see Ana’s records');
  await api.save({ model: 'Site', record: { name: 'Bob site' } });
  const bob = await api.currentUser();
  const anaAgain = await api.signIn({ mode: 'offline', username: 'ana' });
  // A profile on this computer reopens by id, without signing in again.
  await api.openProfile({ profileId: bob!.profileId });
  assert.deepEqual(
    (await api.query({ model: 'Site' })).items.map((s) => s.name),
    ['Bob site'],
  );
  assert.equal((await rejection(api.openProfile({ profileId: 'nope' }))).code, 'ValidationError');
  await api.openProfile({ profileId: anaAgain.profileId });
  assert.deepEqual(
    (await api.query({ model: 'Site' })).items.map((s) => s.name),
    ['Ana site'],
  );
  const profiles = await api.profiles();
  assert.deepEqual(new Set(profiles.profiles.map((p) => p.username)), new Set(['ana', 'bob']));
  assert.equal(profiles.profiles.find((p) => p.active)?.profileId, anaAgain.profileId);

  assert.deepEqual(await api.signOut({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 1, reviewWaiting: 0 });
  assert.equal((await api.currentUser())?.username, 'ana', 'asking does not sign out');
  assert.deepEqual(await api.signOut({ unsynced: 'discard' }), { signedOut: true, discarded: 1 });
  assert.equal(await api.currentUser(), null);
  await api.signIn({ mode: 'offline', username: 'ana' });
  assert.equal((await api.query({ model: 'Site' })).items.length, 0, 'sign-out cleared Ana’s local data');
  await core.close();

  // A restart reopens the active profile without any password.
  const again = createAppCore({ userData, schema, credentials, durability: 'NORMAL' });
  assert.equal((await again.restore())?.username, 'ana');
  await again.close();
});

test('clear local data is guarded by the unsynced count too', async () => {
  const { api, core } = setup();
  await api.signIn({ mode: 'offline', username: 'ana' });
  await api.save({ model: 'Site', record: { name: 'S' } });
  assert.deepEqual(await api.clear({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 1, reviewWaiting: 0 });
  assert.equal((await api.query({ model: 'Site' })).items.length, 1);
  assert.deepEqual(await api.clear({ unsynced: 'discard' }), { cleared: true, discarded: 1 });
  assert.equal((await api.query({ model: 'Site' })).items.length, 0);
  await core.close();
});

test('createApi refuses events outside the contract and reports malformed answers', async () => {
  const api = createApi({ invoke: async () => 'garbage', on: () => () => undefined });
  // @ts-expect-error: not an event of the contract
  assert.throws(() => api.on('shutdown', () => undefined), /unknown event/);
  assert.equal((await rejection(api.currentUser())).code, 'ProtocolError');
});

test('the exposed bridge answers with envelopes that survive a copy between worlds, so the page keeps code and path', async () => {
  const { window, core } = setup();
  const bridge = createBridge(window.transport);
  await bridge.signIn({ mode: 'offline', username: 'ana' });
  const answer = await bridge.save({ model: 'Site', record: { name: 7 } });
  // Electron's contextBridge copies values like structuredClone does (and drops custom Error fields).
  assert.deepEqual(structuredClone(answer), answer);
  assert.equal(answer.ok, false);
  // A bridge whose every answer is copied across, as the preload's is.
  const copied = Object.fromEntries(
    Object.entries(bridge).map(([name, fn]) => [
      name,
      name === 'on' ? fn : async (r?: unknown) => structuredClone(await (fn as (r?: unknown) => Promise<unknown>)(r)),
    ]),
  ) as unknown as OutpostBridge;
  const api = apiFromBridge(copied);
  const error = await rejection(api.save({ model: 'Site', record: { name: 7 } }));
  assert.equal(error.code, 'ValidationError');
  assert.equal(error.path, 'Site.name');
  assert.equal((await api.save({ model: 'Site', record: { name: 'ok' } })).name, 'ok');
  await core.close();
});

test('a whole 1 MiB file chunk passes the plain-JSON bound of its channel; the same text in a save is refused', async () => {
  const { api, core } = setup();
  await api.signIn({ mode: 'offline', username: 'chunks' });
  const bytes = Buffer.alloc(1024 * 1024, 7);
  const { stageId } = await api.attachmentStageBegin({ name: 'big.bin', contentType: 'application/octet-stream' });
  assert.deepEqual(await api.attachmentStageChunk({ stageId, data: bytes.toString('base64') }), { received: bytes.length });
  const staged = await api.attachmentStageEnd({ stageId });
  assert.equal(staged.size, bytes.length);
  const refused = await rejection(api.save({ model: 'Site', record: { name: 'x', code: bytes.toString('base64') } }));
  assert.match(refused.message, /text longer than 1000000 characters/);
  await core.close();
});
