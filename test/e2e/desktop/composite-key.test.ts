// End to end with composite primary keys: the built renderer in Debian's Chromium over a real core
// (real SQLite) for a schema whose Visit is keyed by (siteID, visitedOn, shift) and whose Reading
// belongs to a Visit through all three fields (test/unit/ipc/visit-schema.ts). Through the UI only:
// a Visit is created (its key entered in the form), found again in the list, edited (its key shown
// read-only), picked for a Reading, and deleted with its Readings.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildForTest, CHROMIUM, launchChromium, openDevice, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';
import { visitSchema as schema } from '../../unit/ipc/visit-schema.js';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

let build: Awaited<ReturnType<typeof buildForTest>>;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let browser: Browser;
let device: Device;

describe('desktop app with a composite primary key', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    device = await openDevice(browser, web, 'composite', schema);
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
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
    for (const [shift, notes] of [['2', 'windy'], ['3', 'calm']] as const) {
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
    assert.equal(await page.getByRole('row', { name: 'windy' }).getByText('North quarry').count(), 1, 'the list shows the Site by name');

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
    await page.getByRole('button', { name: 'Save' }).click(); // notes is a text area: Enter is a new line there
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
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByText('1 record', { exact: true }).waitFor();
    assert.equal(await page.getByRole('row', { name: 'gusty' }).count(), 0);
    assert.equal(await store().get('Visit', key), null);
    assert.equal((await store().get('Visit', { ...key, shift: 3 }))?.notes, 'calm');
    assert.equal((await store().query('Reading', {})).length, 0, 'the Reading went with its Visit');
  });
});
