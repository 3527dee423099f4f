// Device revocation through the real app core (createAppCore, the renderer's API over the
// in-process bridge, real SQLite, the real sync worker) against a real Outpost server on
// 127.0.0.1: a password sign-in registers the profile's device (id kept in settings.json, name
// "Outpost on <host>"); Settings lists the user's devices and signs another one out, which that
// running app notices over its real-time connection and wipes itself; a device revoked while it
// holds unsynced edits wipes its profile at the next request and says how many edits were lost;
// signing in again afterwards registers a new device.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EventOf } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore, type AppCore } from '../../../main/app-core.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { profileDirectory } from '../../../main/auth/profiles.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { syncWorkerPortFactory } from '../../../main/sync-worker-binding.js';
import { createApi, type OutpostApi } from '../../../preload/create-api.js';
import { startServer, type RunningServer } from '../../../server/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sdl = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(sdl, 'schema/schema.graphql');
const TUNING = { backoff: { baseMs: 50, jitterMs: 20, maxDelayMs: 1000 } } as const;
const PASSWORD = 'ana password 123';

let dir: string;
let server: RunningServer;
let base: string;
let anaId: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-device-revocation-'));
  server = await startServer({
    schema: sdl,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    reportError: (e) => console.error('server:', e),
  });
  base = `http://127.0.0.1:${server.port}`;
  await server.authStore.addUser({ username: 'ana', password: PASSWORD });
  anaId = (await server.authStore.getUser('ana'))!.id;
});
const opened: AppCore[] = [];
after(async () => {
  for (const core of opened) await core.close().catch(() => undefined);
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Device {
  readonly core: AppCore;
  readonly api: OutpostApi;
  readonly userData: string;
  readonly credentials: CredentialStore;
  readonly events: Array<{ readonly wire: string; readonly payload: unknown }>;
  /** The first `deviceRevoked` event; rejects after `ms`. */
  revoked(ms: number): Promise<EventOf<'deviceRevoked'>>;
}

function device(): Device {
  const userData = mkdtempSync(join(dir, 'device-'));
  const credentials = memoryCredentialStore();
  const core = createAppCore({ userData, schema, credentials, durability: 'NORMAL', createSync: syncWorkerPortFactory(TUNING) });
  opened.push(core);
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const events: Device['events'] = [];
  const api = createApi(bridge.connect((wire, payload) => events.push({ wire, payload })).transport);
  const revoked = async (ms: number): Promise<EventOf<'deviceRevoked'>> => {
    const giveUp = Date.now() + ms;
    for (;;) {
      const found = events.find((e) => e.wire === 'outpost:deviceRevoked');
      if (found) return found.payload as EventOf<'deviceRevoked'>;
      if (Date.now() > giveUp) throw new Error(`no deviceRevoked event within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { core, api, userData, credentials, events, revoked };
}

async function until(condition: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const giveUp = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function settingsOf(userData: string): { profiles: Array<{ id: string; deviceId?: string; deviceName?: string }>; activeProfileId: string | null } {
  return JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8'));
}

async function signedInSynced(d: Device): Promise<string> {
  const user = await d.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
  await until(async () => (await d.api.syncStatus({})).lastSyncedAt !== null, 'the first sync');
  return user.profileId;
}

test('sign-in registers the device; Settings lists devices and signs another out, which wipes itself over real-time', async () => {
  const laptop = device();
  const tablet = device();
  const laptopProfile = await signedInSynced(laptop);
  await signedInSynced(tablet);
  const laptopDevice = settingsOf(laptop.userData).profiles.find((p) => p.id === laptopProfile)!;
  assert.match(laptopDevice.deviceId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(laptopDevice.deviceName, `Outpost on ${hostname()}`);
  const tabletDeviceId = settingsOf(tablet.userData).profiles[0].deviceId!;
  assert.notEqual(tabletDeviceId, laptopDevice.deviceId);

  const listed = await laptop.api.devices({});
  assert.equal(listed.problem, null);
  assert.deepEqual(listed.thisDevice, { deviceId: laptopDevice.deviceId, name: `Outpost on ${hostname()}` });
  assert.deepEqual(
    listed.devices!.map((d) => [d.deviceId, d.current]).sort(),
    [
      [laptopDevice.deviceId, true],
      [tabletDeviceId, false],
    ].sort(),
  );

  await assert.rejects(laptop.api.revokeDevice({ deviceId: laptopDevice.deviceId! }), /This is the device you are using: sign out instead/);
  const started = Date.now();
  assert.deepEqual(await laptop.api.revokeDevice({ deviceId: tabletDeviceId }), { revoked: true, sessionsEnded: 1 });
  // The tablet is idle: only its real-time connection hears of it.
  const event = await tablet.revoked(10_000);
  console.log(`tablet noticed the revocation after ${Date.now() - started} ms`);
  assert.equal(event.lost, 0);
  assert.match(event.message, /^This device was revoked by your administrator\. Its local data was removed/);
  assert.equal(await tablet.api.currentUser({}), null);
  assert.equal(existsSync(profileDirectory(tablet.userData, event.profileId)), false);
  assert.equal(await tablet.credentials.get(base, 'ana'), null);
  assert.deepEqual(settingsOf(tablet.userData).profiles, []);

  const after = await laptop.api.devices({});
  assert.notEqual(after.devices!.find((d) => d.deviceId === tabletDeviceId)!.revokedAt, null);
  await laptop.core.close();
  await tablet.core.close();
});

test('a device revoked while holding offline edits wipes its profile at the next request, says 3 edits are lost, and signs in again as a new device', async () => {
  const laptop = device();
  const profileId = await signedInSynced(laptop);
  const oldDeviceId = settingsOf(laptop.userData).profiles[0].deviceId!;
  await laptop.api.stopSync();
  for (const name of ['North pit', 'South pit', 'Quarry']) await laptop.api.save({ model: 'Site', record: { name } });
  assert.equal((await laptop.api.syncStatus({})).unsynced, 3);
  assert.ok(existsSync(profileDirectory(laptop.userData, profileId)));

  assert.equal(await server.authStore.revokeDevice(anaId, oldDeviceId), 1);
  const started = Date.now();
  await laptop.api.startSync();
  const event = await laptop.revoked(5_000);
  console.log(`laptop noticed the revocation after ${Date.now() - started} ms`);
  assert.deepEqual(
    { lost: event.lost, username: event.username, server: event.server, profileId: event.profileId },
    { lost: 3, username: 'ana', server: base, profileId },
  );
  assert.equal(event.message, 'This device was revoked by your administrator. Its local data was removed: 3 changes that had not reached the server are lost.');
  assert.equal(existsSync(profileDirectory(laptop.userData, profileId)), false);
  assert.equal(await laptop.credentials.get(base, 'ana'), null);
  assert.deepEqual(settingsOf(laptop.userData).profiles, []);
  assert.equal(await laptop.api.currentUser({}), null);
  assert.ok(laptop.events.some((e) => e.wire === 'outpost:session' && e.payload === null));

  // The password still works: a new device, with none of the old data.
  await signedInSynced(laptop);
  const newDeviceId = settingsOf(laptop.userData).profiles[0].deviceId!;
  assert.notEqual(newDeviceId, oldDeviceId);
  const devices = await server.authStore.listDevices(anaId);
  assert.equal(devices.find((d) => d.deviceId === newDeviceId)!.revokedAt, null);
  assert.notEqual(devices.find((d) => d.deviceId === oldDeviceId)!.revokedAt, null);
  assert.equal((await laptop.api.syncStatus({})).unsynced, 0);
  const sites = await laptop.api.query({ model: 'Site' });
  assert.equal(sites.items.filter((s) => ['North pit', 'South pit', 'Quarry'].includes(String(s.name))).length, 0);
  await laptop.core.close();
});

test('a kept device id the server refuses at sign-in wipes that profile and signs in as a new device', async () => {
  const laptop = device();
  const profileId = await signedInSynced(laptop);
  const oldDeviceId = settingsOf(laptop.userData).profiles[0].deviceId!;
  await laptop.api.stopSync();
  await laptop.api.save({ model: 'Site', record: { name: 'Left behind' } });
  // Switched away (an offline profile opens), then revoked while this profile is closed.
  await laptop.api.signIn({ mode: 'offline', username: 'field' });
  await server.authStore.revokeDevice(anaId, oldDeviceId);
  await laptop.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
  const event = await laptop.revoked(1_000);
  assert.deepEqual([event.profileId, event.lost], [profileId, 1]);
  const notice = laptop.events.find((e) => e.wire === 'outpost:error' && (e.payload as { code: string }).code === 'DeviceRevoked');
  assert.equal(
    (notice?.payload as { message?: string } | undefined)?.message,
    'This device was revoked by your administrator. Its local data was removed: 1 change that had not reached the server is lost.',
  );
  const kept = settingsOf(laptop.userData).profiles.find((p) => p.id === profileId)!;
  assert.notEqual(kept.deviceId, oldDeviceId);
  assert.equal((await laptop.api.syncStatus({})).unsynced, 0);
  await laptop.core.close();
});

test('Settings offline: this device is still shown and the list says the server cannot be reached; signing another out says so too', async () => {
  const own = await startServer({
    schema: sdl,
    database: `sqlite:${join(dir, 'offline-server.db')}`,
    port: 0,
    host: '127.0.0.1',
    reportError: () => undefined,
  });
  await own.authStore.addUser({ username: 'ana', password: PASSWORD });
  const ownBase = `http://127.0.0.1:${own.port}`;
  const laptop = device();
  await laptop.api.signIn({ mode: 'password', server: ownBase, username: 'ana', password: PASSWORD });
  const deviceId = settingsOf(laptop.userData).profiles[0].deviceId!;
  await own.close();
  const listed = await laptop.api.devices({});
  assert.deepEqual(listed.thisDevice, { deviceId, name: `Outpost on ${hostname()}` });
  assert.equal(listed.devices, null);
  assert.equal(listed.problem, `Cannot reach 127.0.0.1:${own.port}: the list of your devices needs the server. Try again when this computer is online.`);
  await assert.rejects(laptop.api.revokeDevice({ deviceId: 'another-device-1' }), /Cannot reach 127\.0\.0\.1:\d+: signing out another device needs the server/);
  // Not a revocation: the profile and its sign-in stay.
  assert.notEqual(await laptop.api.currentUser({}), null);
  assert.notEqual(await laptop.credentials.get(ownBase, 'ana'), null);
  await laptop.core.close();
});

test('an API-key or offline profile has no devices, said plainly', async () => {
  const field = device();
  await field.api.signIn({ mode: 'offline', username: 'field' });
  assert.deepEqual(await field.api.devices({}), { thisDevice: null, devices: null, problem: 'This is an offline profile: it has no server, so no devices.' });
  await assert.rejects(field.api.revokeDevice({ deviceId: 'another-device-1' }), /offline profile/);
  await field.core.close();
});
