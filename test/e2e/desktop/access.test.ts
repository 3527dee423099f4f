// End to end, issue 9 scenario 3 in Chromium: signed in with an API key to the owner-only example
// schema, the app knows before saving that this credential may create nothing and read nothing.
// The sign-in says so, "New Site" is disabled with the reason, and a save is refused with a clear
// message before anything is queued — never accepted, sent, refused and silently deleted while the
// bar says all is synced.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(schemaText, 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

describe('access known before saving, in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let apiKey: string;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let browser: Browser;
  let device: Device | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-access-'));
    server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, reportError: () => undefined });
    apiKey = (await server.authStore.createApiKey()).key;
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

  test('an API key on the owner-only schema: told at sign-in, New disabled with the reason, a save refused before it is queued', async () => {
    device = await openDevice(browser, web, 'access-api-key', schema);
    const page = device.page;
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.locator('input[name=server]').fill(`http://127.0.0.1:${server.port}`);
    await page.locator('input[name=apiKey]').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();

    await page.getByText('This sign-in cannot read any data on this server').first().waitFor();
    const newSite = page.getByRole('button', { name: 'New Site' });
    await eventually('New Site to be disabled', () => newSite.isDisabled());
    assert.match((await newSite.getAttribute('title')) ?? '', /may not create sites/);
    assert.equal(await page.getByText('Press Ctrl+N to add one').count(), 0, 'the empty list does not offer what this sign-in cannot do');
    await page.keyboard.press('Control+n');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await page.getByRole('heading', { name: 'New Site' }).count(), 0, 'Ctrl+N opens no form this sign-in could never save');
    // Told once, not per model and operation; and the bar does not call this "synced".
    await eventually(
      'the bar to say nothing is readable',
      async () => ((await page.getByTestId('unsynced').textContent()) ?? '') === 'Nothing this sign-in may read',
    );
    assert.equal(await page.getByText(/sync refused|subscription failed/).count(), 0, 'no per-model refusal notices');
    await screenshot(page, 'access-api-key');

    // What the form's Save would do: refused in main with the reason, nothing queued or sent.
    const store = device.core.services.store();
    await assert.rejects(store.save('Site', { name: 'North pit' }, {}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'Unauthorized');
      assert.match(error.message, /You cannot add Sites with this sign-in \(an API key\)/);
      return true;
    });
    assert.equal(device.core.services.syncStatus().unsynced, 0, 'nothing was queued');
    assert.equal((await store.query('Site', {})).length, 0, 'nothing was stored locally');
    assert.equal(device.core.services.syncStatus().reviewWaiting, 0);
    const onServer = await server.storage.basePage('Site', { afterId: null, limit: 10 });
    assert.equal(onServer.length, 0, 'nothing reached the server');
  });
});
