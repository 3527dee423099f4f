// End to end in Chromium, issue 15 "no usable keychain": a computer whose credential store does not
// outlive Outpost (dataKeys 'passphrase') asks for a new passphrase twice when a profile is made,
// says so in Settings, keeps the data encrypted on disk (the saved words are nowhere in the profile's
// files), and after a restart lists the profile and opens it only with that passphrase — a wrong one
// is named and opens nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { buildForTest, CHROMIUM, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const PASSPHRASE = 'granite ridge 2026';
const SECRET_SITE = 'Kestrel hollow culvert';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a passphrase protects the data where no keychain is usable, in Chromium', { skip }, () => {
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let browser: Browser;
  let device: Device | undefined;

  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('a new profile asks for a passphrase twice; after a restart only that passphrase opens it', async () => {
    device = await openDevice(browser, web, 'passphrase', schema, undefined, {}, { dataKeys: 'passphrase' });
    const page = device.page;
    await page.getByRole('tab', { name: 'Offline' }).click();
    await page.locator('input[name=username]').fill('field');
    await page.getByRole('button', { name: 'Open profile' }).click();
    const passphrase = page.getByRole('group', { name: 'Passphrase' });
    await passphrase.getByText('no usable keychain').waitFor();
    await page.locator('input[name=passphrase]').fill(PASSPHRASE);
    await page.locator('input[name=passphraseConfirm]').fill('granite ridge 2025');
    await screenshot(page, 'passphrase-01-new');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('alert').getByText('The two passphrases differ.').waitFor();
    await page.locator('input[name=passphraseConfirm]').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();

    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill(SECRET_SITE);
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: SECRET_SITE }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    assert.match((await page.getByTestId('settings-data-protection').textContent()) ?? '', /Encrypted with your passphrase/);

    // Quit and start again: nothing opens by itself; the profile is listed and asks for its passphrase.
    await device.restart();
    await page.getByRole('region', { name: 'Profiles on this computer' }).getByRole('button', { name: 'field' }).click();
    await page.getByRole('group', { name: 'Passphrase' }).getByText('protected by a passphrase').waitFor();
    assert.equal(await page.locator('input[name=passphraseConfirm]').count(), 0, 'a kept passphrase is typed once');
    await page.locator('input[name=passphrase]').fill('granite ridge 2025');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('alert').getByText('does not open profile').waitFor();
    await page.locator('input[name=passphrase]').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('row', { name: SECRET_SITE }).waitFor();

    const needle = Buffer.from(SECRET_SITE, 'utf8');
    const profileFiles = filesUnder(join(device.userData, 'profiles'));
    assert.ok(profileFiles.some((f) => f.endsWith('outpost.db')));
    for (const file of profileFiles) assert.equal(readFileSync(file).indexOf(needle), -1, `${file} holds the saved words in plain text`);
  });
});
