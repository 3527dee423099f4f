// End to end in Chromium, issue 15 "Devices and revocation": Settings of an Outpost account shows
// this device (name, id) and the user's other devices; "Sign out that device" ends the tablet's
// access (the tablet, a second core, wipes itself when it hears of it). Then the laptop itself is
// revoked by the administrator while it holds two unsynced changes: the app wipes the profile and
// shows the sign-in screen saying the device was revoked and that 2 changes are lost.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import {
  buildForTest,
  CHROMIUM,
  eventually,
  headlessDevice,
  launchChromium,
  openDevice,
  root,
  screenshot,
  serveRenderer,
  type Device,
} from '../support/desktop-harness.js';

const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(schemaText, 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const PASSWORD = 'ana password 123';

describe('devices and revocation, in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let browser: Browser;
  let laptop: Device | undefined;
  let tablet: ReturnType<typeof headlessDevice> | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-devices-'));
    server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, host: '127.0.0.1', reportError: () => undefined });
    base = `http://127.0.0.1:${server.port}`;
    await server.authStore.addUser({ username: 'ana', password: PASSWORD });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await tablet?.close();
    await laptop?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Settings lists the devices and signs the tablet out; the revoked laptop says what it lost', async () => {
    laptop = await openDevice(browser, web, 'devices-laptop', schema);
    tablet = headlessDevice('devices-tablet', schema);
    await tablet.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
    const page = laptop.page;
    await page.locator('input[name=server]').fill(base);
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();

    await page.getByRole('button', { name: 'Settings' }).click();
    const devices = page.getByRole('region', { name: 'Devices' });
    await devices.getByRole('table', { name: 'Your devices' }).waitFor();
    await devices.getByText(`Outpost on ${hostname()}`).first().waitFor();
    const laptopId = ((await devices.locator('dd code').textContent()) ?? '').trim();
    assert.match(laptopId, /^[0-9a-f-]{36}$/);
    const rows = devices.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.nth(0).getAttribute('data-device-id'), laptopId, 'this device first');
    assert.match((await rows.nth(0).textContent()) ?? '', /This device/);
    assert.equal(await rows.nth(0).getByRole('button', { name: 'Sign out that device' }).count(), 0, 'this device is signed out with Sign out');
    await screenshot(page, 'devices-settings');

    await rows.nth(1).getByRole('button', { name: 'Sign out that device' }).click();
    await devices.getByText(/is signed out \(1 sign-in ended\)\. Its local data is removed when it next reaches the server\./).waitFor();
    await eventually('the tablet row to say it is signed out', async () =>
      /Signed out by you or an administrator/.test((await rows.nth(1).textContent()) ?? ''),
    );
    // The tablet's app hears it over its real-time connection and wipes its profile.
    await eventually('the tablet to be signed out', async () => (await tablet!.api.currentUser({})) === null, 10_000);

    // The administrator revokes the laptop while it holds two changes the server has not seen.
    await laptop.core.services.stopSync();
    const store = laptop.core.services.store();
    await store.save('Site', { name: 'North pit' }, {});
    await store.save('Site', { name: 'South pit' }, {});
    const anaId = (await server.authStore.getUser('ana'))!.id;
    assert.equal(await server.authStore.revokeDevice(anaId, laptopId), 1);
    await laptop.core.services.startSync();
    const notice = page.getByRole('alert', { name: 'Why you are signed out' });
    await notice.waitFor({ timeout: 10_000 });
    assert.equal(
      (await notice.textContent())?.trim(),
      'This device was revoked by your administrator. Its local data was removed: 2 changes that had not reached the server are lost.',
    );
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByText('ana').count(), 0, 'the wiped profile is not offered to reopen');
    await screenshot(page, 'devices-revoked');

    // Signing in again works, as a new device, and the notice goes.
    await page.locator('input[name=server]').fill(base);
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    assert.equal(await page.getByRole('alert', { name: 'Why you are signed out' }).count(), 0);
    const listed = await server.authStore.listDevices(anaId);
    assert.equal(listed.filter((d) => d.revokedAt === null).length, 1, 'one new device; the laptop and tablet ids stay revoked');
  });
});
