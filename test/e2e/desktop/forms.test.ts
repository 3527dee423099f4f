// End to end in Chromium (issue 14 "Forms" and "Records inside their parent"): the built renderer
// over a real core (real SQLite) serving the example schema/form-hints.json. A save checks the
// whole record first and shows every problem under its field at once, in words from the labels
// (required, a latitude out of range, a decimal in a whole-number field, a score outside the
// hinted 0–100, a web address with "//" in its path, a text too long for main), with nothing
// stored; an error inside the Location group leaves its neighbours' height alone. A Site lists its
// Inspections and "Add Inspection" opens one pre-filled with the Site (picked by name, never an
// id) and the hinted defaults ("now", Draft); an Inspection lists its Observations, opened by
// Enter; "Save and new" saves and opens an empty form with its defaults and parent; the next new
// Inspection starts at the last site used.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { loadFormHints } from '../../../main/app/form-hints-file.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';
import { describeFindings, seriousAxeFindings } from '../support/axe-check.js';

const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const hints = loadFormHints(join(root, 'schema/form-hints.json'), schema);
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

async function errorUnder(page: Page, id: string): Promise<string | null> {
  const error = page.locator(`#${id}-error`);
  return (await error.count()) === 0 ? null : ((await error.textContent()) ?? '').trim();
}

async function selectedText(page: Page, id: string): Promise<string> {
  return page.locator(`#${id}`).evaluate((el) => {
    const select = el as HTMLSelectElement;
    return select.options[select.selectedIndex]?.textContent ?? '';
  });
}

describe('forms: every problem under its field, hints, records inside their parent, in Chromium', { skip }, () => {
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let browser: Browser;
  let device: Device;
  let page: Page;
  const store = () => device.core.services.store();

  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    device = await openDevice(browser, web, 'forms', schema, undefined, {}, { formHints: hints });
    page = device.page;
    await page.getByRole('tab', { name: 'Offline' }).click();
    await page.locator('input[name=username]').fill('field');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('a Site saved with a blank name and latitude 200: both named at once under their fields, the group keeps its shape, nothing stored', async () => {
    await page.keyboard.press('Control+n');
    await page.getByRole('heading', { name: 'New Site' }).waitFor();
    // Hinted labels and help, and the required mark.
    await page.getByText('Site name *').waitFor();
    assert.equal(await page.locator('#field-name').getAttribute('aria-required'), 'true');
    assert.match((await page.locator('#field-code-help').textContent()) ?? '', /gate sign/);
    await page.locator('#field-location-latitude').fill('200');
    await page.locator('#field-code').press('Enter');

    await page.locator('#field-name-error').waitFor();
    assert.equal(await errorUnder(page, 'field-name'), 'Site name is required');
    assert.equal(await errorUnder(page, 'field-location-latitude'), 'latitude must be between −90 and 90, got 200');
    assert.equal(await errorUnder(page, 'field-location-longitude'), 'Longitude is required');
    assert.equal(await page.locator('.form-problems').textContent(), '3 fields need attention: see the message under each.');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-name', 'the first field to fix has the focus');
    // No developer words anywhere on the form.
    const text = (await page.locator('.record-form').textContent()) ?? '';
    assert.doesNotMatch(text, /Site\.|may not be null|\(Float\)/);
    // The parts of the group keep one height: the error line makes only its own cell taller.
    const heights = await page.locator('.embedded-fields input').evaluateAll((inputs) => inputs.map((i) => Math.round(i.getBoundingClientRect().height)));
    assert.equal(new Set(heights).size, 1, `inputs of the Location group are one height: ${heights.join(', ')}`);
    assert.equal((await store().query('Site', {})).length, 0, 'nothing was stored');
    assert.equal(describeFindings('form with errors', await seriousAxeFindings(page)), '', 'no serious or critical axe finding');
    await screenshot(page, 'forms-01-all-errors');

    // Fixing a field takes its message away at once; the rest stay until they are fixed too.
    await page.locator('#field-name').fill('North quarry');
    await eventually('the name error to go', async () => (await errorUnder(page, 'field-name')) === null);
    assert.equal(await errorUnder(page, 'field-location-longitude'), 'Longitude is required');
    await page.locator('#field-location-latitude').fill('46.5');
    await page.locator('#field-location-longitude').fill('6.6');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('row', { name: /North quarry/ }).waitFor();
    const [site] = await store().query('Site', {});
    assert.deepEqual(site?.location, { latitude: 46.5, longitude: 6.6, accuracyMeters: null });
  });

  test('a Site lists its Inspections; "Add Inspection" pre-fills the Site by name and the hinted defaults; bad values are named', async () => {
    await page.getByRole('row', { name: /North quarry/ }).click();
    await page.getByRole('heading', { name: 'Site: North quarry' }).waitFor();
    const inspections = page.getByRole('region', { name: /Inspections/ });
    await inspections.getByText('No inspections yet.').waitFor();
    await inspections.getByRole('button', { name: 'Add Inspection' }).click();
    await page.getByRole('heading', { name: 'New Inspection' }).waitFor();
    // The sidebar marks where the user is: the child's model, not the parent's the route still names.
    const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true });
    assert.equal(await nav('Inspections').getAttribute('aria-current'), 'page');
    assert.equal(await nav('Sites').getAttribute('aria-current'), null);
    assert.equal(await selectedText(page, 'field-siteID'), 'North quarry', 'the parent, by its name');
    assert.match(await page.locator('#field-inspectedAt').inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, '"now"');
    assert.equal(await page.locator('#field-inspectedAt').getAttribute('type'), 'datetime-local', 'a date-time picker');
    assert.equal(await selectedText(page, 'field-status'), 'Draft');
    assert.equal(await page.locator('#field-score-help').textContent(), "The inspection's score. From 0 to 100.");
    // The hinted order: Site, Title, Inspected on, Status, Score.
    const order = await page.locator('.record-form > .field > label').evaluateAll((ls) => ls.map((l) => l.textContent));
    assert.deepEqual(order.slice(0, 5), ['Site *', 'Title *', 'Inspected on', 'Status *', 'Score']);
    assert.equal(await page.getByText('Unsaved changes').count(), 0, 'defaults are not unsaved changes');

    await page.locator('#field-score').fill('12.5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#field-title-error').waitFor();
    assert.equal(await errorUnder(page, 'field-title'), 'Title is required');
    assert.equal(await errorUnder(page, 'field-score'), 'Score must be a whole number');
    await page.locator('#field-score').fill('150');
    await page.locator('#field-title').fill('Fence line');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually('the bound under the score', async () => (await errorUnder(page, 'field-score')) === 'Score must be between 0 and 100');
    assert.equal(await errorUnder(page, 'field-title'), null);
    await screenshot(page, 'forms-02-inspection-errors');
    assert.equal((await store().query('Inspection', {})).length, 0);

    await page.locator('#field-score').fill('80');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // Back on the parent, which lists the new child.
    await page.getByRole('heading', { name: 'Site: North quarry' }).waitFor();
    assert.equal(await nav('Sites').getAttribute('aria-current'), 'page', 'back on the parent: its model is marked again');
    assert.equal(await nav('Inspections').getAttribute('aria-current'), null);
    await inspections.getByRole('button', { name: 'Fence line' }).waitFor();
    const [inspection] = await store().query('Inspection', {});
    const [site] = await store().query('Site', {});
    assert.equal(inspection?.siteID, site?.id);
    assert.equal(inspection?.status, 'DRAFT');
    assert.equal(inspection?.score, 80);
    assert.equal(typeof inspection?.inspectedAt, 'string');
    assert.equal(describeFindings('site with inspections', await seriousAxeFindings(page)), '', 'no serious or critical axe finding');
    await page.getByRole('region', { name: /Inspections/ }).scrollIntoViewIfNeeded();
    await screenshot(page, 'forms-03-site-with-inspections');
  });

  test('an Inspection lists its Observations (opened by Enter); a bad link and a too-long text are named; "Save and new" keeps the parent', async () => {
    await page
      .getByRole('region', { name: /Inspections/ })
      .getByRole('button', { name: 'Fence line' })
      .focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inspection: Fence line' }).waitFor();
    const observations = page.getByRole('region', { name: /Observations/ });
    await observations.getByRole('button', { name: 'Add Observation' }).click();
    await page.getByRole('heading', { name: 'New Observation' }).waitFor();
    assert.equal(await selectedText(page, 'field-inspectionID'), 'Fence line');
    assert.equal(await selectedText(page, 'field-severity'), 'Medium');
    // The category is a pick list from the hints.
    const choices = await page.locator('#field-category option').evaluateAll((os) => os.map((o) => o.textContent));
    assert.deepEqual(choices, ['Choose…', 'Structure', 'Safety', 'Access', 'Drainage', 'Vegetation', 'Equipment', 'Other']);
    await page.locator('#field-photoUrl').fill('https://example.org//photo.jpg');
    await page.locator('#field-description').fill('x'.repeat(1_000_001));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#field-photoUrl-error').waitFor();
    assert.equal(await errorUnder(page, 'field-category'), 'Category is required');
    assert.equal(await errorUnder(page, 'field-photoUrl'), 'Photo link must not have two slashes (//) after the site name; write one slash instead');
    assert.equal(await errorUnder(page, 'field-description'), 'Description is too long: at most 1,000,000 characters (it has 1,000,001)');
    assert.equal(await page.locator('.form-error', { hasText: 'save.record' }).count(), 0, 'no developer path above the form');

    await page.locator('#field-category').selectOption('Safety');
    await page.locator('#field-photoUrl').fill('https://example.org/photo.jpg');
    await page.locator('#field-description').fill('Loose post');
    await page.getByRole('button', { name: 'Save and new' }).click();
    await eventually('the observation to be stored', async () => (await store().query('Observation', {})).length === 1);
    await eventually('an empty form', async () => (await page.locator('#field-description').inputValue()) === '');
    await page.getByRole('heading', { name: 'New Observation' }).waitFor();
    assert.equal(await selectedText(page, 'field-inspectionID'), 'Fence line', 'the same parent');
    assert.equal(await selectedText(page, 'field-category'), 'Choose…');
    assert.equal(await selectedText(page, 'field-severity'), 'Medium', 'defaults again');
    await screenshot(page, 'forms-04-save-and-new');

    // Back: to the Inspection, which lists the Observation; then to the Site.
    await page.getByRole('button', { name: '‹ Back' }).click();
    await page.getByRole('heading', { name: 'Inspection: Fence line' }).waitFor();
    await observations.getByRole('button', { name: 'Safety' }).waitFor();
  });

  test('a new Inspection starts at the last site used', async () => {
    await page.getByRole('button', { name: 'Inspections' }).first().click();
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await page.keyboard.press('Control+n');
    await page.getByRole('heading', { name: 'New Inspection' }).waitFor();
    await eventually('the site picker to show the last site', async () => (await selectedText(page, 'field-siteID')) === 'North quarry');
  });
});
