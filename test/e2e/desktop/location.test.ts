// End to end in Chromium (issue 13 "Location"): the built renderer over a real core (real SQLite),
// the device's position given by Chromium's own geolocation emulation (Playwright's geolocation
// permission and position). "Use my location" fills the Site's GeoPoint with its accuracy, by
// keyboard, and the saved record holds the values; a latitude typed out of range is named under the
// field before and after a save attempt, and nothing is stored; with the permission denied, or no
// position to be had, the form says so in plain words and the user can still type the coordinates.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(schemaText, 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** Where the emulated device is: more decimals than the form keeps, so the rounding shows. */
const HERE = { latitude: 46.5196535123, longitude: 6.6322734987, accuracy: 12.34 };

async function openOfflineProfile(page: Page, username: string): Promise<void> {
  await page.getByRole('tab', { name: 'Offline' }).click();
  await page.locator('input[name=username]').fill(username);
  await page.getByRole('button', { name: 'Open profile' }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
}

async function statusText(page: Page): Promise<string> {
  return ((await page.locator('#field-location-location-status').textContent()) ?? '').trim();
}

describe('"Use my location" and GeoPoint ranges, in Chromium', { skip }, () => {
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let browser: Browser;
  const devices: Device[] = [];

  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    for (const device of devices) await device.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('the button fills latitude, longitude and accuracy from the device; the saved Site holds them', async () => {
    const device = await openDevice(browser, web, 'location-granted', schema);
    devices.push(device);
    const page = device.page;
    const origin = new URL(web.url).origin;
    await page.context().grantPermissions(['geolocation'], { origin });
    await page.context().setGeolocation(HERE);
    await openOfflineProfile(page, 'field');

    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Lausanne yard');
    const button = page.getByRole('button', { name: 'Use my location' });
    assert.equal(await button.count(), 1, 'one button, for the one GeoPoint group');
    // Every state the row goes through, with the button's aria-disabled and where the latitude
    // input sits: "Locating…" is committed with the click, before the device answers.
    // (A string: a function would be rewritten by the test's TypeScript loader with helpers the page lacks.)
    await page.evaluate(`{
      const row = document.querySelector('.use-location');
      const seen = [];
      const record = function () {
        seen.push({
          text: (row.querySelector('[role=status]').textContent || '').trim(),
          disabled: row.querySelector('button').getAttribute('aria-disabled'),
          top: document.querySelector('#field-location-latitude').getBoundingClientRect().top,
        });
      };
      record();
      new MutationObserver(record).observe(row, { subtree: true, childList: true, characterData: true, attributes: true });
      window.__locationStates = seen;
    }`);
    // By keyboard: focus the button and press Enter (a type=button never submits the form).
    await button.focus();
    await page.keyboard.press('Enter');
    await eventually('the latitude to be filled', async () => (await page.locator('#field-location-latitude').inputValue()) !== '');
    const states = await page.evaluate(
      () => (window as unknown as { __locationStates: Array<{ text: string; disabled: string | null; top: number }> }).__locationStates,
    );
    assert.ok(
      states.some((s) => s.text === 'Locating…' && s.disabled === 'true'),
      `"Locating…" with the button disabled while waiting: ${JSON.stringify(states)}`,
    );
    assert.deepEqual(new Set(states.map((s) => s.top)).size, 1, `the inputs never moved: ${JSON.stringify(states)}`);
    assert.equal(await page.locator('#field-location-latitude').inputValue(), '46.519654');
    assert.equal(await page.locator('#field-location-longitude').inputValue(), '6.632273');
    assert.equal(await page.locator('#field-location-accuracyMeters').inputValue(), '12.3');
    assert.equal(await statusText(page), 'Location filled in to within 12.3 m.');
    assert.equal(await button.getAttribute('aria-disabled'), 'false', 'ready again after the answer');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Use my location', 'focus stays on the button');
    assert.equal(await page.getByRole('heading', { name: 'New Site' }).count(), 1, 'Enter on the button did not submit the form');
    await screenshot(page, 'location-01-filled');

    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'Lausanne yard' }).waitFor();
    const [site, ...others] = await device.core.services.store().query('Site', {});
    assert.deepEqual(others, []);
    assert.deepEqual(site?.location, { latitude: 46.519654, longitude: 6.632273, accuracyMeters: 12.3 });

    // A second press replaces the values with the device's new position.
    await page.context().setGeolocation({ latitude: -33.8688197, longitude: 151.2092957, accuracy: 3 });
    await page.getByRole('row', { name: 'Lausanne yard' }).click();
    await page.getByRole('button', { name: 'Use my location' }).click();
    await eventually('the new latitude', async () => (await page.locator('#field-location-latitude').inputValue()) === '-33.86882');
    assert.equal(await page.locator('#field-location-longitude').inputValue(), '151.209296');
    assert.equal(await page.locator('#field-location-accuracyMeters').inputValue(), '3');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('row', { name: 'Lausanne yard' }).waitFor();
    await eventually('the record to hold the new position', async () => {
      const [saved] = await device.core.services.store().query('Site', {});
      return JSON.stringify(saved?.location) === JSON.stringify({ latitude: -33.86882, longitude: 151.209296, accuracyMeters: 3 });
    });
  });

  test('a latitude typed out of range is named under the field, refused on save, and nothing is stored', async () => {
    const device = devices[0] ?? assert.fail('the first test opened a device');
    const page = device.page;
    const before = (await device.core.services.store().query('Site', {})).length;
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Off the map');
    await page.locator('#field-location-latitude').fill('200');
    await page.locator('#field-location-longitude').fill('10');
    const latitudeError = page.locator('#field-location-latitude-error');
    await latitudeError.waitFor();
    assert.equal(await latitudeError.textContent(), 'latitude must be between −90 and 90, got 200');
    assert.equal(await page.locator('#field-location-latitude').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#field-location-longitude-error').count(), 0, 'only the part out of range');
    await screenshot(page, 'location-02-range-error');

    // Saving anyway: main refuses with the same words at the same field, and the form stays open.
    // Its error is told apart from the live one by clearing the field: a blank part keeps what
    // the save said (the live check leaves blank parts to the save), so the message stays — it
    // would vanish had no save been refused.
    await page.locator('#field-name').press('Enter');
    await page.locator('#field-location-latitude').fill('');
    await eventually('main’s refusal under the latitude', async () => (await latitudeError.count()) === 1);
    assert.equal(await latitudeError.textContent(), 'latitude must be between −90 and 90, got 200');
    assert.equal(await page.getByRole('heading', { name: 'New Site' }).count(), 1, 'the form is still open');
    assert.equal((await device.core.services.store().query('Site', {})).length, before, 'nothing was stored');
    // The datastore the form saves through refuses it the same way, naming Site.location.latitude.
    await assert.rejects(device.core.services.store().save('Site', { name: 'Direct', location: { latitude: 200, longitude: 10 } }, {}), {
      code: 'ValidationError',
      path: 'Site.location.latitude',
      message: 'Site.location.latitude: latitude must be between −90 and 90, got 200',
    });

    // Corrected: the message goes at once (the save's is stale now), and the save goes through.
    await page.locator('#field-location-latitude').fill('-45.5');
    await eventually('the range error to go', async () => (await page.locator('#field-location-latitude-error').count()) === 0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('row', { name: 'Off the map' }).waitFor();
    const saved = (await device.core.services.store().query('Site', {})).find((s) => s.name === 'Off the map');
    assert.deepEqual(saved?.location, { latitude: -45.5, longitude: 10, accuracyMeters: null });
  });

  test('with the permission denied, or no position, the form says so in plain words, and typing still works', async () => {
    const device = await openDevice(browser, web, 'location-denied', schema);
    devices.push(device);
    const page = device.page;
    const origin = new URL(web.url).origin;
    // Playwright grants but never denies: Chromium's own permission setting is set through CDP.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Browser.setPermission', { permission: { name: 'geolocation' }, setting: 'denied', origin });
    await openOfflineProfile(page, 'denied');

    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('By hand');
    await page.getByRole('button', { name: 'Use my location' }).click();
    await eventually('the denial to be explained', async () => (await statusText(page)) !== '' && (await statusText(page)) !== 'Locating…');
    assert.equal(
      await statusText(page),
      "Location permission is off for Outpost: allow location for this page in the browser's site settings, then try again.",
    );
    assert.equal(await page.locator('#field-location-latitude').inputValue(), '', 'nothing was filled');
    assert.equal(await page.getByRole('button', { name: 'Use my location' }).getAttribute('aria-disabled'), 'false');
    await screenshot(page, 'location-03-denied');

    // Permission given but no position to be had (Chromium's own "position unavailable" emulation).
    await page.context().grantPermissions(['geolocation'], { origin });
    await cdp.send('Emulation.setGeolocationOverride', {});
    await page.getByRole('button', { name: 'Use my location' }).click();
    await eventually('the unavailable position to be explained', async () => (await statusText(page)).startsWith('Your location is not available'));
    assert.match(await statusText(page), /^Your location is not available right now.*: check that location is turned on, or type the coordinates\.$/);
    assert.equal(await page.locator('#field-location-latitude').inputValue(), '', 'still nothing filled');

    await page.locator('#field-location-latitude').fill('12.5');
    await page.locator('#field-location-longitude').fill('-7.25');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'By hand' }).waitFor();
    const [site] = await device.core.services.store().query('Site', {});
    assert.deepEqual(site?.location, { latitude: 12.5, longitude: -7.25, accuracyMeters: null });
  });
});
