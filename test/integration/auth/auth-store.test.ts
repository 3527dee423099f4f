// The auth store against both real dialects: one suite, run on SQLite and on PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { NotFound, ValidationError } from '../../../common/errors.js';
import { AUTH_TABLES, createAuthStore, type AuthStore } from '../../../server/auth/auth-store.js';
import { openPostgres, openSqlite, postgresUnavailable, type TestDatabase } from './auth-databases.js';

const pgSkip = await postgresUnavailable();
const DAY = 86_400_000;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`auth store on ${kind}`, { skip: kind === 'postgres' ? pgSkip : undefined }, () => {
    let database: TestDatabase;
    let store: AuthStore;
    let clock = 1_750_000_000_000;

    before(async () => {
      database = kind === 'sqlite' ? await openSqlite() : await openPostgres();
      store = await createAuthStore(database.db, database.dialect, { now: () => clock });
    });
    after(async () => {
      await database?.close();
    });

    test('creating the store twice keeps existing data', async () => {
      await store.addUser({ username: 'Twice', password: 'correct horse' });
      const again = await createAuthStore(database.db, database.dialect, { now: () => clock });
      assert.equal((await again.getUser('twice'))?.username, 'twice');
    });

    test('several processes creating the tables at once on a fresh database all succeed', async () => {
      const fresh = kind === 'sqlite' ? await openSqlite() : await openPostgres();
      try {
        // Separate pools stand in for separate server processes.
        const others = await Promise.all([1, 2].map(() => fresh.reopen()));
        const stores = await Promise.all([fresh, ...others].map((d) => createAuthStore(d.db, d.dialect)));
        await stores[0].addUser({ username: 'racer', password: 'racer-password' });
        for (const s of stores) assert.equal((await s.getUser('racer'))?.username, 'racer');
        await Promise.all(others.map((o) => o.close()));
      } finally {
        await fresh.close();
      }
    });

    test('users: add, look up case-insensitively, list, refuse duplicates and bad input', async () => {
      const alice = await store.addUser({ username: 'Alice', password: 'wonderland-42', groups: ['admins', 'admins', 'field'] });
      assert.match(alice.id, /^[0-9a-f-]{36}$/);
      assert.equal(alice.username, 'alice');
      assert.deepEqual(alice.groups, ['admins', 'field']);
      assert.equal(alice.createdAt, clock);
      assert.deepEqual(await store.getUser('ALICE'), alice);
      assert.deepEqual(await store.getUserById(alice.id), alice);
      assert.equal(await store.getUser('nobody'), undefined);
      assert.equal(await store.getUser('bad name'), undefined);

      await assert.rejects(store.addUser({ username: 'alice', password: 'another-pass' }), (err) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.path, 'username');
        assert.match(err.message, /already exists/);
        return true;
      });
      await assert.rejects(store.addUser({ username: 'bob:x', password: 'long enough' }), /username may contain only/);
      await assert.rejects(store.addUser({ username: 'bob', password: 'short' }), /at least 8 characters/);
      await assert.rejects(store.addUser({ username: 'bobbobbob', password: 'BOBBOBBOB' }), /same as the username/);
      await assert.rejects(store.addUser({ username: 'bob', password: 'long enough', groups: ['ok', 'not ok'] }), /group "not ok"/);
      assert.equal(await store.getUser('bob'), undefined, 'rejected input stored nothing');

      const names = (await store.listUsers()).map((u) => u.username);
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.includes('alice'));
    });

    test('passwords are stored as scrypt hashes and verified; unknown user and wrong password look alike', async () => {
      await store.addUser({ username: 'carol', password: 'carol-secret-1' });
      const rows = await sql<{ password_hash: string }>`select password_hash from ${sql.table(AUTH_TABLES.users)} where username = ${'carol'}`.execute(
        database.db,
      );
      assert.match(rows.rows[0].password_hash, /^\$scrypt\$ln=15,r=8,p=1\$/);
      assert.ok(!rows.rows[0].password_hash.includes('carol-secret-1'));

      const ok = await store.verifyCredentials('Carol', 'carol-secret-1');
      assert.ok(ok.ok);
      assert.equal(ok.user.username, 'carol');
      assert.deepEqual(await store.verifyCredentials('carol', 'carol-secret-2'), { ok: false, reason: 'bad-credentials' });
      assert.deepEqual(await store.verifyCredentials('nobody-here', 'carol-secret-1'), { ok: false, reason: 'bad-credentials' });
      assert.deepEqual(await store.verifyCredentials('not a username', 'x'), { ok: false, reason: 'bad-credentials' });

      await store.setDisabled('carol', true);
      assert.deepEqual(await store.verifyCredentials('carol', 'carol-secret-1'), { ok: false, reason: 'disabled' });
      await store.setDisabled('carol', false);
      assert.ok((await store.verifyCredentials('carol', 'carol-secret-1')).ok);
    });

    test('changing a password revokes the user’s sessions and refuses older tokens', async () => {
      const dave = await store.addUser({ username: 'dave', password: 'dave-pass-1' });
      const issued = await store.createSession(dave.id, DAY);
      clock += 1000;
      await store.setPassword('dave', 'dave-pass-2');
      assert.equal((await store.getUser('dave'))?.tokensValidAfter, clock);
      assert.equal((await store.getSession(issued.sessionId))?.revokedReason, 'password changed');
      assert.deepEqual(await store.rotateRefreshToken(issued.refreshToken, DAY), { ok: false, reason: 'revoked' });
      assert.equal((await store.verifyCredentials('dave', 'dave-pass-1')).ok, false);
      assert.equal((await store.verifyCredentials('dave', 'dave-pass-2')).ok, true);
      await assert.rejects(store.setPassword('ghost', 'whatever-123'), NotFound);
      await assert.rejects(store.setPassword('dave', 'short'), /at least 8/);
    });

    test('removing a user deletes the account and its sessions', async () => {
      const erin = await store.addUser({ username: 'erin', password: 'erin-pass-1' });
      const issued = await store.createSession(erin.id, DAY);
      assert.equal(await store.removeUser('ERIN'), true);
      assert.equal(await store.removeUser('erin'), false);
      assert.equal(await store.getUser('erin'), undefined);
      assert.equal(await store.getSession(issued.sessionId), undefined);
      assert.deepEqual(await store.rotateRefreshToken(issued.refreshToken, DAY), { ok: false, reason: 'unknown' });
    });

    test('API keys: shown once, stored hashed, found by value, expire, revoke', async () => {
      const { key, info } = await store.createApiKey({ days: 30, description: 'field tablets' });
      assert.match(key, /^da2-[0-9a-f]{40}$/);
      assert.equal(info.expiresAt - info.createdAt, 30 * DAY);
      assert.equal(info.revokedAt, null);
      const raw = await sql<{ key_hash: string }>`select key_hash from ${sql.table(AUTH_TABLES.apiKeys)}`.execute(database.db);
      assert.ok(raw.rows.every((r) => r.key_hash !== key && !r.key_hash.includes(key.slice(4))));
      assert.deepEqual(await store.findApiKey(key), info);
      assert.equal(await store.findApiKey(key + 'x'), undefined);
      assert.equal(await store.findApiKey(''), undefined);

      const defaultKey = await store.createApiKey();
      assert.equal(defaultKey.info.expiresAt - defaultKey.info.createdAt, 7 * DAY);
      await assert.rejects(store.createApiKey({ days: 0 }), /whole number of days/);
      await assert.rejects(store.createApiKey({ days: 1.5 }), /whole number of days/);

      assert.equal(await store.revokeApiKey(info.id), true);
      assert.equal((await store.findApiKey(key))?.revokedAt, clock);
      assert.equal(await store.revokeApiKey(info.id), true, 'revoking twice is fine');
      assert.equal(await store.revokeApiKey('nope'), false);
      const ids = (await store.listApiKeys()).map((k) => k.id);
      assert.ok(ids.includes(info.id) && ids.includes(defaultKey.info.id));
    });

    test('refresh tokens rotate; a reused token revokes the whole family', async () => {
      const frank = await store.addUser({ username: 'frank', password: 'frank-pass-1' });
      const first = await store.createSession(frank.id, DAY);
      const second = await store.rotateRefreshToken(first.refreshToken, DAY);
      assert.ok(second.ok);
      assert.equal(second.user.id, frank.id);
      assert.equal(second.issued.sessionId, first.sessionId);
      assert.notEqual(second.issued.refreshToken, first.refreshToken);
      const third = await store.rotateRefreshToken(second.issued.refreshToken, DAY);
      assert.ok(third.ok);

      // The first token again: reuse. The family dies, including the newest token.
      assert.deepEqual(await store.rotateRefreshToken(first.refreshToken, DAY), { ok: false, reason: 'reused' });
      assert.equal((await store.getSession(first.sessionId))?.revokedReason, 'refresh token reuse detected');
      assert.deepEqual(await store.rotateRefreshToken(third.issued.refreshToken, DAY), { ok: false, reason: 'revoked' });

      // Another session of the same user is untouched.
      const other = await store.createSession(frank.id, DAY);
      assert.ok((await store.rotateRefreshToken(other.refreshToken, DAY)).ok);
    });

    test('concurrent use of one refresh token lets exactly one through and revokes the family', async () => {
      const gina = await store.addUser({ username: 'gina', password: 'gina-pass-1' });
      const issued = await store.createSession(gina.id, DAY);
      const results = await Promise.all([1, 2, 3].map(() => store.rotateRefreshToken(issued.refreshToken, DAY)));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.ok(results.some((r) => !r.ok && r.reason === 'reused'));
      assert.notEqual((await store.getSession(issued.sessionId))?.revokedAt, null);
    });

    test('refresh tokens expire; revoke ends the session; disabled users cannot refresh', async () => {
      const hank = await store.addUser({ username: 'hank', password: 'hank-pass-1' });
      const short = await store.createSession(hank.id, 60_000);
      clock += 60_000;
      assert.deepEqual(await store.rotateRefreshToken(short.refreshToken, DAY), { ok: false, reason: 'expired' });
      assert.deepEqual(await store.rotateRefreshToken('not-a-token', DAY), { ok: false, reason: 'unknown' });

      const live = await store.createSession(hank.id, DAY);
      assert.equal(await store.revokeRefreshToken(live.refreshToken), true);
      assert.equal(await store.revokeRefreshToken('unknown-token'), false);
      assert.deepEqual(await store.rotateRefreshToken(live.refreshToken, DAY), { ok: false, reason: 'revoked' });

      const before = await store.createSession(hank.id, DAY);
      await store.setDisabled('hank', true);
      assert.deepEqual(await store.rotateRefreshToken(before.refreshToken, DAY), { ok: false, reason: 'revoked' });
      await assert.rejects(store.createSession(hank.id, 0), /positive whole number/);
    });

    test('secrets are created once and shared by every store on the database', async () => {
      const other = await createAuthStore(database.db, database.dialect);
      const values = await Promise.all([store.secret('test-secret', () => 'value-a'), other.secret('test-secret', () => 'value-b')]);
      assert.equal(values[0], values[1]);
      assert.equal(await other.secret('test-secret', () => 'value-c'), values[0]);
    });

    test('purgeExpired removes expired refresh tokens and empty sessions only', async () => {
      const ivan = await store.addUser({ username: 'ivan', password: 'ivan-pass-1' });
      const old = await store.createSession(ivan.id, 1000);
      const live = await store.createSession(ivan.id, DAY);
      clock += 2000;
      assert.ok((await store.purgeExpired()) >= 2);
      assert.equal(await store.getSession(old.sessionId), undefined);
      assert.ok(await store.getSession(live.sessionId));
      assert.ok((await store.rotateRefreshToken(live.refreshToken, DAY)).ok);
    });
  });
}
