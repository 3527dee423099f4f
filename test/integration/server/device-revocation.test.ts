// A revoked device loses every route at once (issue 15), revoked by the operator's CLI — a second
// connection to the server's database, as another process would be: its open real-time
// subscription ends with reason deviceRevoked and the socket closes, its GraphQL requests are 401
// with errorInfo.reason, and the same user's other device keeps syncing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_REVOKED_REASON } from '../../../common/wire-extensions.js';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { OutpostError } from '../../../common/errors.js';
import { registerAuthCommands } from '../../../server/auth/auth-cli.js';
import { openAuthStore } from '../../../server/auth/auth-store.js';
import { openStorage } from '../../../server/storage/open-storage.js';
import { AppSyncWsClient } from '../realtime/appsync-ws-client.js';
import { POST_FIELDS, startHarness, type Harness } from './server-harness.js';

const LAPTOP = 'laptop-7f1c0a44-1b2e-4f6d-9c3a-00000000000a';
const TABLET = 'tablet-7f1c0a44-1b2e-4f6d-9c3a-00000000000b';
const LIST_NOTES = 'query { listPosts { items { id } } }';
const ON_CREATE = `subscription { onCreatePost { ${POST_FIELDS} } }`;

describe('device revocation on a running server', () => {
  let harness: Harness;
  let origin: string;

  before(async () => {
    harness = await startHarness('sqlite');
    origin = new URL(harness.server.url).origin;
  });
  after(async () => {
    await harness?.close();
  });

  async function signIn(deviceId: string, deviceName: string): Promise<string> {
    const res = await fetch(`${origin}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice password 123', deviceId, deviceName }),
    });
    assert.equal(res.status, 200);
    return String(((await res.json()) as { accessToken: string }).accessToken);
  }

  /** The server CLI's auth commands, each on its own connection to the server's database (as another process). */
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) => new Writable({ write: (chunk: Buffer, _e, done) => (into.push(chunk.toString()), done()) });
    const program = new Command('outpost-server').exitOverride().configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
    registerAuthCommands(
      program,
      async () => {
        const storage = await openStorage(harness.databaseUrl);
        return { store: await openAuthStore(storage), close: () => storage.close() };
      },
      { stdout: sink(out), stderr: sink(err) },
    );
    let code = 0;
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) code = error.exitCode;
      else if (error instanceof OutpostError) {
        err.push(error.message);
        code = 1;
      } else throw error;
    }
    return { code, out: out.join(''), err: err.join('') };
  }

  test('the CLI revokes a device: its subscription ends with the reason, the socket closes, GraphQL answers 401; the other device carries on', async () => {
    const laptop = await signIn(LAPTOP, 'Field laptop 3');
    const tablet = await signIn(TABLET, 'Tablet');
    const host = new URL(harness.server.url).host;
    const ws = await AppSyncWsClient.open(origin.replace('http', 'ws'), { Authorization: laptop, host });
    assert.equal((await ws.init()).type, 'connection_ack');
    const ack = await ws.subscribe('s1', ON_CREATE, {}, { Authorization: laptop, host });
    assert.equal(ack.type, 'start_ack', JSON.stringify(ack));
    assert.equal((await harness.gql({ headers: { authorization: laptop } }, LIST_NOTES)).status, 200);

    const listed = await cli('device', 'list', '--user', 'alice', '--json');
    assert.equal(listed.code, 0, listed.err);
    const devices = JSON.parse(listed.out) as Array<{ deviceId: string; name: string; liveSessions: number }>;
    assert.deepEqual(devices.map((d) => [d.deviceId, d.name, d.liveSessions]).sort(), [
      [LAPTOP, 'Field laptop 3', 1],
      [TABLET, 'Tablet', 1],
    ]);

    const revoked = await cli('device', 'revoke', 'alice', LAPTOP);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, /Revoked device .* 1 session ended/);

    const ended = await ws.next((f) => f.id === 's1' && f.type === 'error', 5_000);
    const error = ended.payload?.errors?.[0] as { message: string; errorInfo?: { reason?: string } } | undefined;
    assert.equal(error?.errorInfo?.reason, DEVICE_REVOKED_REASON);
    assert.equal((await ws.closed(5_000)).code, 4401);

    const refused = await harness.gql({ headers: { authorization: laptop } }, LIST_NOTES);
    assert.equal(refused.status, 401);
    const gqlError = refused.body.errors?.[0] as { errorType?: string; errorInfo?: { reason?: string } } | undefined;
    assert.equal(gqlError?.errorType, 'UnauthorizedException');
    assert.equal(gqlError?.errorInfo?.reason, DEVICE_REVOKED_REASON);

    assert.equal((await harness.gql({ headers: { authorization: tablet } }, LIST_NOTES)).status, 200, 'the tablet is not revoked');
    const after = JSON.parse((await cli('device', 'list', '--json')).out) as Array<{ deviceId: string; revokedAt: number | null }>;
    assert.ok(after.find((d) => d.deviceId === LAPTOP)?.revokedAt !== null);
  });

  test("the app lists the user's devices and signs out another one; not the one it runs on, not with an API key", async () => {
    const own = await signIn(TABLET, 'Tablet');
    const phone = 'phone-7f1c0a44-1b2e-4f6d-9c3a-00000000000c';
    const phoneToken = await signIn(phone, 'Phone');
    const call = async (path: string, headers: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const listed = await call('/auth/devices', { authorization: `Bearer ${own}` });
    assert.equal(listed.status, 200);
    const devices = listed.body.devices as Array<{ deviceId: string; current: boolean; revokedAt: number | null }>;
    assert.deepEqual(
      devices.filter((d) => d.current).map((d) => d.deviceId),
      [TABLET],
    );
    assert.ok(devices.some((d) => d.deviceId === phone && d.revokedAt === null));

    const self = await call('/auth/devices/revoke', { authorization: `Bearer ${own}` }, { deviceId: TABLET });
    assert.equal(self.status, 400);
    assert.match(String((self.body.error as { message: string }).message), /sign out instead/);
    const other = await call('/auth/devices/revoke', { authorization: `Bearer ${own}` }, { deviceId: phone });
    assert.deepEqual(other, { status: 200, body: { revoked: true, sessionsEnded: 1 } });
    assert.equal((await harness.gql({ headers: { authorization: phoneToken } }, LIST_NOTES)).status, 401);
    assert.equal((await call('/auth/devices/revoke', { authorization: `Bearer ${own}` }, { deviceId: 'never-seen-device' })).status, 404);
    assert.equal((await call('/auth/devices', harness.key.headers)).status, 403);
    assert.equal((await call('/auth/devices', {})).status, 401);
  });

  test('user signout-everywhere ends every session; unknown users and devices are clear errors', async () => {
    const tablet = await signIn(TABLET, 'Tablet');
    const done = await cli('user', 'signout-everywhere', 'alice');
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /Signed alice out everywhere/);
    assert.equal((await harness.gql({ headers: { authorization: tablet } }, LIST_NOTES)).status, 401);
    assert.equal((await cli('user', 'signout-everywhere', 'nobody')).code, 1);
    const unknown = await cli('device', 'revoke', 'alice', 'not-a-device-id');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no device/);
  });
});
