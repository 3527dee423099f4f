// Settings' "where the sign-in is kept" comes from what happened to the secret: the store's own
// words only when the write answered in time and reading it back gave the secret; otherwise "kept
// only until Outpost closes" with the reason — with the in-memory store, a failing backend, one
// that says yes and keeps nothing, and one that never answers; and through the app core's
// currentUser, which the Settings screen shows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore, MEMORY_STORE_DESCRIPTION, type CredentialStore } from '../../../main/auth/credential-store.js';
import { KeptCredential, keptWords } from '../../../main/auth/kept-credential.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const KEYCHAIN = 'kept in the system keychain';
const GONE = 'Cannot autolaunch D-Bus without X11 $DISPLAY';

/** A keychain-kind store whose `set` and `get` do what the test says. */
function keychain(set: CredentialStore['set'], get: CredentialStore['get'] = async () => null): CredentialStore {
  return { kind: 'keychain', description: KEYCHAIN, set, get, delete: async () => true };
}

test('keptWords, by table', () => {
  const rows: ReadonlyArray<readonly [string, Parameters<typeof keptWords>, string]> = [
    ['in the keychain', [{ description: KEYCHAIN }, { kind: 'inStore' }], KEYCHAIN],
    ['in memory by choice', [{ description: MEMORY_STORE_DESCRIPTION }, { kind: 'inStore' }], MEMORY_STORE_DESCRIPTION],
    ['the keychain refused', [{ description: KEYCHAIN }, { kind: 'memoryOnly', why: GONE }], `kept only until Outpost closes (could not be saved: ${GONE})`],
  ];
  for (const [name, args, expected] of rows) assert.equal(keptWords(...args), expected, name);
});

test('the in-memory store: kept there, and said so (never "keychain")', async () => {
  const kept = new KeptCredential(memoryCredentialStore(), 'https://h', 'ana', 'refreshToken', () => assert.fail('no notice'));
  assert.equal(await kept.save('r1'), true);
  assert.equal(kept.description(), MEMORY_STORE_DESCRIPTION);
  assert.doesNotMatch(kept.description(), /keychain$/);
});

test('a failing backend: memory only, with its error', async () => {
  const notices: string[] = [];
  const kept = new KeptCredential(
    keychain(async () => Promise.reject(new Error(GONE))),
    'https://h',
    'ana',
    'refreshToken',
    (m) => notices.push(m),
  );
  assert.equal(await kept.save('r1'), false);
  assert.equal(kept.description(), `kept only until Outpost closes (could not be saved: ${GONE})`);
  assert.deepEqual(kept.state(), { kind: 'memoryOnly', why: GONE });
  assert.equal(notices.length, 1);
});

test('a backend that says yes and keeps nothing: memory only', async () => {
  const kept = new KeptCredential(
    keychain(async () => undefined),
    'https://h',
    'ana',
    'apiKey',
    () => undefined,
  );
  assert.equal(await kept.save('k1'), false);
  assert.match(
    kept.description(),
    /^kept only until Outpost closes \(could not be saved: the credential store did not keep it \(reading it back gave nothing\)\)$/,
  );
});

test('a backend that never answers: memory only once the time is up; a late write is removed again', async () => {
  let finish: () => void = () => undefined;
  let deleted = 0;
  const store = { ...keychain(() => new Promise<void>((resolve) => (finish = resolve))), delete: async () => (deleted++, true) };
  const kept = new KeptCredential(store, 'https://h', 'ana', 'refreshToken', () => undefined, 50);
  const started = Date.now();
  assert.equal(await kept.save('r1'), false);
  assert.ok(Date.now() - started < 1000);
  assert.match(kept.description(), /could not be saved: the credential store did not answer within 0\.05 s/);
  finish();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(deleted, 2, 'removed at the failure and again after the late write');
});

test('through the app core: currentUser says where the API key is, for each backend', async () => {
  const schema = parseSchema('type Site @model @auth(rules: [{ allow: public }]) { id: ID! name: String }', 'kept.graphql');
  const fetch = async () => new Response(JSON.stringify({ data: { __typename: 'Query' } }), { status: 200 });
  const words = async (credentials: CredentialStore): Promise<string | undefined> => {
    const userData = mkdtempSync(join(tmpdir(), 'outpost-kept-words-'));
    dirs.push(userData);
    // Data keys apart, in a keychain that answers: these are the words for the sign-in's secret.
    const core = createAppCore({ userData, schema, credentials, dataKeys: memoryCredentialStore(), fetch, durability: 'NORMAL' });
    try {
      await core.services.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'key-1' });
      return core.services.currentUser()?.credentialStorage;
    } finally {
      await core.close();
    }
  };
  assert.equal(await words(memoryCredentialStore()), MEMORY_STORE_DESCRIPTION);
  assert.equal(await words(keychain(async () => Promise.reject(new Error(GONE)))), `kept only until Outpost closes (could not be saved: ${GONE})`);
  const entries = new Map<string, string>();
  const working = keychain(
    async (s, u, v) => void entries.set(`${s}#${u}`, v),
    async (s, u) => entries.get(`${s}#${u}`) ?? null,
  );
  assert.equal(await words(working), KEYCHAIN);
});
