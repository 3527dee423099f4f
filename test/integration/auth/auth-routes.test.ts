// The auth endpoints over a real http.Server on 127.0.0.1:0, including malformed requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { OutpostError } from '../../../common/errors.js';
import { createAuthRoutes } from '../../../server/auth/auth-routes.js';
import { createAuthStore, type AuthStore } from '../../../server/auth/auth-store.js';
import { createAuthenticator } from '../../../server/auth/authenticate.js';
import { openSqlite, type TestDatabase } from './auth-databases.js';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('auth HTTP routes', () => {
  let database: TestDatabase;
  let store: AuthStore;
  let server: Server;
  let base: string;
  let clock = Date.now();
  const reported: unknown[] = [];

  before(async () => {
    database = await openSqlite();
    store = await createAuthStore(database.db, database.dialect);
    await store.addUser({ username: 'alice', password: 'alice-password', groups: ['field'] });
    await store.addUser({ username: 'bob', password: 'bob-password' });
    const routes = createAuthRoutes(store, { now: () => clock, reportError: (e) => reported.push(e) });
    const authenticate = createAuthenticator({ store, now: () => clock });
    server = createServer((req, res) => {
      void (async () => {
        if (await routes(req, res)) return;
        if (req.url === '/whoami') {
          try {
            const identity = await authenticate(req.headers);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(identity));
          } catch (err) {
            res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify((err as OutpostError).toJSON()));
          }
          return;
        }
        res.writeHead(404).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.close();
  });

  async function call(path: string, init: { method?: string; body?: string; type?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.type !== null) headers['content-type'] = init.type ?? 'application/json';
    const res = await fetch(base + path, { method: init.method ?? 'POST', body: init.body, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const post = (path: string, body: unknown) => call(path, { body: JSON.stringify(body) });

  test('POST /auth/token signs in and the access token works on a protected route', async () => {
    const reply = await post('/auth/token', { username: 'alice', password: 'alice-password' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(reply.body).sort(), ['accessToken', 'expiresIn', 'idToken', 'refreshToken', 'tokenType']);
    assert.equal(reply.body.tokenType, 'Bearer');
    assert.equal(reply.body.expiresIn, 900);
    const who = await fetch(`${base}/whoami`, { headers: { Authorization: `Bearer ${String(reply.body.accessToken)}` } });
    assert.equal(who.status, 200);
    const identity = (await who.json()) as Record<string, unknown>;
    assert.equal(identity.username, 'alice');
    assert.deepEqual(identity.groups, ['field']);
  });

  test('form-encoded bodies are accepted too', async () => {
    const reply = await call('/auth/token', {
      body: new URLSearchParams({ username: 'bob', password: 'bob-password' }).toString(),
      type: 'application/x-www-form-urlencoded',
    });
    assert.equal(reply.status, 200);
    const refreshed = await call('/auth/refresh', {
      body: new URLSearchParams({ refresh_token: String(reply.body.refreshToken) }).toString(),
      type: 'application/x-www-form-urlencoded',
    });
    assert.equal(refreshed.status, 200);
  });

  test('refresh rotates, reuse is detected and revokes the session, revoke signs out', async () => {
    const first = (await post('/auth/token', { username: 'alice', password: 'alice-password' })).body;
    const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refreshToken, first.refreshToken);

    const reuse = await post('/auth/refresh', { refreshToken: first.refreshToken });
    assert.equal(reuse.status, 401);
    assert.deepEqual((reuse.body.error as Record<string, unknown>).reason, 'reused');
    assert.match(String((reuse.body.error as Record<string, unknown>).message), /reuse detected/);
    const afterReuse = await post('/auth/refresh', { refreshToken: second.body.refreshToken });
    assert.equal(afterReuse.status, 401);
    const who = await fetch(`${base}/whoami`, { headers: { authorization: String(second.body.accessToken) } });
    assert.equal(who.status, 401);

    const session = (await post('/auth/token', { username: 'alice', password: 'alice-password' })).body;
    assert.deepEqual((await post('/auth/revoke', { refreshToken: session.refreshToken })).body, { revoked: true });
    assert.deepEqual((await post('/auth/revoke', { token: 'unknown' })).body, { revoked: false });
    const refused = await post('/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(refused.status, 401);
    assert.equal((refused.body.error as Record<string, unknown>).reason, 'revoked');
  });

  test('bad credentials: 401 with the same message whether or not the user exists', async () => {
    const wrong = await post('/auth/token', { username: 'alice', password: 'not-her-password' });
    const unknown = await post('/auth/token', { username: 'nobody', password: 'not-her-password' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal((wrong.body.error as Record<string, unknown>).message, 'Incorrect username or password.');
  });

  test('malformed requests get clear 4xx errors and change nothing', async () => {
    const cases: [Promise<Reply>, number, RegExp, string?][] = [
      [call('/auth/token', { body: '{"username":', type: 'application/json' }), 400, /not valid JSON/],
      [call('/auth/token', { body: '', type: 'application/json' }), 400, /empty/],
      [call('/auth/token', { body: '[1,2]' }), 400, /must be a JSON object/],
      [call('/auth/token', { body: 'null' }), 400, /must be a JSON object/],
      [post('/auth/token', { username: 'alice' }), 400, /"password" is required/, 'password'],
      [post('/auth/token', { password: 'x' }), 400, /"username" is required/, 'username'],
      [post('/auth/token', { username: 'alice', password: 12345678 }), 400, /"password" must be a string/, 'password'],
      [post('/auth/token', { username: ['alice'], password: 'alice-password' }), 400, /"username" must be a string/, 'username'],
      [post('/auth/token', { username: 'alice', password: '' }), 400, /"password" must not be empty/, 'password'],
      [post('/auth/refresh', {}), 400, /"refreshToken" is required/, 'refreshToken'],
      [post('/auth/refresh', { refreshToken: { a: 1 } }), 400, /"refreshToken" must be a string/, 'refreshToken'],
      [call('/auth/token', { body: '{}', type: 'text/plain' }), 415, /application\/json/],
      [call('/auth/token', { body: '{}', type: null }), 415, /application\/json/],
      [call('/auth/token', { body: JSON.stringify({ username: 'alice', password: 'x'.repeat(20_000) }) }), 413, /larger than 16384 bytes/],
      [call('/auth/token', { method: 'GET', type: null }), 405, /use POST/],
      [call('/.well-known/jwks.json', { method: 'POST', body: '{}' }), 405, /use GET/],
    ];
    for (const [pending, status, message, field] of cases) {
      const reply = await pending;
      assert.equal(reply.status, status, JSON.stringify(reply.body));
      const error = reply.body.error as Record<string, unknown>;
      assert.match(String(error.message), message);
      if (field) assert.equal(error.field, field);
    }
    const notOurs = await call('/auth/other', { body: '{}' });
    assert.equal(notOurs.status, 404, 'other paths fall through to the caller');
    assert.equal((await post('/auth/token', { username: 'alice', password: 'alice-password' })).status, 200);
    assert.equal((await store.listUsers()).length, 2);
    assert.deepEqual(reported, []);
  });

  test('a body larger than the limit without Content-Length is cut off with 413', async () => {
    const port = (server.address() as AddressInfo).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/auth/token', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1024));
      req.end();
    });
    assert.equal(status, 413);
  });

  test('repeated failures for one username and address are throttled with 429 and Retry-After', async () => {
    await store.addUser({ username: 'carol', password: 'carol-password' });
    for (let i = 0; i < 5; i++) {
      assert.equal((await post('/auth/token', { username: 'carol', password: `guess-${i}-xx` })).status, 401);
    }
    const locked = await post('/auth/token', { username: 'Carol', password: 'carol-password' });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.match(String((locked.body.error as Record<string, unknown>).message), /Too many failed sign-in attempts/);
    assert.equal((await post('/auth/token', { username: 'bob', password: 'bob-password' })).status, 200, 'other users are unaffected');
    clock += 301_000;
    assert.equal((await post('/auth/token', { username: 'carol', password: 'carol-password' })).status, 200);
  });

  test('parallel guesses cannot outrun the throttle: at most 5 are checked, the rest get 429', async () => {
    await store.addUser({ username: 'dave', password: 'dave-password' });
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => post('/auth/token', { username: 'dave', password: `parallel-guess-${i}` })));
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 7, `statuses: ${statuses.join(',')}`);
    clock += 301_000;
    assert.equal((await post('/auth/token', { username: 'dave', password: 'dave-password' })).status, 200);
  });

  test('GET /.well-known/jwks.json lets a third party verify our tokens', async () => {
    const jwks = await fetch(`${base}/.well-known/jwks.json`);
    assert.equal(jwks.status, 200);
    assert.match(jwks.headers.get('cache-control') ?? '', /max-age=300/);
    const body = (await jwks.json()) as { keys: Record<string, unknown>[] };
    assert.equal(body.keys.length, 1);
    assert.equal(body.keys[0].d, undefined);
    const pair = (await post('/auth/token', { username: 'bob', password: 'bob-password' })).body;
    const { payload } = await jwtVerify(String(pair.accessToken), createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)), {
      issuer: 'outpost',
      audience: 'outpost',
      currentDate: new Date(clock),
    });
    assert.equal(payload.sub, decodeJwt(String(pair.idToken)).sub);
  });
});
