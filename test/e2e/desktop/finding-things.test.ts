// End to end in Chromium (issue 14 "Finding things"), against a real server: a list is newest
// first (a record made while sync is stopped comes first, marked "not synced yet"); the search box
// finds "École" from "ecole"; a filter starts on the name field, ignores case unless "Match case and
// accents" is ticked, and picks a Site by its label; search, filter and sort are still there after
// leaving the list; Enter on a row opens the record without submitting its form; enum members read
// "In progress"; the Observations table fits the window at 1280 px, 1024 px and 200% zoom; while a
// second computer's first sync runs, its list says "Syncing…", never "No sites yet".
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

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
const devices: Device[] = [];

async function signIn(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.locator('input[name=server]').fill(base);
  await page.locator('input[name=username]').fill('ana');
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
}

/** The names in the list's rows, top to bottom. */
async function rowNames(page: Page): Promise<string[]> {
  return page.locator('table.records tbody tr:not(:has(td.empty)) td[data-col="0"]').allTextContents();
}

async function count(page: Page): Promise<string> {
  return (await page.locator('.list-screen .count').textContent()) ?? '';
}

/** How far the list's table and the page reach past their visible width (0 when they fit). */
async function overflow(page: Page): Promise<{ table: number; document: number; content: number }> {
  return page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap')!;
    const content = document.querySelector('.content');
    return {
      table: wrap.scrollWidth - wrap.clientWidth,
      document: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      content: content ? content.scrollWidth - content.clientWidth : 0,
    };
  });
}

describe('finding things in a list, in Chromium against a real server', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-finding-'));
    server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, reportError: () => undefined });
    base = `http://127.0.0.1:${server.port}`;
    await server.authStore.addUser({ username: 'ana', password: PASSWORD });
  });
  after(async () => {
    for (const device of devices) await device.close();
    if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    await browser?.close();
    await web?.close();
    build?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('newest first, marks, search, filters with a record picker, remembered state, Enter on a row, enum labels, a table that fits', async () => {
    const device = await openDevice(browser, web, 'finding-a', schema);
    devices.push(device);
    const page = device.page;
    await signIn(page);
    const store = device.core.services.store();
    const east = await store.save('Site', { name: 'East ridge', code: 'ER' }, {});
    await store.save('Site', { name: 'École du Nord', code: 'EN' }, {});
    for (let i = 0; i < 28; i++) await store.save('Site', { name: `Plot ${String(i).padStart(2, '0')}` }, {});
    const west = await store.save('Site', { name: 'West bank', code: 'WB' }, {});
    await eventually('everything synced', async () => (await page.getByTestId('unsynced').textContent()) === 'All changes synced', 30_000);
    await eventually('31 sites listed', async () => (await count(page)) === '31 records');
    assert.equal((await rowNames(page))[0], 'West bank', 'the last site saved is on top');
    await page.getByText('Newest first').waitFor();
    assert.equal(await page.getByTestId('mark-unsynced').count(), 0, 'synced rows carry no mark');

    // Made while sync is stopped: first in the list (its id would bury it), marked as not synced.
    await device.core.services.stopSync();
    await store.save('Site', { name: 'Made offline' }, {});
    await eventually('the offline site on top', async () => (await rowNames(page))[0] === 'Made offline');
    const offlineRow = page.getByRole('row', { name: 'Made offline (not synced yet)' });
    await offlineRow.getByTestId('mark-unsynced').waitFor();
    assert.equal(await page.getByTestId('mark-unsynced').count(), 1);

    // Search: case- and accent-insensitive, count included.
    const search = page.getByRole('searchbox', { name: 'Search sites' });
    await search.fill('ecole');
    await eventually('the search to answer', async () => (await count(page)) === '1 record');
    assert.deepEqual(await rowNames(page), ['École du Nord']);
    await search.fill('EAST');
    await eventually('East ridge found', async () => (await rowNames(page)).join() === 'East ridge');
    await search.fill('');
    await eventually('every site again', async () => (await count(page)) === '32 records');

    // A filter starts on Name with "contains", and ignores case unless asked.
    await page.getByRole('button', { name: '+ Condition' }).click();
    assert.equal(await page.getByLabel('Field').inputValue(), 'name');
    assert.equal(await page.getByLabel('Operator').inputValue(), 'contains');
    await page.getByLabel('Value').fill('east');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await eventually('"east" finds East ridge', async () => (await count(page)) === '1 record');
    await page.getByLabel('Match case and accents').check();
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await eventually('matching case finds nothing', async () => (await count(page)) === '0 records');
    await page.getByText('No records match this filter.').waitFor();
    await page.getByLabel('Match case and accents').uncheck();
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await eventually('back to one', async () => (await count(page)) === '1 record');
    await search.fill('nord');
    await eventually('search and filter together: nothing', async () => (await count(page)) === '0 records');
    await page.getByText('No sites match this search and filter.').waitFor();
    await search.fill('ridge');

    // Remembered across leaving the list.
    await page.getByRole('button', { name: 'Inspections' }).click();
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await page.getByRole('button', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await eventually('the same list', async () => (await rowNames(page)).join() === 'East ridge');
    assert.equal(await page.getByRole('searchbox', { name: 'Search sites' }).inputValue(), 'ridge');
    assert.equal(await page.getByLabel('Value').inputValue(), 'east');

    // Enter on a row opens the record and does not submit its form.
    const queuedBefore = device.core.services.syncStatus().unsynced;
    await page.getByRole('row', { name: 'East ridge' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /East ridge/ }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await page.getByText(/required/i).count(), 0, 'no validation message: nothing was submitted');
    assert.equal(await page.locator('#field-name').inputValue(), 'East ridge');
    assert.equal(device.core.services.syncStatus().unsynced, queuedBefore, 'no save was queued');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('searchbox', { name: 'Search sites' }).fill('');
    await eventually('all sites', async () => (await count(page)) === '32 records');

    // Inspections: enum labels as the form has them; "Site is" picks a Site by its label.
    await device.core.services.startSync();
    await store.save('Inspection', { siteID: String(east.id), title: 'Spring visit', status: 'IN_PROGRESS' }, {});
    await store.save('Inspection', { siteID: String(west.id), title: 'Autumn visit', status: 'DRAFT' }, {});
    await page.getByRole('button', { name: 'Inspections' }).click();
    await eventually('two inspections', async () => (await count(page)) === '2 records');
    const inspectionsText = (await page.locator('table.records').textContent()) ?? '';
    assert.match(inspectionsText, /In progress/);
    assert.doesNotMatch(inspectionsText, /IN_PROGRESS/);
    await page.getByRole('button', { name: '+ Condition' }).click();
    await page.getByLabel('Field').selectOption('siteID');
    assert.equal(await page.getByLabel('Operator').inputValue(), 'eq');
    const picker = page.getByRole('combobox', { name: 'Value: Site' });
    await picker.fill('east');
    await page.getByRole('option', { name: 'East ridge' }).click();
    // The label is read back by the chosen key (api.get), so it appears a moment after the click.
    await eventually('the picker shows the label, not the id', async () => (await picker.inputValue()) === 'East ridge');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await eventually('only East ridge’s inspection', async () => (await count(page)) === '1 record');
    assert.deepEqual(await rowNames(page), ['Spring visit']);
    await screenshot(page, 'lists-inspections-site-picker');
    await page.getByRole('button', { name: 'Clear' }).click();

    // Observations fit the window.
    const inspection = (await store.query('Inspection', { where: { field: 'title', op: 'eq', value: 'Spring visit' } }))[0]!;
    await store.save(
      'Observation',
      {
        inspectionID: String(inspection.id),
        category: 'Erosion along the north-eastern embankment near the culvert',
        severity: 'HIGH',
        description: 'A very long description without many breaks: '.repeat(12) + 'https://example.invalid/'.padEnd(180, 'x'),
        resolved: false,
        photoUrl: `https://photos.example.invalid/${'y'.repeat(160)}.jpg`,
        measurements: [1.5, 2.25, 3.125],
      },
      {},
    );
    await page.getByRole('button', { name: 'Observations' }).click();
    await eventually('the observation listed', async () => (await count(page)) === '1 record');
    for (const [width, height, name] of [
      [1280, 800, '1280'],
      [1024, 768, '1024'],
      [640, 400, '200-percent'],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(100);
      const fits = await overflow(page);
      assert.deepEqual(fits, { table: 0, document: 0, content: 0 }, `the Observations list fits at ${name}: ${JSON.stringify(fits)}`);
      assert.match((await page.locator('table.records tbody').textContent()) ?? '', /High/, `the severity reads "High" at ${name}`);
      await screenshot(page, `lists-observations-${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Sites' }).click();
    await screenshot(page, 'lists-sites-newest-first');
  });

  test('a second computer’s first sync says "Syncing…" in the list, never "No sites yet"', async () => {
    // Small pages make the first sync take many round trips, long enough to be seen.
    const device = await openDevice(browser, web, 'finding-b', schema, undefined, { syncPageSize: 2 });
    devices.push(device);
    const page = device.page;
    const expected = `${(await devices[0]!.core.services.store().query('Site', { limit: 1000 })).length} records`;
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await page
          .locator('.list-screen')
          .textContent({ timeout: 200 })
          .catch(() => '');
        if (text) {
          if (text.includes('No sites yet')) seen.add('no sites yet');
          if (text.includes('Syncing…')) seen.add('syncing');
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      await signIn(page);
      await eventually(`every site synced (${expected})`, async () => (await count(page)) === expected, 60_000);
      await eventually('the sync finished', async () => (await page.getByTestId('list-syncing').count()) === 0, 30_000);
    } finally {
      sampling = false;
      await sampler;
    }
    assert.ok(seen.has('syncing'), 'the list said "Syncing…" while the first sync ran');
    assert.ok(!seen.has('no sites yet'), 'the list never said "No sites yet" while sites were on their way');
  });
});
