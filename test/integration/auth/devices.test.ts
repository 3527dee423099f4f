// Devices and revocation on both dialects (issue 15): a sign-in names its device, revoking the device
// ends its sessions at once — its access token, its refresh token and any new sign-in from it are
// refused with reason `deviceRevoked` — while the user's other devices carry on; an older auth
// database without the sessions' device column gains it in place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { OutpostError, ValidationError } from '../../../common/errors.js';
import { DEVICE_REVOKED_REASON } from '../../../common/wire-extensions.js';
import { createAuthService, type AuthService } from '../../../server/auth/auth-service.js';
import { createAuthStore } from '../../../server/auth/auth-store.js';
import { checkDeviceClaim } from '../../../server/auth/devices.js';
import { openPostgres, openSqlite, postgresUnavailable, type TestDatabase } from './auth-databases.js';

const pgSkip = await postgresUnavailable();
const LAPTOP = 'laptop-0b5e6c2a-9d1f-4c1e-a7f3-000000000001';
const TABLET = 'tablet-0b5e6c2a-9d1f-4c1e-a7f3-000000000002';

test('a device claim is checked: id shape, name length, a name without an id', () => {
  assert.equal(checkDeviceClaim(undefined, undefined), undefined);
  assert.deepEqual(checkDeviceClaim(LAPTOP, '  Field laptop 3 '), { deviceId: LAPTOP, name: 'Field laptop 3' });
  assert.deepEqual(checkDeviceClaim(LAPTOP, undefined), { deviceId: LAPTOP, name: 'unnamed device' });
  for (const [id, name, path] of [
    ['short', 'x', 'deviceId'],
    ['has spaces in it', 'x', 'deviceId'],
    [42, 'x', 'deviceId'],
    [LAPTOP, '', 'deviceName'],
    [LAPTOP, 'n'.repeat(201), 'deviceName'],
    [undefined, 'a name', 'deviceId'],
  ] as const) {
    assert.throws(
      () => checkDeviceClaim(id, name),
      (err) => err instanceof ValidationError && err.path === path,
      `${String(id)} / ${String(name)}`,
    );
  }
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`devices on ${kind}`, { skip: kind === 'postgres' ? pgSkip : undefined }, () => {
    let database: TestDatabase;
    let auth: AuthService;
    let server: Server;
    let base: string;

    before(async () => {
      database = kind === 'sqlite' ? await openSqlite() : await openPostgres();
      auth = await createAuthService(database.db, database.dialect, {});
      await auth.store.addUser({ username: 'alice', password: 'alice-password' });
      await auth.store.addUser({ username: 'bob', password: 'bob-password' });
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
    const signIn = (username: string, deviceId?: string, deviceName?: string) =>
      post('/auth/token', { username, password: `${username}-password`, ...(deviceId ? { deviceId } : {}), ...(deviceName ? { deviceName } : {}) });
    const errorReason = (body: Record<string, unknown>) => (body.error as { reason?: string } | undefined)?.reason;

    test('sign-ins are listed per device with their live sessions; a bad device id is a 400 naming the field', async () => {
      assert.equal((await signIn('alice', LAPTOP, 'Field laptop 3')).status, 200);
      assert.equal((await signIn('alice', LAPTOP, 'Field laptop 3')).status, 200);
      assert.equal((await signIn('alice', TABLET, 'Tablet')).status, 200);
      assert.equal((await signIn('bob', LAPTOP, "Bob's laptop")).status, 200);
      const alice = (await auth.store.getUser('alice'))!;
      const devices = await auth.store.listDevices(alice.id);
      assert.deepEqual(devices.map((d) => [d.deviceId, d.name, d.liveSessions, d.revokedAt]).sort(), [
        [LAPTOP, 'Field laptop 3', 2, null],
        [TABLET, 'Tablet', 1, null],
      ]);
      assert.equal((await auth.store.listDevices()).length, 3, 'the same device id of another user is another device');
      const bad = await post('/auth/token', { username: 'alice', password: 'alice-password', deviceId: 'no spaces allowed' });
      assert.equal(bad.status, 400);
      assert.equal((bad.body.error as { field?: string }).field, 'deviceId');
    });

    test('revoking a device refuses its access token, refresh token and sign-ins at once; other devices carry on', async () => {
      const onLaptop = (await signIn('alice', LAPTOP)).body;
      const onTablet = (await signIn('alice', TABLET)).body;
      const bobsLaptop = (await signIn('bob', LAPTOP)).body;
      const alice = (await auth.store.getUser('alice'))!;
      assert.ok((await auth.store.revokeDevice(alice.id, LAPTOP)) >= 1);

      await assert.rejects(
        auth.authenticate({ authorization: `Bearer ${String(onLaptop.accessToken)}` }),
        (err) => err instanceof OutpostError && err.details?.reason === DEVICE_REVOKED_REASON && /device was revoked/.test(err.message),
      );
      const refresh = await post('/auth/refresh', { refreshToken: onLaptop.refreshToken });
      assert.equal(refresh.status, 401);
      assert.equal(errorReason(refresh.body), DEVICE_REVOKED_REASON);
      const again = await signIn('alice', LAPTOP);
      assert.equal(again.status, 401);
      assert.equal(errorReason(again.body), DEVICE_REVOKED_REASON);

      assert.equal((await auth.authenticate({ authorization: `Bearer ${String(onTablet.accessToken)}` })).kind, 'user');
      assert.equal((await post('/auth/refresh', { refreshToken: onTablet.refreshToken })).status, 200);
      assert.equal(
        (await auth.authenticate({ authorization: `Bearer ${String(bobsLaptop.accessToken)}` })).kind,
        'user',
        "bob's device of the same id is not revoked",
      );
      const laptop = (await auth.store.listDevices(alice.id)).find((d) => d.deviceId === LAPTOP)!;
      assert.equal(laptop.liveSessions, 0);
      assert.ok(laptop.revokedAt !== null);
      await assert.rejects(auth.store.revokeDevice(alice.id, 'unknown-device-id'), /no device/);
    });

    test('the revoked sessions are found by time, for the real-time watch', async () => {
      const bob = (await auth.store.getUser('bob'))!;
      const before = Date.now();
      const { body } = await signIn('bob', TABLET);
      const claims = JSON.parse(Buffer.from(String(body.accessToken).split('.')[1], 'base64url').toString()) as { sid: string };
      assert.ok(!(await auth.store.sessionsRevokedSince(before)).includes(claims.sid));
      await auth.store.revokeDevice(bob.id, TABLET);
      assert.ok((await auth.store.sessionsRevokedSince(before)).includes(claims.sid));
    });

    test('signing out everywhere ends every session but leaves the devices allowed', async () => {
      await auth.store.addUser({ username: 'carol', password: 'carol-password' });
      const first = (await signIn('carol', LAPTOP)).body;
      const carol = (await auth.store.getUser('carol'))!;
      assert.equal(await auth.store.revokeUserSessions(carol.id, 'signed out everywhere'), 1);
      await assert.rejects(
        auth.authenticate({ authorization: String(first.accessToken) }),
        (err) => err instanceof OutpostError && err.details?.reason === 'revoked',
      );
      assert.equal((await signIn('carol', LAPTOP)).status, 200);
    });

    test('an auth database made before devices gains the sessions column in place, keeping its sessions', async () => {
      const fresh = kind === 'sqlite' ? await openSqlite() : await openPostgres();
      try {
        await sql`create table outpost_auth_sessions (id text primary key, user_id text not null, created_at bigint not null, revoked_at bigint, revoked_reason text)`.execute(
          fresh.db,
        );
        await sql`insert into outpost_auth_sessions values ('old-session', 'u1', 1, null, null)`.execute(fresh.db);
        const store = await createAuthStore(fresh.db, fresh.dialect);
        const old = await store.getSession('old-session');
        assert.equal(old?.deviceId, null);
        const user = await store.addUser({ username: 'dave', password: 'dave-password' });
        await store.registerDevice(user.id, { deviceId: LAPTOP, name: 'x' });
        const issued = await store.createSession(user.id, 60_000, LAPTOP);
        assert.equal((await store.getSession(issued.sessionId))?.deviceId, LAPTOP);
      } finally {
        await fresh.close();
      }
    });
  });
}
