// The save guard: @auth and item-size checks bound to the current identity and limit, and the
// helpers that check a datastore save/delete before it runs (real SQLite datastore in a temp file).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Unauthorized, ValidationError } from '../../common/errors.js';
import { accessShape } from '../../common/ipc/contract.js';
import { parseSchema } from '../../common/schema/parse-schema.js';
import type { AccessIdentity } from '../../common/schema/model-permissions.js';
import { openDatastore } from '../../main/datastore/datastore.js';
import { memoryCredentialStore } from '../../main/auth/credential-store.js';
import { createTokenSession } from '../../main/auth/token-session.js';
import { identityFromClaims, identityFromToken, trackIdentity } from '../../main/auth/identity-claims.js';
import { checkPendingDelete, checkPendingSave, createSaveGuard } from '../../main/save-guard.js';
import { itemBytes } from '../../server/resolvers/mutation-resolvers.js';

const schema = parseSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'), 'schema/schema.graphql');
const dir = mkdtempSync(join(tmpdir(), 'outpost-save-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const key: AccessIdentity = { kind: 'apiKey' };
const alice = identityFromClaims({ sub: 'sub-alice', username: 'alice', 'cognito:groups': [] })!;

function guardWith(initial: AccessIdentity | null, limit = 409_600) {
  const state = { identity: initial, limit };
  const guard = createSaveGuard({ schema, identity: () => state.identity, maxItemBytes: () => state.limit });
  return { guard, state };
}

function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the check to throw');
}

test('an API key may not create on the owner-only schema: Unauthorized in plain words', () => {
  const { guard } = guardWith(key);
  const error = thrown(() => guard.checkSave('Site', { name: 'North' }, 'create'));
  assert.ok(error instanceof Unauthorized);
  assert.equal(error.message, 'You cannot add Sites with this sign-in (an API key): the schema lets only signed-in owners create them.');
  assert.deepEqual(error.details, { model: 'Site', action: 'create', rule: 'auth' });
  // Authorization is told first, even for a record that is also too large.
  assert.ok(thrown(() => guard.checkSave('Observation', { description: 'x'.repeat(500_000) }, 'create')) instanceof Unauthorized);
});

test('a user creates their own records; update/delete of someone else’s are refused', () => {
  const { guard } = guardWith(alice);
  guard.checkSave('Site', { name: 'North', owner: null }, 'create');
  guard.checkSave('Site', { id: 's1', name: 'North 2', owner: 'sub-alice::alice' }, 'update', { id: 's1', name: 'North', owner: 'sub-alice::alice' });
  const update = thrown(() => guard.checkSave('Site', { id: 's2', name: 'x', owner: 'sub-bob::bob' }, 'update'));
  assert.ok(update instanceof Unauthorized);
  assert.match(update.message, /^You cannot change this Site \(signed in as alice\): it belongs to someone else/);
  const del = thrown(() => guard.checkDelete('Site', { id: 's2', owner: 'sub-bob::bob' }));
  assert.ok(del instanceof Unauthorized);
  assert.match(del.message, /^You cannot delete this Site/);
  guard.checkDelete('Site', { id: 's1', owner: 'sub-alice::alice' });
  // Judged on the stored row: handing one's own record to bob is refused too.
  const handed = thrown(() => guard.checkSave('Site', { id: 's1', owner: 'sub-bob::bob' }, 'update', { id: 's1', owner: 'sub-alice::alice' }));
  assert.match(handed.message, /^You cannot hand this Site to someone else/);
});

test('offline (no identity) allows every write; the size limit still applies', () => {
  const { guard } = guardWith(null);
  guard.checkSave('Site', { owner: 'sub-bob::bob' }, 'update');
  guard.checkDelete('Site', { owner: 'sub-bob::bob' });
  assert.equal(guard.readsNothing(), false);
  assert.ok(thrown(() => guard.checkSave('Observation', { description: 'é'.repeat(300_000) }, 'create')) instanceof ValidationError);
});

test('size: ValidationError naming Model.field against the limit read at each check', () => {
  const { guard, state } = guardWith(alice);
  const record = { inspectionID: 'i1', category: 'c', severity: 'LOW', description: 'é'.repeat(700_000) };
  const error = thrown(() => guard.checkSave('Observation', record, 'create'));
  assert.ok(error instanceof ValidationError);
  assert.equal(error.path, 'Observation.description');
  assert.match(
    error.message,
    /^Observation\.description makes this record 1\.3 MB \(1,400,\d{3} bytes\); the server accepts at most 400 KB \(409,600 bytes\) per record\./,
  );
  // A server that announced 2 MB accepts it; one that announced 1 KB refuses a small record.
  state.limit = 2 * 1024 * 1024;
  guard.checkSave('Observation', record, 'create');
  state.limit = 1024;
  const small = thrown(() => guard.checkSave('Observation', { ...record, description: 'x'.repeat(900) }, 'create'));
  assert.match(small.message, /at most 1 KB \(1,024 bytes\)/);
});

test('size counts the owner value the server fills on create', () => {
  const { guard } = guardWith(alice, 1024);
  const base = { id: 'o1', inspectionID: 'i1', category: 'c', severity: 'LOW' };
  // Find the longest description that fits as the server will store it (owner filled in).
  let fits = 0;
  while (!threw(() => guard.checkSave('Observation', { ...base, description: 'x'.repeat(fits + 1) }, 'create'))) fits++;
  const stored = {
    ...base,
    description: 'x'.repeat(fits),
    measurements: null,
    resolved: null,
    photoUrl: null,
    photos: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    owner: 'sub-alice::alice',
    _version: 1,
    _lastChangedAt: Date.now(),
    _deleted: null,
  };
  // As the server counts it (metadata aside), the largest record the guard lets through is exactly the limit.
  assert.equal(itemBytes(stored), 1024);
});

test('an update of a record not synced yet counts the owner its queued create will be given', () => {
  const { guard } = guardWith(alice, 1024);
  const row = {
    id: 'o1',
    inspectionID: 'i1',
    category: 'c',
    severity: 'LOW',
    description: null,
    measurements: null,
    resolved: null,
    photoUrl: null,
    photos: null,
    createdAt: null,
    updatedAt: null,
    owner: null,
    _version: null,
    _lastChangedAt: null,
    _deleted: null,
  };
  let fits = 0;
  while (!threw(() => guard.checkSave('Observation', { ...row, description: 'x'.repeat(fits + 1) }, 'update', row))) fits++;
  const now = new Date().toISOString();
  assert.equal(itemBytes({ ...row, description: 'x'.repeat(fits), owner: 'sub-alice::alice', createdAt: now, updatedAt: now }), 1024);
});

function threw(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

test('access(): the IPC answer shape, per model, with the current limit', () => {
  const { guard, state } = guardWith(key, 100_000);
  const access = guard.access();
  assert.deepEqual(accessShape.parse(access), access);
  assert.deepEqual(access, {
    models: {
      Site: { read: false, create: false, update: false, delete: false },
      Inspection: { read: false, create: false, update: false, delete: false },
      Observation: { read: false, create: false, update: false, delete: false },
    },
    maxItemBytes: 100_000,
  });
  state.identity = alice;
  assert.deepEqual(guard.access().models.Site, { read: true, create: true, update: true, delete: true });
});

test('readsNothing and its notice: an API key on the owner-only schema', () => {
  const { guard, state } = guardWith(key);
  assert.equal(guard.readsNothing(), true);
  assert.equal(
    guard.readsNothingMessage(),
    "This sign-in (an API key) can read none of this app's data: only signed-in owners may read Sites, Inspections and Observations. Sign in with an account the schema allows to see any records.",
  );
  state.identity = alice;
  assert.equal(guard.readsNothing(), false);
  assert.equal(guard.readsNothingMessage(), null);
});

test('checkPendingSave / checkPendingDelete against a real datastore: create vs update of the merged row', async () => {
  const datastore = openDatastore({ file: join(dir, 'pending.db'), schema, durability: 'NORMAL' });
  try {
    const { guard, state } = guardWith(alice, 4096);
    const bobs = await datastore.save('Site', { name: 'Bob’s', owner: 'sub-bob::bob' });
    const mine = await datastore.save('Site', { name: 'Mine', owner: 'sub-alice::alice', code: 'x'.repeat(3000) });
    // No key, or a key not stored: a create.
    await checkPendingSave(guard, datastore, schema, 'Site', { name: 'New' });
    await checkPendingSave(guard, datastore, schema, 'Site', { id: 'not-stored', name: 'New' });
    // A stored key: an update of the stored row, ownership judged on it.
    await assert.rejects(checkPendingSave(guard, datastore, schema, 'Site', { id: bobs.id, name: 'Renamed' }), Unauthorized);
    await checkPendingSave(guard, datastore, schema, 'Site', { id: mine.id, name: 'Renamed' });
    // The merged row is measured: a small patch on a large row can push it over.
    await assert.rejects(checkPendingSave(guard, datastore, schema, 'Site', { id: mine.id, tags: ['y'.repeat(1200)] }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.path, 'Site.code');
      return true;
    });
    await assert.rejects(checkPendingDelete(guard, datastore, 'Site', { id: bobs.id as string }), Unauthorized);
    await checkPendingDelete(guard, datastore, 'Site', { id: mine.id as string });
    await checkPendingDelete(guard, datastore, 'Site', { id: 'gone' });
    state.identity = key;
    await assert.rejects(checkPendingSave(guard, datastore, schema, 'Site', { name: 'New' }), /You cannot add Sites with this sign-in \(an API key\)/);
    await assert.rejects(checkPendingSave(guard, datastore, schema, 'Nope', { name: 'x' }), /unknown model "Nope"/);
    assert.equal(await datastore.outbox.outboxCount(), 2, 'checks write nothing');
  } finally {
    await datastore.close();
  }
});

// ---- identity from the sign-in ----

const secret = new TextEncoder().encode('a test signing secret of enough length');
async function jwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(secret);
}

test('identityFromToken reads the claims as the server does (unverified)', async () => {
  const cases: Array<[string, Record<string, unknown>, Parameters<typeof identityFromToken>[1], object | null]> = [
    [
      'Outpost token',
      { sub: 'u1', username: 'alice', 'cognito:username': 'alice', 'cognito:groups': ['leads'] },
      {},
      { sub: 'u1', username: 'alice', groups: ['leads'] },
    ],
    [
      'OIDC: preferred_username, groups as a string',
      { sub: 'u2', preferred_username: 'bo', groups: 'a b,c' },
      {},
      { sub: 'u2', username: 'bo', groups: ['a', 'b', 'c'] },
    ],
    ['cognito:groups wins over groups', { sub: 'u3', 'cognito:groups': ['x'], groups: ['y'] }, {}, { sub: 'u3', username: 'u3', groups: ['x'] }],
    ['configured groups claim', { sub: 'u4', roles: ['r1'], 'cognito:groups': ['x'] }, { groupsClaim: 'roles' }, { sub: 'u4', username: 'u4', groups: ['r1'] }],
    [
      'configured username claims',
      { sub: 'u5', email: 'e@x.test', username: 'n' },
      { usernameClaims: ['email'] },
      { sub: 'u5', username: 'e@x.test', groups: [] },
    ],
    ['no sub', { username: 'anon' }, {}, null],
  ];
  for (const [what, claims, reading, expected] of cases) {
    const identity = identityFromToken(await jwt(claims), reading);
    if (expected === null) assert.equal(identity, null, what);
    else {
      assert.ok(identity?.kind === 'user', what);
      assert.deepEqual({ sub: identity.sub, username: identity.username, groups: identity.groups }, expected, what);
      assert.equal(identity.claims.sub, claims.sub);
    }
  }
  assert.equal(identityFromToken('not a jwt'), null);
  assert.equal(identityFromToken(`Bearer ${await jwt({ sub: 'u6', username: 'b' })}`)?.kind, 'user');
});

test('trackIdentity: API key at once, offline none, a user from the tokens the session hands out', async () => {
  assert.deepEqual(trackIdentity({ kind: 'apiKey', apiKey: 'k' }).identity(), { kind: 'apiKey' });
  const offline = trackIdentity({ kind: 'none' });
  assert.equal(offline.identity(), null);
  assert.equal(await offline.load(), null);

  const credentials = memoryCredentialStore();
  const token = await jwt({ sub: 'u1', username: 'alice', 'cognito:groups': ['leads'] });
  const session = createTokenSession({
    server: 'http://127.0.0.1:1',
    user: 'alice',
    credentials,
    initial: { accessToken: token, refreshToken: 'r', expiresIn: 3600 },
  });
  const tracker = trackIdentity({ kind: 'userPools', session });
  assert.equal(tracker.identity(), null, 'no token seen yet');
  const changes: unknown[] = [];
  tracker.onChange((identity) => changes.push(identity));
  assert.ok(tracker.credentials.kind === 'userPools');
  // The sync worker asks the wrapped session for a token: the identity follows.
  assert.equal(await tracker.credentials.session.accessToken(), token);
  assert.equal(tracker.identity()?.kind, 'user');
  const loaded = await tracker.load();
  assert.equal(loaded?.kind === 'user' ? loaded.username : null, 'alice');
  assert.equal(changes.length, 1, 'one change for one new identity');

  // Resumed without network: no token can be had; the identity stays unknown (checks allow).
  const resumed = trackIdentity({ kind: 'userPools', session: createTokenSession({ server: 'http://127.0.0.1:1', user: 'nobody', credentials }) });
  assert.equal(await resumed.load(), null);
  assert.equal(resumed.identity(), null);
});
