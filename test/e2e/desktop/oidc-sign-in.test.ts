// End to end in Chromium, issue 15 "Sign in with an identity provider": the built renderer over a
// real core; the user picks the Identity provider tab, types the server, issuer and client id, and
// the "system browser" (another Chromium page) shows the real provider's login and consent pages
// (oidc-provider on loopback). Back in the app: signed in as the provider's user, a site saved and
// synced to an Outpost server that trusts that issuer (owner = the provider's subject), Settings
// naming the provider; then a server trusting another audience is refused with the reason on the
// sign-in screen.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { OIDC_CLIENT_ID, providerSignInPage, startOidcTestProvider, type OidcTestProvider } from '../../integration/auth/oidc-test-provider.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(schemaText, 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

describe('sign-in through an identity provider, in Chromium', { skip }, () => {
  let dir: string;
  let provider: OidcTestProvider;
  let trusting: RunningServer;
  let otherAudience: RunningServer;
  let web: Awaited<ReturnType<typeof serveRenderer>>;
  let build: Awaited<ReturnType<typeof buildForTest>>;
  let browser: Browser;
  let device: Device | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-oidc-'));
    provider = await startOidcTestProvider();
    const serve = (name: string, audience: string) =>
      startServer({
        schema: schemaText,
        database: `sqlite:${join(dir, `${name}.db`)}`,
        port: 0,
        host: '127.0.0.1',
        auth: { issuers: [{ issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience }] },
        reportError: () => undefined,
      });
    trusting = await serve('trusting', OIDC_CLIENT_ID);
    otherAudience = await serve('other', 'some-other-app');
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    for (const server of [trusting, otherAudience]) if (server) await Promise.race([server.close(), new Promise((r) => setTimeout(r, 3000))]);
    await provider?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The system browser: a page of its own showing the provider's login, then consent, as the user fills them in. */
  const systemBrowser = (login: string) => providerSignInPage(browser, login);

  async function fillProviderTab(d: Device, server: RunningServer): Promise<void> {
    const page = d.page;
    await page.getByRole('tab', { name: 'Identity provider' }).click();
    await page.locator('input[name=server]').fill(`http://127.0.0.1:${server.port}`);
    await page.locator('input[name=issuer]').fill(provider.issuer);
    await page.locator('input[name=clientId]').fill(OIDC_CLIENT_ID);
  }

  test('the Identity provider tab signs in through the browser, syncs as that user and Settings names the provider', async () => {
    device = await openDevice(browser, web, 'oidc', schema, undefined, {}, { oidcHost: { openBrowser: systemBrowser('maria'), allowHttpIssuer: true } });
    const page = device.page;
    await fillProviderTab(device, trusting);
    await screenshot(page, 'oidc-01-provider-tab');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor({ timeout: 60_000 });

    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Osprey point');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'Osprey point' }).waitFor();
    await eventually('the site reached the server with the provider subject as owner', async () => {
      const id = String((await device!.core.services.store().query('Site', {}))[0]?.id);
      const site = await trusting.storage.get('Site', id);
      return site !== undefined && JSON.stringify(site).includes('maria');
    });

    await page.getByRole('button', { name: 'Settings' }).click();
    assert.equal(await page.getByTestId('settings-issuer').textContent(), provider.issuer);
    assert.match((await page.getByTestId('settings-credential-storage').textContent()) ?? '', /^Identity provider/);
    await screenshot(page, 'oidc-02-settings');
  });

  test('a server that trusts another audience is refused at sign-in, saying why', async () => {
    await device?.close();
    device = await openDevice(browser, web, 'oidc-refused', schema, undefined, {}, { oidcHost: { openBrowser: systemBrowser('ines'), allowHttpIssuer: true } });
    const page = device.page;
    await fillProviderTab(device, otherAudience);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/another application/)
      .waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('heading', { name: 'Sites' }).count(), 0);
  });
});
