// Client sign-in against a real Outpost server on 127.0.0.1 (SQLite in a temp dir): password
// sign-in and refresh-token rotation through the credential store, API keys, resuming a saved
// sign-in, sign-out revoking the session, and the typed errors for refusals and unreachable servers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OutpostError } from '../../../common/errors.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { forgetSignIn, resumeSignIn, signIn } from '../../../main/auth/sign-in.js';
import { requestTokens } from '../../../main/auth/token-client.js';
import { createTokenSession } from '../../../main/auth/token-session.js';
import { profileIdFor } from '../../../main/auth/profiles.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let server: RunningServer;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-client-auth-'));
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

async function refusal(promise: Promise<unknown>): Promise<OutpostError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OutpostError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

test('password sign-in stores only the refresh token and refreshes by rotating it', async () => {
  const credentials = memoryCredentialStore();
  const signedIn = await signIn({ mode: 'password', server: `${base}/`, username: 'ana', password: 'correct horse battery' }, { credentials });
  assert.equal(signedIn.profile.server, base, 'server URL normalised');
  assert.equal(signedIn.profile.id, profileIdFor(base, 'ana'));
  assert.equal(signedIn.credentials.kind, 'userPools');
  if (signedIn.credentials.kind !== 'userPools') return;
  const session = signedIn.credentials.session;
  const stored = await credentials.get(base, 'ana');
  assert.ok(stored && stored.length > 10);
  const access = await session.accessToken();
  assert.notEqual(access, stored, 'the access token is not what the keychain holds');
  assert.equal(await session.accessToken(), access, 'a valid token is reused');
  const refreshed = await session.refresh();
  assert.notEqual(refreshed, access);
  const rotated = await credentials.get(base, 'ana');
  assert.notEqual(rotated, stored, 'the new refresh token replaced the spent one');
  // The GraphQL endpoint accepts the refreshed token.
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: refreshed },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  assert.equal(response.status, 200);
});

test('a restarted app resumes from the stored refresh token; sign-out revokes it and removes it', async () => {
  const credentials = memoryCredentialStore();
  const first = await signIn({ mode: 'password', server: base, username: 'ana', password: 'correct horse battery' }, { credentials });
  const resumed = await resumeSignIn(first.profile, { credentials });
  assert.equal(resumed?.credentials.kind, 'userPools');
  if (resumed?.credentials.kind !== 'userPools') return;
  assert.ok((await resumed.credentials.session.accessToken()).length > 10);
  const spent = await credentials.get(base, 'ana');
  await forgetSignIn(first.profile, { credentials });
  assert.equal(await credentials.get(base, 'ana'), null);
  assert.equal(await resumeSignIn(first.profile, { credentials }), null, 'nothing left to resume');
  // The server revoked the session: the token taken before sign-out no longer refreshes.
  await credentials.set(base, 'ana', spent!);
  const stale = await resumeSignIn(first.profile, { credentials });
  if (stale?.credentials.kind !== 'userPools') return assert.fail('expected a token session');
  assert.equal((await refusal(stale.credentials.session.accessToken())).code, 'Unauthorized');
});

test('wrong password, unknown API key and unreachable server are typed errors', async () => {
  const credentials = memoryCredentialStore();
  const wrong = await refusal(signIn({ mode: 'password', server: base, username: 'ana', password: 'nope' }, { credentials }));
  assert.equal(wrong.code, 'Unauthorized');
  assert.match(wrong.message, /username or password/i);
  assert.equal(await credentials.get(base, 'ana'), null, 'nothing stored after a refusal');
  assert.equal((await refusal(signIn({ mode: 'apiKey', server: base, apiKey: 'da2-not-a-key' }, { credentials }))).code, 'Unauthorized');
  const down = await refusal(signIn({ mode: 'password', server: 'http://127.0.0.1:9', username: 'ana', password: 'x' }, { credentials }));
  assert.equal(down.code, 'NetworkError');
  assert.match(down.message, /cannot reach http:\/\/127\.0\.0\.1:9/);
});

test('API key sign-in keeps the key in the credential store under the profile label', async () => {
  const credentials = memoryCredentialStore();
  const { key } = await server.authStore.createApiKey({ days: 1, description: 'tablet' });
  const signedIn = await signIn({ mode: 'apiKey', server: base, apiKey: key, username: 'tablet' }, { credentials });
  assert.deepEqual(signedIn.credentials, { kind: 'apiKey', apiKey: key });
  assert.equal(await credentials.get(base, 'tablet'), key);
  assert.deepEqual((await resumeSignIn(signedIn.profile, { credentials }))?.credentials, { kind: 'apiKey', apiKey: key });
});

test('the access token is refreshed before it expires, once, even when asked for concurrently', async () => {
  const credentials = memoryCredentialStore();
  const pair = await requestTokens(base, 'ana', 'correct horse battery');
  await credentials.set(base, 'ana', pair.refreshToken);
  let clock = 1_000_000;
  const session = createTokenSession({ server: base, user: 'ana', credentials, initial: pair, skewMs: 60_000, now: () => clock });
  assert.equal(await session.accessToken(), pair.accessToken);
  clock += pair.expiresIn * 1000 - 59_000; // inside the skew: due for refresh
  const [a, b] = await Promise.all([session.accessToken(), session.accessToken()]);
  assert.equal(a, b, 'one refresh served both callers (a second would reuse the spent refresh token)');
  assert.notEqual(a, pair.accessToken);
  assert.notEqual(await credentials.get(base, 'ana'), pair.refreshToken);
  assert.equal(session.expiresAt(), clock + pair.expiresIn * 1000);
});
