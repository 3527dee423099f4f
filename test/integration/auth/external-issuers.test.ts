// External OIDC issuers: a tiny JWKS server on 127.0.0.1:0 plays the identity provider.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { Unauthorized, ValidationError } from '../../../common/errors.js';
import { createAuthStore, type AuthStore } from '../../../server/auth/auth-store.js';
import { createAuthenticator, type Authenticate } from '../../../server/auth/authenticate.js';
import { createExternalIssuerVerifier } from '../../../server/auth/external-issuers.js';
import { openSqlite, type TestDatabase } from './auth-databases.js';

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Unauthorized, `expected Unauthorized, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('external JWKS issuers', () => {
  let database: TestDatabase;
  let store: AuthStore;
  let jwksServer: Server;
  let jwksUrl: string;
  let jwksRequests = 0;
  let issuerKey: CryptoKey;
  let rogueKey: CryptoKey;
  let authenticate: Authenticate;
  const ISSUER = 'https://idp.example.test/realms/field';
  const OTHER_ISSUER = 'https://cognito-idp.example.test/pool';

  before(async () => {
    const pair = await generateKeyPair('RS256');
    issuerKey = pair.privateKey;
    rogueKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      jwksRequests++;
      if (req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;

    database = await openSqlite();
    store = await createAuthStore(database.db, database.dialect);
    authenticate = createAuthenticator({
      store,
      issuers: [
        { issuer: ISSUER, jwksUrl, audience: 'outpost-desktop' },
        { issuer: OTHER_ISSUER, jwksUrl, audience: ['app-client-1'], groupsClaim: 'roles', usernameClaims: ['email'] },
      ],
    });
  });
  after(async () => {
    jwksServer?.closeAllConnections();
    await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
    await database?.close();
  });

  function sign(claims: JWTPayload, options: { key?: CryptoKey; kid?: string; expiresIn?: string | number } = {}) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'idp-key-1' })
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(options.key ?? issuerKey);
  }

  test('a token from a configured issuer maps to an oidc identity', async () => {
    const token = await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: 'u-123', preferred_username: 'Maria', groups: ['surveyors'] });
    const identity = await authenticate({ Authorization: `Bearer ${token}` });
    assert.ok(identity.kind === 'user');
    assert.equal(identity.provider, 'oidc');
    assert.equal(identity.sub, 'u-123');
    assert.equal(identity.username, 'Maria');
    assert.deepEqual(identity.groups, ['surveyors']);
    assert.equal(identity.claims.iss, ISSUER);
  });

  test('username claims fall back in order: username, cognito:username, preferred_username, sub', async () => {
    const cases: [JWTPayload, string][] = [
      [{ username: 'a', 'cognito:username': 'b', preferred_username: 'c' }, 'a'],
      [{ 'cognito:username': 'b', preferred_username: 'c' }, 'b'],
      [{ preferred_username: 'c' }, 'c'],
      [{}, 'u-9'],
    ];
    for (const [claims, username] of cases) {
      const token = await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: 'u-9', ...claims });
      const identity = await authenticate({ authorization: token });
      assert.ok(identity.kind === 'user');
      assert.equal(identity.username, username);
    }
  });

  test('configured username and groups claims, and Cognito access tokens matched by client_id', async () => {
    const token = await sign({
      iss: OTHER_ISSUER,
      client_id: 'app-client-1',
      sub: 'u-7',
      email: 'ana@example.test',
      roles: 'lead surveyor',
      token_use: 'access',
    });
    const identity = await authenticate({ authorization: token });
    assert.ok(identity.kind === 'user');
    assert.equal(identity.username, 'ana@example.test');
    assert.deepEqual(identity.groups, ['lead', 'surveyor']);
  });

  test('wrong audience, unknown issuer, other key, unknown kid, expiry and missing sub are rejected', async () => {
    await rejectsWith(authenticate({ authorization: await sign({ iss: ISSUER, aud: 'someone-else', sub: 'u' }) }), /"aud" claim/);
    await rejectsWith(authenticate({ authorization: await sign({ iss: ISSUER, sub: 'u' }) }), /"aud" claim/);
    await rejectsWith(authenticate({ authorization: await sign({ iss: 'https://other.example', aud: 'outpost-desktop', sub: 'u' }) }), /not trusted/);
    await rejectsWith(
      authenticate({ authorization: await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: 'u' }, { key: rogueKey }) }),
      /signature is invalid/,
    );
    await rejectsWith(
      authenticate({ authorization: await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: 'u' }, { key: rogueKey, kid: 'rogue' }) }),
      /key the issuer does not publish/,
    );
    const past = Math.floor(Date.now() / 1000) - 3600;
    await rejectsWith(authenticate({ authorization: await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: 'u' }, { expiresIn: past }) }), /Token expired/);
    await rejectsWith(authenticate({ authorization: await sign({ iss: ISSUER, aud: 'outpost-desktop' }) }), /"sub" claim/);
  });

  test('the JWKS is fetched once and cached', async () => {
    const before = jwksRequests;
    for (let i = 0; i < 3; i++) {
      await authenticate({ authorization: await sign({ iss: ISSUER, aud: 'outpost-desktop', sub: `u-${i}` }) });
    }
    assert.ok(jwksRequests - before <= 1, `fetched ${jwksRequests - before} times`);
  });

  test('an unreachable JWKS gives a clear Unauthorized', async () => {
    const unreachable = createAuthenticator({
      store,
      issuers: [{ issuer: ISSUER, jwksUrl: jwksUrl.replace('/jwks.json', '/missing.json') }],
    });
    await rejectsWith(
      unreachable({ authorization: await sign({ iss: ISSUER, sub: 'u' }) }),
      /Could not fetch the signing keys of issuer https:\/\/idp\.example\.test\/realms\/field/,
    );
  });

  test('bad issuer configs are refused with the field named', () => {
    assert.throws(
      () => createExternalIssuerVerifier({ issuer: ISSUER, jwksUrl: 'http://idp.example.test/jwks.json' }),
      (err) => err instanceof ValidationError && err.path === 'issuers[0].jwksUrl' && /https/.test(err.message),
    );
    assert.throws(
      () => createExternalIssuerVerifier({ issuer: '', jwksUrl }),
      (err) => err instanceof ValidationError && err.path === 'issuers[0].issuer',
    );
    assert.throws(() => createExternalIssuerVerifier({ issuer: ISSUER, jwksUrl, algorithms: ['HS256'] }), /not an accepted asymmetric/);
    assert.throws(() => createAuthenticator({ store, issuers: [{ issuer: 'outpost', jwksUrl }] }), /Outpost's own token issuer/);
    assert.throws(
      () =>
        createAuthenticator({
          store,
          issuers: [
            { issuer: ISSUER, jwksUrl },
            { issuer: ISSUER, jwksUrl },
          ],
        }),
      (err) => err instanceof ValidationError && err.path === 'issuers[1].issuer',
    );
  });
});
