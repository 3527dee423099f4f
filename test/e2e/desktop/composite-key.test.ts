// End to end with composite primary keys: the built renderer in Debian's Chromium over a real core
// (real SQLite) for a schema whose Visit is keyed by (siteID, visitedOn, shift) and whose Reading
// belongs to a Visit through all three fields (test/unit/ipc/visit-schema.ts). Through the UI only:
// a Visit is created (its key entered in the form), found again in the list, edited (its key shown
// read-only), picked for a Reading, and deleted with its Readings. Then, synced through a real
// Outpost server, a conflict and a rejected condition on a Visit each open that Visit.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../../server/index.js';
import {
  buildForTest,
  CHROMIUM,
  eventually,
  headlessDevice,
  launchChromium,
  openDevice,
  screenshot,
  serveRenderer,
  type Device,
} from '../support/desktop-harness.js';
import { VISIT_SDL, visitSchema as schema } from '../../unit/ipc/visit-schema.js';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

let build: Awaited<ReturnType<typeof buildForTest>>;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let browser: Browser;
let device: Device;

before(async () => {
  if (skip) return;
  build = await buildForTest();
  web = await serveRenderer(build.dist);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await web?.close();
  build?.remove();
});

describe('desktop app with a composite primary key', { skip }, () => {
  before(async () => {
    device = await openDevice(browser, web, 'composite', schema);
  });
  after(async () => {
    await device?.close();
  });

  test('a Visit keyed by site, date and shift is created, edited, picked and deleted through the UI', async () => {
    const page = device.page;
    const store = () => device.core.services.store();
    await page.getByRole('tab', { name: 'Offline' }).click();
    await page.locator('input[name=username]').fill('field');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('North quarry');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'North quarry' }).waitFor();
    const siteID = String((await store().query('Site', {}))[0]?.id);

    // Create: the key fields are part of the form.
    await page.getByRole('button', { name: 'Visits' }).click();
    for (const [shift, notes] of [
      ['2', 'windy'],
      ['3', 'calm'],
    ] as const) {
      await page.keyboard.press('Control+n');
      await page.locator('#field-siteID').selectOption({ label: 'North quarry' });
      await page.locator('#field-visitedOn').fill('2026-03-04');
      await page.locator('#field-shift').fill(shift);
      await page.locator('#field-notes').fill(notes);
      await page.locator('#field-weather').selectOption('RAIN');
      if (shift === '2') await screenshot(page, 'composite-01-new-visit');
      await page.locator('#field-shift').press('Enter');
      await page.getByRole('row', { name: notes }).waitFor();
    }
    await page.getByText('2 records').waitFor();
    const key = { siteID, visitedOn: '2026-03-04', shift: 2 };
    assert.equal((await store().get('Visit', key))?.notes, 'windy');
    await page.getByRole('row', { name: 'windy' }).getByText('North quarry').waitFor(); // the list shows the Site by name

    // Edit: the form opens by the row's key, shows the key read-only, and saves to the same record.
    await page.getByRole('row', { name: 'windy' }).click();
    await page.getByRole('heading', { name: 'Visit: windy' }).waitFor();
    assert.equal(await page.locator('#field-shift').inputValue(), '2');
    assert.equal(await page.locator('#field-visitedOn').inputValue(), '2026-03-04');
    for (const id of ['#field-siteID', '#field-visitedOn', '#field-shift']) {
      assert.equal(await page.locator(id).isDisabled(), true, `${id} is read-only on edit`);
    }
    await screenshot(page, 'composite-02-edit-visit');
    await page.locator('#field-notes').fill('gusty');
    await page.getByRole('button', { name: 'Save', exact: true }).click(); // notes is a text area: Enter is a new line there
    await page.getByRole('row', { name: 'gusty' }).waitFor();
    await page.getByText('2 records').waitFor();
    assert.equal((await store().get('Visit', key))?.notes, 'gusty');
    assert.equal((await store().get('Visit', { ...key, shift: 3 }))?.notes, 'calm', 'the other shift is untouched');

    // A Reading picks its Visit with one select that sets all three foreign-key fields.
    await page.getByRole('button', { name: 'Readings' }).click();
    await page.keyboard.press('Control+n');
    await page.locator('#field-label').fill('pH');
    await page.locator('#field-visitSiteID').selectOption({ label: 'gusty' });
    await page.locator('#field-value').fill('7.1');
    await page.locator('#field-label').press('Enter');
    await page.getByRole('row', { name: 'pH' }).waitFor();
    const [reading] = await store().query('Reading', {});
    assert.deepEqual([reading?.visitSiteID, reading?.visitVisitedOn, reading?.visitShift], [siteID, '2026-03-04', 2]);
    await page.getByRole('row', { name: 'pH' }).getByText('gusty').waitFor();
    await screenshot(page, 'composite-03-readings');
    // Reopening the Reading shows the chosen Visit in its picker.
    await page.getByRole('row', { name: 'pH' }).click();
    await page.getByRole('heading', { name: 'Reading: pH' }).waitFor();
    assert.equal(await page.locator('#field-visitSiteID option:checked').textContent(), 'gusty');
    await page.keyboard.press('Escape');

    // Delete: by the key, with the Visit's Readings.
    await page.getByRole('button', { name: 'Visits' }).click();
    await page.getByRole('row', { name: 'gusty' }).click();
    await page.getByRole('heading', { name: 'Visit: gusty' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    assert.equal(await confirm.locator('h2').textContent(), 'Delete Visit gusty and its 1 reading?');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('1 record', { exact: true }).waitFor();
    assert.equal(await page.getByRole('row', { name: 'gusty' }).count(), 0);
    assert.equal(await store().get('Visit', key), null);
    assert.equal((await store().get('Visit', { ...key, shift: 3 }))?.notes, 'calm');
    assert.equal((await store().query('Reading', {})).length, 0, 'the Reading went with its Visit');
  });
});

describe('composite-key records through a real server: conflicts and notices open the record', { skip }, () => {
  const PASSWORD = 'ana-field-2026';
  let dir: string;
  let server: RunningServer;
  let base: string;
  let deviceA: Device;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-composite-'));
    server = await startServer({
      schema: VISIT_SDL,
      database: `sqlite:${join(dir, 'server.db')}`,
      port: 0,
      conflictHandler: 'OPTIMISTIC_CONCURRENCY',
      reportError: () => undefined,
    });
    base = `http://127.0.0.1:${server.port}`;
    await server.authStore.addUser({ username: 'ana', password: PASSWORD });
    deviceA = await openDevice(browser, web, 'composite-a', schema);
  });
  after(async () => {
    await deviceA?.close();
    // close() waits for open real-time sockets; give it a bounded time (as app.test.ts does).
    if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a conflict and a rejected condition on a Visit each open that Visit; keep theirs resolves it by its key', async () => {
    const page = deviceA.page;
    const unsynced = async () => (await page.getByTestId('unsynced').textContent()) ?? '';
    const waitAllSynced = () => eventually('every change synced', async () => (await unsynced()) === 'All changes synced', 30_000);
    await page.getByRole('tab', { name: 'Account' }).click();
    await page.locator('input[name=server]').fill(base);
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByText('Online').waitFor({ timeout: 20_000 });

    const storeA = deviceA.core.services.store();
    const site = await storeA.save('Site', { name: 'South pit' }, {});
    const key = { siteID: String(site.id), visitedOn: '2026-05-06', shift: 1 };
    await storeA.save('Visit', { ...key, notes: 'first' }, {});
    await waitAllSynced();

    const b = headlessDevice('composite-b', schema);
    try {
      await b.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
      await eventually('device B to receive the Visit', async () => (await b.api.get({ model: 'Visit', id: key }))?.notes === 'first');
      const bSynced = () => eventually('device B to sync', async () => (await b.api.syncStatus()).unsynced === 0);

      // A conflict: A (paused) and B both change the notes.
      await page.getByRole('button', { name: 'Pause sync' }).click();
      await page.getByText('Sync paused').waitFor();
      await page.getByRole('button', { name: 'Visits' }).click();
      await page.getByRole('row', { name: 'first' }).click();
      await page.locator('#field-notes').fill('from A');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('row', { name: 'from A' }).waitFor();
      await b.api.save({ model: 'Visit', record: { ...key, notes: 'from B' } });
      await bSynced();
      await page.getByRole('button', { name: 'Resume sync' }).click();
      // The retry replaced B's notes: B's value waits in A's review inbox.
      await eventually('the sync bar to link to the review inbox', async () => (await unsynced()) === '1 change needs your review', 30_000);
      await page.getByRole('button', { name: /Review\s*1/ }).click();
      await page.getByLabel('Review item').locator('table.compare tr', { hasText: 'Notes' }).waitFor();
      assert.match((await page.getByLabel('Review item').textContent()) ?? '', /Visit .*2026-05-06 · 1/);
      await screenshot(page, 'composite-04-conflict');
      await page.getByRole('button', { name: 'Keep theirs' }).click();
      await page.getByText('Decided: kept theirs.').waitFor();
      await eventually('A to hold B’s notes again', async () => (await storeA.get('Visit', key))?.notes === 'from B');
      await page.getByLabel('Review item').getByRole('button', { name: 'Open record' }).click();
      await page.getByRole('heading', { name: 'Visit: from B' }).waitFor();
      assert.equal(await page.locator('#field-shift').inputValue(), '1');

      // A rejected condition: the notice names the Visit and opens it.
      await waitAllSynced();
      await page.getByRole('button', { name: 'Pause sync' }).click();
      await page.getByText('Sync paused').waitFor();
      await page.getByLabel('Only save if the server still has the values I started from').check();
      await page.locator('#field-notes').fill('A again');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await eventually('device B to have caught up', async () => (await b.api.get({ model: 'Visit', id: key }))?.notes === 'from B');
      await b.api.save({ model: 'Visit', record: { ...key, notes: 'B again' } });
      await bSynced();
      await page.getByRole('button', { name: 'Sites' }).click();
      await page.getByRole('button', { name: 'Resume sync' }).click();
      const notice = page.locator('.notice').filter({ hasText: 'Visit' });
      await notice.waitFor({ timeout: 30_000 });
      await screenshot(page, 'composite-05-notice');
      await notice.getByRole('button', { name: 'Open record' }).click();
      await page.getByRole('heading', { name: 'Visit: B again' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#field-visitedOn').inputValue(), '2026-05-06');
    } finally {
      await b.close();
    }
  });
});
