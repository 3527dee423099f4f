// End to end, "Export" (issue 13): the built renderer in Debian's Chromium over a real core (an
// offline profile, real SQLite). On the Inspections list, filtered (score ≥ 50) and sorted (score,
// descending) through the UI, Export… → CSV writes the file the dialog names, holding exactly the
// listed records in the listed order with their Site's name. The dialog is labelled, keeps Tab
// inside, closes on Esc, and offers GeoJSON only for Sites (they have a location) and files only
// where records can hold them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { readCsv } from '../../integration/export/export-harness.js';
import { buildForTest, CHROMIUM, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

let build: Awaited<ReturnType<typeof buildForTest>>;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let browser: Browser;
let device: Device;

describe('export the list in Chromium', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    device = await openDevice(browser, web, 'export', schema);
    const page = device.page;
    await page.getByRole('tab', { name: 'Offline' }).click();
    await page.locator('input[name=username]').fill('field');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    const store = device.core.services.store();
    const north = await store.save('Site', { name: 'Nörth, "quarry"', location: { latitude: 51.5, longitude: -0.12 } }, {});
    const south = await store.save('Site', { name: 'South pit' }, {});
    const rows: Array<[string, string, number]> = [
      ['Low one', north.id as string, 10],
      ['High one', south.id as string, 90],
      ['Middle one', north.id as string, 60],
      ['Edge one', south.id as string, 50],
      ['Below', north.id as string, 49],
    ];
    for (const [title, siteID, score] of rows) await store.save('Inspection', { title, siteID, score, status: 'IN_PROGRESS' }, {});
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('Export… → CSV writes the filtered, sorted list with its Site names', async () => {
    const page = device.page;
    await page.getByRole('button', { name: 'Inspections' }).click();
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await page.getByRole('button', { name: '+ Condition' }).click();
    await page.getByLabel('Field').selectOption('score');
    await page.getByLabel('Operator').selectOption('ge');
    await page.getByLabel('Value').fill('50');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByText('3 records').waitFor();
    const scoreHeader = page.getByRole('button', { name: /^Score/ });
    await scoreHeader.click();
    await scoreHeader.click();
    await page.locator('th[aria-sort="descending"]').waitFor();

    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export Inspections' });
    await dialog.waitFor();
    assert.deepEqual(await dialog.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value)), ['csv', 'json']);
    assert.equal(await dialog.getByLabel('Include attached files (zip)').count(), 1);
    assert.equal(await dialog.getByRole('radio', { name: 'CSV' }).isChecked(), true);
    await screenshot(page, 'export-01-dialog');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const status = dialog.getByRole('status');
    await status.getByText(/^Exported 3 records to /).waitFor();
    const path = ((await status.textContent()) ?? '').replace(/^Exported 3 records to /, '');
    assert.match(path, /exports[/\\]Inspections-\d{4}-\d{2}-\d{2}\.csv$/);
    await screenshot(page, 'export-02-done');
    const { rows } = readCsv(path);
    assert.deepEqual(
      rows.map((r) => [r.title, r['site.name'], r.score, r.status]),
      [
        ['High one', 'South pit', '90', 'In progress'],
        ['Middle one', 'Nörth, "quarry"', '60', 'In progress'],
        ['Edge one', 'South pit', '50', 'In progress'],
      ],
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Focus goes back to the button that opened the dialog.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Export…');
  });

  test('the dialog keeps Tab inside, closes on Esc, and offers GeoJSON for Sites without a files option', async () => {
    const page = device.page;
    await page.getByRole('button', { name: 'Sites', exact: true }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export Sites' });
    await dialog.waitFor();
    assert.deepEqual(await dialog.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value)), ['csv', 'geojson', 'json']);
    assert.equal(await dialog.getByLabel('Include attached files (zip)').count(), 0);
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true, `focus left the dialog on ${key}`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
