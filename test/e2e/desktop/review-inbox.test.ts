// End to end, issue 9 scenario 1 under the server's default strategy (FIELD_MERGE), in Chromium:
// device A (paused) changes a Site's code and location accuracy, device B changes the same code and
// the name and syncs first. The merge keeps B's code, A's accuracy and B's name; A's lost code is
// not silent — the bar links to the review inbox, which names the record and the field by their
// labels, and "Keep mine" puts A's code on the server. Scenario 2: a new Observation the server
// refuses as too large is not erased without a trace: it waits in the inbox and is edited and
// resubmitted from there.
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
let base: string;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let device: Device | undefined;

describe('the review inbox in Chromium', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  describe('the review inbox under FIELD_MERGE, against a real server', () => {
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-review-'));
      server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, reportError: () => undefined });
      base = `http://127.0.0.1:${server.port}`;
      await server.authStore.addUser({ username: 'ana', password: PASSWORD });
    });
    after(async () => {
      await device?.close();
      if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a code the merge gave to the other device waits in the inbox by its label; keep mine puts it on the server', async () => {
      device = await openDevice(browser, web, 'review-a', schema);
      const page = device.page;
      await page.getByRole('tab', { name: 'Account' }).click();
      await page.locator('input[name=server]').fill(base);
      await page.locator('input[name=username]').fill('ana');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sites' }).waitFor();
      const unsynced = async () => (await page.getByTestId('unsynced').textContent()) ?? '';
      const storeA = device.core.services.store();
      const site = await storeA.save('Site', { name: 'North 1', code: 'N1', location: { latitude: 46.5, longitude: 6.6, accuracyMeters: 12 } }, {});
      const id = String(site.id);
      await eventually('A to sync', async () => (await unsynced()) === 'All changes synced', 30_000);

      const b = headlessDevice('review-b', schema);
      try {
        await b.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
        await eventually('B to receive the site', async () => (await b.api.get({ model: 'Site', id }))?.code === 'N1');

        await page.getByRole('button', { name: 'Pause sync' }).click();
        await page.getByText('Sync paused').waitFor();
        await page.getByRole('row', { name: 'North 1' }).click();
        await page.locator('#field-code').fill('A-1');
        await page.locator('#field-location-accuracyMeters').fill('3');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByRole('row', { name: 'North 1' }).waitFor();
        await b.api.save({ model: 'Site', record: { id, code: 'B-1', name: 'North 1 (B)' } });
        await eventually('B to sync', async () => (await b.api.syncStatus()).unsynced === 0);
        await page.getByRole('button', { name: 'Resume sync' }).click();

        // Everything was sent, yet the bar does not say "All changes synced": it links to the inbox.
        await eventually('the bar to link to the review inbox', async () => (await unsynced()) === '1 change needs your review', 30_000);
        const merged = await storeA.get('Site', id);
        assert.equal(merged?.code, 'B-1', 'first to sync wins the field both changed');
        assert.equal(merged?.name, 'North 1 (B)', 'B’s name survives');
        assert.equal((merged?.location as { accuracyMeters?: number } | null)?.accuracyMeters, 3, 'A’s accuracy survives');
        await page.getByTestId('unsynced').click();
        const detail = page.getByLabel('Review item');
        await detail.waitFor();
        assert.match((await detail.locator('h2').textContent()) ?? '', /^Site “North 1 \(B\)”/);
        const codeRow = detail.locator('table.compare tr', { hasText: 'Code' });
        assert.deepEqual(await codeRow.locator('td').allTextContents(), ['A-1', 'B-1']);
        const text = (await detail.textContent()) ?? '';
        assert.doesNotMatch(text, new RegExp(id), 'no record ids');
        assert.doesNotMatch(text, /[{}]/, 'no JSON');
        await screenshot(page, 'review-01-field-merge');
        await detail.getByRole('button', { name: 'Keep mine' }).click();
        await page.getByText('Decided: kept mine.').waitFor();
        await eventually('the bar to say all synced', async () => (await unsynced()) === 'All changes synced', 30_000);
        await eventually('B to receive A’s code', async () => (await b.api.get({ model: 'Site', id }))?.code === 'A-1');
        const final = await b.api.get({ model: 'Site', id });
        assert.equal(final?.name, 'North 1 (B)');
        assert.equal((final?.location as { accuracyMeters?: number } | null)?.accuracyMeters, 3);
      } finally {
        await b.close();
      }
    });
  });

  describe('a rejected create in the review inbox: the server lowered its item limit while the device was offline', () => {
    let small: RunningServer;
    let smallDir: string;
    let deviceB: Device | undefined;
    const boot = (port: number, maxItemBytes?: number) =>
      startServer({
        schema: schemaText,
        database: `sqlite:${join(smallDir, 'server.db')}`,
        port,
        ...(maxItemBytes === undefined ? {} : { limits: { maxItemBytes } }),
        reportError: () => undefined,
      });
    before(async () => {
      smallDir = mkdtempSync(join(tmpdir(), 'outpost-e2e-review-small-'));
      small = await boot(0);
      await small.authStore.addUser({ username: 'ana', password: PASSWORD });
    });
    after(async () => {
      await deviceB?.close();
      if (small) await Promise.race([small.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (smallDir) rmSync(smallDir, { recursive: true, force: true });
    });

    test('an Observation refused as too large waits in the inbox; edit and resubmit sends the shortened one', async () => {
      deviceB = await openDevice(browser, web, 'review-small', schema);
      const page = deviceB.page;
      await page.getByRole('tab', { name: 'Account' }).click();
      await page.locator('input[name=server]').fill(`http://127.0.0.1:${small.port}`);
      await page.locator('input[name=username]').fill('ana');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sites' }).waitFor();
      const unsynced = async () => (await page.getByTestId('unsynced').textContent()) ?? '';
      const store = deviceB.core.services.store();
      const site = await store.save('Site', { name: 'South pit' }, {});
      const inspection = await store.save('Inspection', { siteID: site.id, title: 'Spring visit', status: 'DRAFT' }, {});
      await eventually('the site and inspection to sync', async () => (await unsynced()) === 'All changes synced', 30_000);

      // Offline, the device knows the server's announced 400 KB limit: 1,500 "é" (1,500 characters,
      // 3,000 UTF-8 bytes) fit it, so the save is accepted locally and queued.
      await deviceB.core.services.stopSync();
      const long = 'é'.repeat(1500);
      const observation = await store.save('Observation', { inspectionID: inspection.id, category: 'Erosion', severity: 'HIGH', description: long }, {});
      // Meanwhile the operator restarts the server with a 2,000-byte limit: the queued create is refused.
      const port = small.port;
      await small.close();
      small = await boot(port, 2000);
      await deviceB.core.services.startSync();
      await eventually('the bar to link to the review inbox', async () => (await unsynced()) === '1 change needs your review', 30_000);
      assert.equal(await store.get('Observation', String(observation.id)), null, 'the local row follows the server (it has none)');
      await page.getByTestId('unsynced').click();
      const detail = page.getByLabel('Review item');
      await detail.getByRole('heading', { name: 'Observation “Erosion”: the server refused this new record' }).waitFor();
      const inspectionRow = detail.locator('table.compare tr', { hasText: 'Inspection' });
      await eventually(
        'the inspection to be named by its title',
        async () => ((await inspectionRow.locator('td').first().textContent()) ?? '') === 'Spring visit',
      );
      const fits = await page.evaluate(() => ({
        right: document.querySelector('.conflict-detail')!.getBoundingClientRect().right,
        width: document.documentElement.clientWidth,
        scroll: document.querySelector('.content')!.scrollWidth - document.querySelector('.content')!.clientWidth,
      }));
      assert.ok(fits.right <= fits.width && fits.scroll <= 0, `the item fits the 1280 px window: ${JSON.stringify(fits)}`);
      await screenshot(page, 'review-02-rejected-create');
      await detail.getByRole('button', { name: 'Edit and resubmit' }).click();
      await page.locator('#field-description').waitFor();
      assert.equal(await page.locator('#field-description').inputValue(), long, 'the form holds the refused version');
      assert.equal(await page.locator('#field-category').inputValue(), 'Erosion');
      await page.locator('#field-description').fill('Erosion along the north bank, about 40 m.');
      await page.getByRole('button', { name: 'Resubmit' }).click();
      await page.getByRole('heading', { name: 'Review inbox' }).waitFor();
      await eventually('the resubmitted observation to sync', async () => (await unsynced()) === 'All changes synced', 30_000);
      const saved = await store.get('Observation', String(observation.id));
      assert.equal(saved?.description, 'Erosion along the north bank, about 40 m.');
      assert.equal(saved?._version, 1, 'accepted by the server');
      // Now the device knows the lower limit: a record over it is refused before it is queued, naming the field.
      await assert.rejects(
        store.save('Observation', { inspectionID: inspection.id, category: 'Erosion', description: long }, {}),
        /Observation\.description makes this record .*accepts at most 2 KB/,
      );
    });
  });
});
