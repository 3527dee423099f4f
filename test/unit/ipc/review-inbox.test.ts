// The review inbox over IPC, on the real main-process core (offline profile, real SQLite files):
// reviewList (open first, keys, plain values), reviewResolve (keep mine as a new edit, keep theirs,
// edit-and-resubmit of a rejected create, one decision per item, clear errors), the `review` event
// and syncStatus.reviewWaiting, and the sign-out/clear guards counting open items. Review items are
// put in the profile's database by a second connection, as the sync worker's completions would.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventOf } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { profileDatabaseFile } from '../../../main/auth/profiles.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import type { NewReviewItem } from '../../../main/datastore/review-items.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { createApi, IpcRequestError } from '../../../preload/create-api.js';
import { fileURLToPath } from 'node:url';
import type { CredentialStore } from '../../../main/auth/credential-store.js';
import { keychainProfileKey } from '../../../main/crypto/profile-key.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// One store per userData for the whole test: it stands for the keychain (profile keys outlive a restart).
const keychains = new Map<string, CredentialStore>();
function keychainOf(userData: string): CredentialStore {
  if (!keychains.has(userData)) keychains.set(userData, memoryCredentialStore());
  return keychains.get(userData)!;
}

function core(userData: string) {
  const app = createAppCore({ userData, schema, credentials: keychainOf(userData), durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  app.attach(bridge.host);
  const api = createApi(bridge.connect().transport);
  return { app, api };
}

/** Writes review items into the profile's database through another connection (as the sync worker would). */
async function addItems(userData: string, profileId: string, items: NewReviewItem[]): Promise<number[]> {
  const key = await keychainProfileKey(keychainOf(userData), profileId, { create: false });
  const store = openDatastore({ file: profileDatabaseFile(userData, profileId), schema, durability: 'NORMAL', key });
  try {
    const ids: number[] = [];
    for (const item of items) ids.push((await store.reviews.add(item)).id);
    return ids;
  } finally {
    await store.close();
  }
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

test('review items: listed open first with their key, resolved as new edits, announced, counted in status and guards', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-review-'));
  dirs.push(userData);
  let { app, api } = core(userData);
  const user = await api.signIn({ mode: 'offline', username: 'field' });
  const site = await api.save({ model: 'Site', record: { name: 'Quarry', code: 'B-code', tags: ['x', 'b'] } });
  const id = String(site.id);
  await app.close();

  const [overridden, rejected, other] = await addItems(userData, user.profileId, [
    {
      kind: 'overridden',
      model: 'Site',
      modelId: id,
      operation: 'Update',
      fields: ['code', 'tags'],
      mine: { id, code: 'A-code', tags: ['x', 'b', 'a'] },
      theirs: { id, name: 'Quarry', code: 'B-code', tags: ['x', 'b'], _version: 3 },
      reason: 'Another device changed code first; the server kept their value.',
      baseVersion: 1,
    },
    {
      kind: 'rejected',
      model: 'Site',
      modelId: 'gone',
      operation: 'Create',
      fields: ['name', 'code'],
      mine: { id: 'gone', name: 'Too big', code: 'x'.repeat(10) },
      theirs: null,
      reason: 'The server refused this change: the record is larger than the 400 KB the server accepts (1.3 MB).',
      errorType: 'PayloadTooLargeException',
    },
    {
      kind: 'overridden',
      model: 'Site',
      modelId: id,
      operation: 'Update',
      fields: ['name'],
      mine: { id, name: 'Mine' },
      theirs: { id, name: 'Quarry' },
      reason: 'r',
    },
  ]);

  ({ app, api } = core(userData));
  await app.restore();
  assert.equal((await api.syncStatus()).reviewWaiting, 3);
  const listed = await api.reviewList();
  assert.deepEqual(
    listed.map((r) => r.id),
    [other, rejected, overridden].map(String),
    'newest first',
  );
  const first = listed.find((r) => r.id === String(overridden))!;
  assert.deepEqual(
    { ...first, at: 0 },
    {
      id: String(overridden),
      kind: 'overridden',
      model: 'Site',
      recordId: id,
      key: { id },
      operation: 'UPDATE',
      fields: ['code', 'tags'],
      mine: { id, code: 'A-code', tags: ['x', 'b', 'a'] },
      theirs: { id, name: 'Quarry', code: 'B-code', tags: ['x', 'b'], _version: 3 },
      reason: 'Another device changed code first; the server kept their value.',
      errorType: null,
      baseVersion: 1,
      at: 0,
      state: 'open',
    },
  );

  const announced: Array<EventOf<'review'>> = [];
  api.on('review', (item) => announced.push(item));
  // A later local edit of tags: keep mine carries the addition onto it, it does not roll it back.
  await api.save({ model: 'Site', record: { id, tags: ['x', 'b', 'c'] } });
  const kept = await api.reviewResolve({ id: String(overridden), choice: 'keepMine' });
  assert.equal(kept.state, 'keptMine');
  const after1 = await api.get({ model: 'Site', id });
  assert.deepEqual([after1?.code, after1?.tags, after1?.name], ['A-code', ['x', 'b', 'c', 'a'], 'Quarry']);
  assert.deepEqual(
    announced.map((r) => [r.id, r.state]),
    [[String(overridden), 'keptMine']],
  );
  assert.equal((await api.syncStatus()).reviewWaiting, 2);

  assert.equal((await rejection(api.reviewResolve({ id: String(overridden), choice: 'keepTheirs' }))).code, 'ValidationError');
  assert.match((await rejection(api.reviewResolve({ id: '9999', choice: 'keepMine' }))).message, /no review item with id 9999/);
  assert.match((await rejection(api.reviewResolve({ id: 'abc', choice: 'keepMine' }))).message, /no review item with id abc/);
  assert.match((await rejection(api.reviewResolve({ id: String(other), choice: 'keepTheirs', record: { name: 'x' } }))).message, /keepMine only/);

  // Edit and resubmit a rejected create: saved again as a new create with the user's values.
  await api.reviewResolve({ id: String(rejected), choice: 'keepMine', record: { id: 'gone', name: 'Smaller', code: 'ok' } });
  const resubmitted = await api.get({ model: 'Site', id: 'gone' });
  assert.deepEqual([resubmitted?.name, resubmitted?.code], ['Smaller', 'ok']);

  // Keep theirs closes it and changes nothing.
  await api.reviewResolve({ id: String(other), choice: 'keepTheirs' });
  assert.equal((await api.get({ model: 'Site', id }))?.name, 'Quarry');
  assert.equal((await api.syncStatus()).reviewWaiting, 0);
  assert.deepEqual(
    (await api.reviewList()).map((r) => r.state),
    ['keptTheirs', 'keptMine', 'keptMine'],
    'decided items stay as history',
  );
  await app.close();
});

test('sign-out and clear ask while review items wait, even with an empty outbox; clear removes them', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-review-'));
  dirs.push(userData);
  let { app, api } = core(userData);
  const user = await api.signIn({ mode: 'offline', username: 'field' });
  await api.clear({ unsynced: 'discard' }); // an empty outbox
  await app.close();
  await addItems(userData, user.profileId, [
    { kind: 'rejected', model: 'Site', modelId: 's', operation: 'Create', fields: ['name'], mine: { id: 's', name: 'n' }, theirs: null, reason: 'refused' },
  ]);
  ({ app, api } = core(userData));
  await app.restore();
  assert.deepEqual(await api.signOut({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 0, reviewWaiting: 1 });
  assert.deepEqual(
    await api.signOut({ unsynced: 'syncFirst' }),
    { needsConfirmation: true, unsynced: 0, reviewWaiting: 1 },
    'syncing cannot settle a review item',
  );
  assert.deepEqual(await api.clear({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 0, reviewWaiting: 1 });
  assert.deepEqual(await api.clear({ unsynced: 'discard' }), { cleared: true, discarded: 0 });
  assert.deepEqual(await api.reviewList(), []);
  assert.equal((await api.syncStatus()).reviewWaiting, 0);
  assert.deepEqual(await api.signOut({ unsynced: 'ask' }), { signedOut: true, discarded: 0 });
  await app.close();
});
