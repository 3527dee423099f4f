// "Never lose the session silently": against a real Outpost server on 127.0.0.1, a credential
// store whose writes fail after the server issued the secret (keychain locked, D-Bus gone) leaves
// the user signed in for this run, says so once, and says where the sign-in is kept; a refresh
// whose new token cannot be stored goes on with it in memory and never presents the spent one.
// The last test goes through the app core and the renderer's API, as the sign-in screen does.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ErrorNotice } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { resumeSignIn, signIn } from '../../../main/auth/sign-in.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { createApi } from '../../../preload/create-api.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let server: RunningServer;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-not-kept-'));
  server = await startServer({
    schema: readFileSync(join(root, 'schema/schema.graphql'), 'utf8'),
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    reportError: () => undefined,
  });
  base = `http://127.0.0.1:${server.port}`;
  await server.authStore.addUser({ username: 'ana', password: 'correct horse battery' });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const GONE = 'Cannot autolaunch D-Bus without X11 $DISPLAY';

/** A keychain that can be broken: writes (and, with `all`, every call) fail as keytar's do when D-Bus is gone. */
function breakableStore(): CredentialStore & { broken: 'no' | 'writes' | 'all'; sets: number } {
  const inner = memoryCredentialStore('kept in the system keychain');
  const store = {
    kind: 'keychain' as const,
    description: inner.description,
    broken: 'no' as 'no' | 'writes' | 'all',
    sets: 0,
    get: (s: string, u: string) => (store.broken === 'all' ? Promise.reject(new Error(GONE)) : inner.get(s, u)),
    set: (s: string, u: string, secret: string) => {
      store.sets += 1;
      return store.broken === 'no' ? inner.set(s, u, secret) : Promise.reject(new Error(GONE));
    },
    delete: (s: string, u: string) => (store.broken === 'all' ? Promise.reject(new Error(GONE)) : inner.delete(s, u)),
  };
  return store;
}

const password = { mode: 'password', server: '', username: 'ana', password: 'correct horse battery' } as const;

test('password sign-in whose refresh token cannot be stored: signed in for this run, told once, refreshes keep working', async () => {
  const credentials = breakableStore();
  credentials.broken = 'all';
  const notices: string[] = [];
  const signedIn = await signIn({ ...password, server: base }, { credentials, onNotKept: (m) => notices.push(m) });
  assert.equal(signedIn.credentials.kind, 'userPools');
  if (signedIn.credentials.kind !== 'userPools') return;
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /^Signed in as ana on http:\/\/127\.0\.0\.1:\d+, but it could not be saved \(Cannot autolaunch D-Bus/);
  assert.match(notices[0]!, /lasts until Outpost closes; next time you will need your password/);
  assert.equal(signedIn.credentialStorage(), `kept only until Outpost closes (could not be saved: ${GONE})`);
  const session = signedIn.credentials.session;
  const first = await session.accessToken();
  // Each refresh spends the refresh token before: two in a row work only if the rotated one was kept in memory.
  const second = await session.refresh();
  const third = await session.refresh();
  assert.equal(new Set([first, second, third]).size, 3);
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: third },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  assert.equal(response.status, 200, 'the renewed access token is accepted');
  assert.equal(notices.length, 1, 'told once, not at every refresh');
  assert.equal(credentials.sets, 3, 'every rotation tried to save');
});

test('the keychain fails mid-session: the refresh succeeds, the spent copy is removed, the user is told; when it comes back the sign-in is kept again', async () => {
  const credentials = breakableStore();
  const notices: string[] = [];
  const deps = { credentials, onNotKept: (m: string) => notices.push(m) };
  const signedIn = await signIn({ ...password, server: base }, deps);
  if (signedIn.credentials.kind !== 'userPools') return assert.fail('expected a token session');
  assert.deepEqual(notices, []);
  assert.equal(signedIn.credentialStorage(), 'kept in the system keychain');
  assert.ok(await credentials.get(base, 'ana'));

  credentials.broken = 'writes';
  const renewed = await signedIn.credentials.session.refresh();
  assert.ok(renewed.length > 10);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /^Your sign-in as ana on .* was renewed, but it could not be saved/);
  assert.match(signedIn.credentialStorage() ?? '', /^kept only until Outpost closes/);
  assert.equal(await credentials.get(base, 'ana'), null, 'the spent refresh token is not left for a restart to present');
  assert.equal(await resumeSignIn(signedIn.profile, deps), null, 'a restart asks for the password instead');

  credentials.broken = 'no';
  await signedIn.credentials.session.refresh();
  assert.equal(signedIn.credentialStorage(), 'kept in the system keychain', 'kept again');
  const resumed = await resumeSignIn(signedIn.profile, deps);
  if (resumed?.credentials.kind !== 'userPools') return assert.fail('expected to resume');
  assert.ok((await resumed.credentials.session.accessToken()).length > 10, 'the stored token is the live one');
});

test('a resumed session whose rotation cannot be stored goes on in memory', async () => {
  const credentials = breakableStore();
  const notices: string[] = [];
  const first = await signIn({ ...password, server: base }, { credentials });
  const resumed = await resumeSignIn(first.profile, { credentials, onNotKept: (m) => notices.push(m) });
  if (resumed?.credentials.kind !== 'userPools') return assert.fail('expected to resume');
  credentials.broken = 'all';
  await resumed.credentials.session.accessToken();
  await resumed.credentials.session.refresh();
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /was renewed, but it could not be saved/);
});

test('API key sign-in whose key cannot be stored: signed in, told the key will be needed again', async () => {
  const credentials = breakableStore();
  credentials.broken = 'all';
  const { key } = await server.authStore.createApiKey({ days: 1, description: 'tablet' });
  const notices: string[] = [];
  const signedIn = await signIn({ mode: 'apiKey', server: base, apiKey: key, username: 'tablet' }, { credentials, onNotKept: (m) => notices.push(m) });
  assert.deepEqual(signedIn.credentials, { kind: 'apiKey', apiKey: key });
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /next time you will need the API key/);
});

test('through the app core: sign-in answers, the window gets a CredentialNotSaved notice, and currentUser says where the sign-in is kept', async () => {
  const userData = mkdtempSync(join(dir, 'user-data-'));
  const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
  const credentials = breakableStore();
  // Data keys in a keychain of their own that keeps working: this test is about the sign-in's secret.
  const core = createAppCore({ userData, schema, credentials, dataKeys: memoryCredentialStore(), durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const api = createApi(bridge.connect().transport);
  const notices: ErrorNotice[] = [];
  api.on('error', (n) => notices.push(n));
  try {
    const kept = await api.signIn({ ...password, server: base });
    assert.equal(kept.credentialStorage, 'kept in the system keychain');
    assert.equal(notices.length, 0);
    credentials.broken = 'all';
    const user = await api.signIn({ ...password, server: base });
    assert.equal(user.username, 'ana');
    assert.equal(user.credentialStorage, `kept only until Outpost closes (could not be saved: ${GONE})`);
    assert.equal((await api.currentUser())?.credentialStorage, user.credentialStorage);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.code, 'CredentialNotSaved');
    assert.match(notices[0]!.message, /could not be saved.*lasts until Outpost closes/);
    const offline = await api.signIn({ mode: 'offline', username: 'field' });
    assert.equal(offline.credentialStorage, undefined, 'an offline profile keeps no secret');
  } finally {
    await core.close();
  }
});
