// End to end, "The UI tells the truth" (issue 9) for the sync bar: a device whose sync stopped at
// `maxRecordsToSync` says how many of how many records it has, in the bar and in the model's list,
// and never "All changes synced"; with the server gone it says it is reconnecting. Raising "Max
// records to sync per model" in Settings (reached from the capped notice) brings the rest at once,
// without signing out, and the "of N synced" text goes away.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const PASSWORD = 'ana-field-2026';

let dir: string;
let server: RunningServer;
let port = 0;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let device: Device | undefined;

async function start(): Promise<void> {
  server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port, reportError: () => undefined });
  port = server.port;
}

describe('the sync bar tells the truth, in Chromium against a real server', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-bar-'));
    await start();
    await server.authStore.addUser({ username: 'ana', password: PASSWORD });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a capped model says "5 of 8 synced" in the bar and its list', async () => {
    const base = `http://127.0.0.1:${port}`;
    const other = headlessDevice('bar-other', schema);
    try {
      await other.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
      for (let i = 1; i <= 8; i++) await other.api.save({ model: 'Site', record: { name: `Site ${i}` } });
      await eventually('the other device to sync', async () => (await other.api.syncStatus()).unsynced === 0);
    } finally {
      await other.close();
    }

    device = await openDevice(browser, web, 'bar', schema, undefined, { maxRecordsToSync: 5 });
    const page = device.page;
    await page.getByRole('tab', { name: 'Account' }).click();
    await page.locator('input[name=server]').fill(base);
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();

    const capped = page.getByTestId('capped');
    await capped.waitFor({ timeout: 30_000 });
    assert.match((await capped.textContent()) ?? '', /^Sites: 5 (of 8 synced|synced, more on the server)$/);
    assert.match((await capped.getAttribute('title')) ?? '', /Settings → Sync: Max records to sync per model/);
    const note = page.getByTestId('list-capped');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /Not every Site is on this computer: 5 (of 8 synced|synced, more on the server)\. Raise/);
    const summary = (await page.getByTestId('unsynced').textContent()) ?? '';
    assert.notEqual(summary, 'All changes synced', 'an incomplete device is not "all synced"');
    await screenshot(page, 'bar-01-capped');
  });

  test('raising "Max records to sync per model" in Settings brings the rest; "of 8 synced" goes away', async () => {
    assert.ok(device, 'the capped device of the test before');
    const page = device.page;
    await page.getByRole('button', { name: 'Sites', exact: true }).click();
    await page.getByTestId('list-capped').waitFor();
    assert.equal(await page.locator('.list-screen .count').textContent(), '5 records');
    // The capped notice links to Settings, where the field shows the limit in force.
    await page.getByTestId('open-sync-settings').click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    const field = page.getByLabel('Max records to sync per model');
    await eventually('the field to show the limit in force', async () => (await field.inputValue()) === '5');

    // Bad input is a plain error and changes nothing.
    for (const bad of ['x', '0', '1.5', '1000000000']) {
      await field.fill(bad);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      assert.equal(
        await page.getByTestId('sync-settings-error').textContent(),
        'Max records to sync per model must be a whole number from 1 to 100,000,000.',
        `input ${bad}`,
      );
    }
    assert.deepEqual(await device.core.services.syncSettings(), { maxRecordsToSync: 5 });

    await field.fill('1,000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('sync-settings-saved').waitFor();
    assert.deepEqual(await device.core.services.syncSettings(), { maxRecordsToSync: 1000 });
    assert.equal(await field.inputValue(), '1000');
    assert.equal(device.core.services.currentUser()?.username, 'ana', 'still signed in');
    await screenshot(page, 'bar-03-raised');

    await eventually('the bar to drop the capped notice', async () => (await page.getByTestId('capped').count()) === 0, 30_000);
    await page.getByRole('button', { name: 'Sites', exact: true }).click();
    await eventually('all 8 sites on this computer', async () => (await page.locator('.list-screen .count').textContent()) === '8 records', 30_000);
    assert.equal(await page.getByTestId('list-capped').count(), 0, 'the list says nothing is missing');
    const bar = (await page.locator('.sync-bar').textContent()) ?? '';
    assert.doesNotMatch(bar, /of \d+ synced|more on the server/);
    assert.equal(device.core.services.syncStatus().models.Site?.capped, undefined);
    await screenshot(page, 'bar-04-complete');
  });

  test('a lost server is "Reconnecting…", and "Online" once it is back', async () => {
    assert.ok(device, 'the device of the tests before');
    const page = device.page;
    // The server goes away: the worker keeps trying, and the bar says so.
    await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    await eventually('the bar to say it is reconnecting', async () => ((await page.getByTestId('unsynced').textContent()) ?? '') === 'Reconnecting…', 30_000);
    assert.equal(await page.locator('.sync-bar .net').textContent(), 'Offline');
    await screenshot(page, 'bar-02-reconnecting');
    await start();
    await eventually('the bar to be online again', async () => ((await page.locator('.sync-bar .net').textContent()) ?? '') === 'Online', 30_000);
  });
});
