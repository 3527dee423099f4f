// Built-in accounts end to end through the store on a real SQLite file: sign-in, token claims,
// refresh rotation, revocation, forged and expired tokens, API keys, header handling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, createLocalJWKSet, decodeJwt, generateKeyPair, jwtVerify } from 'jose';
import { Unauthorized } from '../../../common/errors.js';
import { createTokenSigner, type TokenSigner } from '../../../server/auth/access-tokens.js';
import { createAuthStore, type AuthStore } from '../../../server/auth/auth-store.js';
import { createAuthenticator, MISSING_CREDENTIALS_MESSAGE, type Authenticate } from '../../../server/auth/authenticate.js';
import { createSignInService, BAD_CREDENTIALS_MESSAGE, type SignInService } from '../../../server/auth/sign-in.js';
import { openSqlite, type TestDatabase } from './auth-databases.js';

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Unauthorized, `expected Unauthorized, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('built-in accounts and authenticate()', () => {
  let database: TestDatabase;
  let store: AuthStore;
  let signer: TokenSigner;
  let accounts: SignInService;
  let authenticate: Authenticate;
  let clock = Date.UTC(2026, 0, 1);
  const now = () => clock;

  before(async () => {
    database = await openSqlite();
    store = await createAuthStore(database.db, database.dialect, { now });
    signer = createTokenSigner(store, {}, now);
    accounts = createSignInService(store, signer);
    authenticate = createAuthenticator({ store, now });
    await store.addUser({ username: 'alice', password: 'alice-password', groups: ['field', 'admins'] });
    await store.addUser({ username: 'bob', password: 'bob-password' });
  });
  after(async () => {
    await database?.close();
  });

  test('sign-in issues Cognito-shaped access and ID tokens that authenticate as the user', async () => {
    const pair = await accounts.signIn('Alice', 'alice-password');
    assert.equal(pair.tokenType, 'Bearer');
    assert.equal(pair.expiresIn, 900);
    assert.match(pair.refreshToken, /^[A-Za-z0-9_-]{43}$/);
    const alice = await store.getUser('alice');
    const claims = decodeJwt(pair.accessToken);
    assert.equal(claims.sub, alice?.id);
    assert.equal(claims.username, 'alice');
    assert.equal(claims['cognito:username'], 'alice');
    assert.deepEqual(claims['cognito:groups'], ['field', 'admins']);
    assert.equal(claims.token_use, 'access');
    assert.equal(claims.iss, 'outpost');
    assert.equal(claims.aud, 'outpost');
    assert.equal(claims.iat, Math.floor(clock / 1000));
    assert.equal(claims.exp, Math.floor(clock / 1000) + 900);
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
    assert.equal(decodeJwt(pair.idToken).token_use, 'id');

    const expected = { kind: 'user', sub: alice?.id, username: 'alice', groups: ['field', 'admins'], provider: 'userPools' };
    for (const headers of [
      { authorization: pair.accessToken },
      { Authorization: `Bearer ${pair.accessToken}` },
      { AUTHORIZATION: `bearer   ${pair.accessToken}` },
      { Authorization: pair.idToken, host: 'example.com' },
      { authorization: [pair.accessToken] },
    ]) {
      const identity = await authenticate(headers);
      assert.ok(identity.kind === 'user');
      const { claims: _claims, ...rest } = identity;
      assert.deepEqual(rest, expected);
      assert.equal(identity.claims.sub, alice?.id);
    }
  });

  test('the published JWKS verifies our tokens for third parties', async () => {
    const pair = await accounts.signIn('bob', 'bob-password');
    const jwks = await signer.jwks();
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].alg, 'ES256');
    assert.equal(jwks.keys[0].d, undefined, 'no private part is published');
    const { payload, protectedHeader } = await jwtVerify(pair.accessToken, createLocalJWKSet(jwks), { currentDate: new Date(clock) });
    assert.equal(payload.username, 'bob');
    assert.equal(protectedHeader.kid, jwks.keys[0].kid);
  });

  test('a second signer on the same database uses the same key', async () => {
    const pair = await accounts.signIn('bob', 'bob-password');
    const other = createAuthenticator({ store: await createAuthStore(database.db, database.dialect, { now }), now });
    assert.equal((await other({ authorization: pair.accessToken })).kind, 'user');
  });

  test('bad passwords and unknown users get the same answer', async () => {
    await rejectsWith(accounts.signIn('alice', 'wrong-password'), new RegExp(`^${BAD_CREDENTIALS_MESSAGE.replace('.', '\\.')}$`));
    await rejectsWith(accounts.signIn('nobody', 'alice-password'), new RegExp(`^${BAD_CREDENTIALS_MESSAGE.replace('.', '\\.')}$`));
  });

  test('expired access tokens say "Token expired"', async () => {
    const pair = await accounts.signIn('bob', 'bob-password');
    clock += 899_000;
    assert.equal((await authenticate({ authorization: pair.accessToken })).kind, 'user');
    clock += 7_000; // past expiry and the 5 s tolerance
    await rejectsWith(authenticate({ authorization: pair.accessToken }), /Token expired/);
  });

  test('forged tokens are rejected: other key, alg none, tampered payload, HMAC with the public key, wrong audience', async () => {
    const pair = await accounts.signIn('bob', 'bob-password');
    const claims = decodeJwt(pair.accessToken);
    const [header, , signature] = pair.accessToken.split('.');

    const { privateKey } = await generateKeyPair('ES256');
    const otherKey = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    await rejectsWith(authenticate({ authorization: otherKey }), /signature is invalid/);

    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    await rejectsWith(authenticate({ authorization: none }), /algorithm this server does not accept/);

    const tampered = `${header}.${b64url({ ...claims, username: 'alice', 'cognito:groups': ['admins'] })}.${signature}`;
    await rejectsWith(authenticate({ authorization: tampered }), /signature is invalid/);

    const jwk = (await signer.jwks()).keys[0];
    const hmac = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(JSON.stringify(jwk)));
    await rejectsWith(authenticate({ authorization: hmac }), /algorithm this server does not accept/);

    const strictSigner = createTokenSigner(store, { audience: 'someone-else' }, () => clock);
    const otherAudience = await strictSigner.issue((await store.getUser('bob'))!, String(claims.sid));
    await rejectsWith(authenticate({ authorization: otherAudience.accessToken }), /"aud" claim/);

    const foreign = await new SignJWT({ ...claims, iss: 'https://evil.example' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    await rejectsWith(authenticate({ authorization: foreign }), /issuer "https:\/\/evil.example" is not trusted/);

    await rejectsWith(authenticate({ authorization: 'not a jwt' }), /not a valid JWT/);
    await rejectsWith(authenticate({ authorization: 'Bearer ' }), /not a valid JWT/);
  });

  test('refresh rotates; reusing an old refresh token revokes the session and its access tokens', async () => {
    const first = await accounts.signIn('alice', 'alice-password');
    clock += 1000;
    const second = await accounts.refresh(first.refreshToken);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(decodeJwt(second.accessToken).sid, decodeJwt(first.accessToken).sid);
    assert.equal((await authenticate({ authorization: second.accessToken })).kind, 'user');

    await rejectsWith(accounts.refresh(first.refreshToken), /reuse detected/);
    await rejectsWith(accounts.refresh(second.refreshToken), /revoked/);
    await rejectsWith(authenticate({ authorization: second.accessToken }), /session has ended/);

    const other = await accounts.signIn('alice', 'alice-password');
    assert.equal((await authenticate({ authorization: other.accessToken })).kind, 'user', 'other sessions live on');
    await rejectsWith(accounts.refresh('garbage'), /Refresh token is invalid/);
  });

  test('sign-out, password change, disabling and removal end access', async () => {
    await store.addUser({ username: 'carol', password: 'carol-password' });
    const signedOut = await accounts.signIn('carol', 'carol-password');
    assert.equal(await accounts.revoke(signedOut.refreshToken), true);
    await rejectsWith(authenticate({ authorization: signedOut.accessToken }), /session has ended/);

    const beforeChange = await accounts.signIn('carol', 'carol-password');
    clock += 2000;
    await store.setPassword('carol', 'carol-password-2');
    await rejectsWith(authenticate({ authorization: beforeChange.accessToken }), /revoked/);
    await rejectsWith(accounts.signIn('carol', 'carol-password'), /Incorrect username or password/);

    const afterChange = await accounts.signIn('carol', 'carol-password-2');
    await store.setDisabled('carol', true);
    await rejectsWith(authenticate({ authorization: afterChange.accessToken }), /User is disabled/);
    await rejectsWith(accounts.signIn('carol', 'carol-password-2'), /User is disabled/);
    await store.setDisabled('carol', false);

    const beforeRemoval = await accounts.signIn('carol', 'carol-password-2');
    await store.removeUser('carol');
    await rejectsWith(authenticate({ authorization: beforeRemoval.accessToken }), /no longer exists/);
  });

  test('API keys: valid, unknown, revoked, expired, disabled', async () => {
    const { key, info } = await store.createApiKey({ days: 2, description: 'test' });
    assert.deepEqual(await authenticate({ 'x-api-key': key }), { kind: 'apiKey', keyId: info.id });
    assert.deepEqual(await authenticate({ 'X-Api-Key': key, host: 'h', 'x-amz-date': '20260101T000000Z' }), { kind: 'apiKey', keyId: info.id });
    await rejectsWith(authenticate({ 'x-api-key': 'da2-0000' }), /API key is invalid/);

    clock += 2 * 86_400_000;
    await rejectsWith(authenticate({ 'x-api-key': key }), /API key has expired/);

    const revoked = await store.createApiKey();
    await store.revokeApiKey(revoked.info.id);
    await rejectsWith(authenticate({ 'x-api-key': revoked.key }), /API key has been revoked/);

    const live = await store.createApiKey();
    const noKeys = createAuthenticator({ store, apiKeysEnabled: false, now });
    await rejectsWith(noKeys({ 'x-api-key': live.key }), /not enabled/);
  });

  test('missing, ambiguous and mixed credentials', async () => {
    await rejectsWith(authenticate({}), new RegExp(MISSING_CREDENTIALS_MESSAGE));
    await rejectsWith(authenticate({ authorization: '  ', 'x-api-key': '' }), /Missing authorization/);
    const { key } = await store.createApiKey();
    // A present but bad Authorization header does not fall back to the key.
    await rejectsWith(authenticate({ authorization: 'bad', 'x-api-key': key }), /not a valid JWT/);
    const pair = await accounts.signIn('bob', 'bob-password');
    await rejectsWith(authenticate({ Authorization: pair.accessToken, authorization: 'other' }), /More than one authorization/);
    await rejectsWith(authenticate({ 'x-api-key': 42 }), /must be a string/);
  });
});
