// The assembled auth service on both dialects: sign-in over HTTP, the token accepted by
// authenticate(), refresh rotation with reuse detection, API keys — one suite, SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Unauthorized } from '../../../common/errors.js';
import { createAuthService, type AuthService } from '../../../server/auth/auth-service.js';
import { openPostgres, openSqlite, postgresUnavailable, type TestDatabase } from './auth-databases.js';

const pgSkip = await postgresUnavailable();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`auth service on ${kind}`, { skip: kind === 'postgres' ? pgSkip : undefined }, () => {
    let database: TestDatabase;
    let auth: AuthService;
    let server: Server;
    let base: string;

    before(async () => {
      database = kind === 'sqlite' ? await openSqlite() : await openPostgres();
      auth = await createAuthService(database.db, database.dialect, { tokens: { issuer: 'https://outpost.test', accessTokenTtlSec: 600 } });
      await auth.store.addUser({ username: 'alice', password: 'alice-password', groups: ['field'] });
      server = createServer((req, res) => {
        void auth.routes(req, res).then((handled) => {
          if (!handled) res.writeHead(404).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await database?.close();
    });

    async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    test('routes and authenticator share settings: issued tokens authenticate', async () => {
      const pair = await post('/auth/token', { username: 'alice', password: 'alice-password' });
      assert.equal(pair.status, 200);
      assert.equal(pair.body.expiresIn, 600);
      const identity = await auth.authenticate({ authorization: `Bearer ${String(pair.body.accessToken)}` });
      assert.ok(identity.kind === 'user');
      assert.equal(identity.username, 'alice');
      assert.equal(identity.claims.iss, 'https://outpost.test');
    });

    test('refresh reuse revokes the family; access tokens of the family stop working', async () => {
      const first = (await post('/auth/token', { username: 'alice', password: 'alice-password' })).body;
      const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
      assert.equal(second.status, 200);
      const reuse = await post('/auth/refresh', { refreshToken: first.refreshToken });
      assert.equal(reuse.status, 401);
      await assert.rejects(auth.authenticate({ authorization: String(second.body.accessToken) }), Unauthorized);
      assert.equal((await post('/auth/refresh', { refreshToken: second.body.refreshToken })).status, 401);
    });

    test('API keys authenticate until revoked', async () => {
      const { key, info } = await auth.store.createApiKey({ days: 1 });
      assert.deepEqual(await auth.authenticate({ 'x-api-key': key }), { kind: 'apiKey', keyId: info.id });
      await auth.store.revokeApiKey(info.id);
      await assert.rejects(auth.authenticate({ 'x-api-key': key }), /revoked/);
    });
  });
}
