// End to end, "Work in progress is safe" (issue 9): in Debian's Chromium against a real core and a
// real Outpost server. A dirty form asks before it is dropped (Esc, Ctrl+N, navigating away); its
// draft comes back after the app restarts; a delete says how many related records go with it and
// is undone from its notice; the Trash restores a delete that already reached the server as a
// copy. Lists fit a 1280 px window. Screenshots go to test-results/.
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
let device: Device;

/** Records of `model` on the server as ana sees them (tombstones included). */
async function serverItems(model: 'Site' | 'Inspection', fields: string): Promise<Array<Record<string, unknown>>> {
  const tokenResponse = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ana', password: PASSWORD }),
  });
  const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: accessToken },
    body: JSON.stringify({ query: `{ sync${model}s(limit: 1000) { items { ${fields} _deleted } } }` }),
  });
  const body = (await response.json()) as { data: Record<string, { items: Array<Record<string, unknown>> }> };
  return body.data[`sync${model}s`]!.items;
}

const live = (items: Array<Record<string, unknown>>) => items.filter((i) => i._deleted !== true);

async function unsyncedText(page: Page): Promise<string> {
  return (await page.getByTestId('unsynced').textContent()) ?? '';
}

async function waitAllSynced(page: Page): Promise<void> {
  await eventually('the sync bar to report every change synced', async () => (await unsyncedText(page)) === 'All changes synced', 30_000);
}

async function openSite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Sites', exact: true }).click();
  await page.getByRole('row', { name }).click();
  await page.locator('#field-name').waitFor();
  await eventually(`the form to load ${name}`, async () => (await page.locator('#field-name').inputValue()) === name);
}

const drafts = () => device.core.services.draftsList();

describe('work in progress is safe, in Chromium against a real server', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-wip-'));
    server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port: 0, reportError: () => undefined });
    base = `http://127.0.0.1:${server.port}`;
    await server.authStore.addUser({ username: 'ana', password: PASSWORD });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    device = await openDevice(browser, web, 'wip', schema);
    const page = device.page;
    await page.getByRole('tab', { name: 'Account' }).click();
    await page.locator('input[name=server]').fill(base);
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    // A Site with 3 inspections and 7 observations, made through the core (the UI path is app.test's).
    const store = device.core.services.store();
    const site = await store.save('Site', { name: 'North 1', code: 'N1' }, {});
    const inspections = [];
    for (const i of [1, 2, 3]) inspections.push(await store.save('Inspection', { siteID: site.id, title: `Visit ${i}`, status: 'DRAFT' }, {}));
    for (const o of [1, 2, 3, 4, 5, 6, 7]) {
      await store.save(
        'Observation',
        {
          inspectionID: inspections[o % 2]!.id,
          category: `Crack in the retaining wall, section ${o}, west face`,
          severity: 'LOW',
          description: 'A long description that would push a table past the window edge if cells did not cut it off with an ellipsis.',
          photoUrl: `https://photos.example.org/sites/north-1/inspections/visit-${o}/observation-${o}-full-resolution.jpg`,
          resolved: false,
        },
        {},
      );
    }
    await waitAllSynced(page);
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a dirty form asks before Esc, Ctrl+N or navigation drop it; its draft comes back after a restart', async () => {
    const page = device.page;
    await openSite(page, 'North 1');
    await page.locator('#field-code').fill('DRAFT-7');
    await eventually('the draft to be saved', async () =>
      (await drafts()).some((d) => d.model === 'Site' && (d.values as { code?: unknown }).code === 'DRAFT-7'),
    );
    const dialog = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });

    await page.locator('#field-code').press('Escape');
    await dialog.waitFor();
    await screenshot(page, 'wip-01-leave-guard');
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    assert.equal(await page.locator('#field-code').inputValue(), 'DRAFT-7', 'still editing after Esc');

    await page.keyboard.press('Control+n');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    assert.equal(await page.locator('#field-code').inputValue(), 'DRAFT-7', 'still editing after Ctrl+N');

    await page.getByRole('button', { name: 'Inspections', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    assert.equal(await page.locator('#field-code').inputValue(), 'DRAFT-7', 'still editing after navigating away');

    // Quit and start again: the draft is on disk and offered when the record is opened.
    await device.restart();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await openSite(page, 'North 1');
    assert.equal(await page.locator('#field-code').inputValue(), 'N1', 'the form opens with the saved values');
    const offer = page.locator('.draft-offer');
    await offer.waitFor();
    assert.match((await offer.textContent()) ?? '', /unsaved changes to this Site/);
    await screenshot(page, 'wip-02-draft-offered');
    await offer.getByRole('button', { name: 'Restore them' }).click();
    assert.equal(await page.locator('#field-code').inputValue(), 'DRAFT-7');
    await page.locator('#field-code').press('Enter');
    await page.getByRole('row', { name: 'North 1' }).waitFor();
    await eventually('saving to remove the draft', async () => (await drafts()).length === 0);
    assert.equal((await device.core.services.store().query('Site', {}))[0]?.code, 'DRAFT-7');

    // A new record's draft: discarded on request, and then gone.
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Half typed');
    await eventually('the new record’s draft to be saved', async () => (await drafts()).some((d) => d.key === null));
    await page.locator('#field-name').press('Escape');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await eventually('discarding to remove the draft', async () => (await drafts()).length === 0);
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await page.locator('.draft-offer').count(), 0, 'no draft offered once discarded');
    await page.locator('#field-name').press('Escape');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await waitAllSynced(page);
  });

  test('signing out asks about a draft left behind by a restart', async () => {
    const page = device.page;
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Left behind');
    await eventually('the draft to be saved', async () => (await drafts()).length === 1);
    await device.restart();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match((await dialog.locator('h2').textContent()) ?? '', /1 unsaved draft/);
    assert.match((await dialog.getByTestId('guard-drafts').textContent()) ?? '', /signing out deletes it/);
    await screenshot(page, 'wip-07-sign-out-draft');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('settings-user').textContent(), 'ana', 'still signed in');
    await page.getByRole('button', { name: 'Sites', exact: true }).click();
    await page.keyboard.press('Control+n');
    const offer = page.locator('.draft-offer');
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Discard them' }).click();
    await eventually('the draft to be gone', async () => (await drafts()).length === 0);
    await page.locator('#field-name').press('Escape');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
  });

  test('a delete names what goes with it and is undone from its notice; the Trash restores a synced delete as a copy', async () => {
    const page = device.page;
    const store = () => device.core.services.store();
    const siteId = String((await store().query('Site', {}))[0]!.id);

    // Undo while the delete is still queued: the same records come back.
    await page.getByRole('button', { name: 'Pause sync' }).click();
    await page.getByText('Sync paused').waitFor();
    await openSite(page, 'North 1');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    assert.equal(await confirm.locator('h2').textContent(), 'Delete Site North 1 and its 3 inspections and 7 observations?');
    await screenshot(page, 'wip-03-delete-count');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    const notice = page.locator('.notice.info');
    await notice.getByText('Deleted Site North 1 and 10 related records.').waitFor();
    assert.equal(await store().count('Inspection', undefined), 0);
    await screenshot(page, 'wip-04-undo-notice');
    await notice.getByRole('button', { name: 'Undo' }).click();
    await notice.getByText('Restored Site “North 1”.').waitFor();
    await page.getByRole('row', { name: 'North 1' }).waitFor();
    assert.equal((await store().get('Site', siteId))?.name, 'North 1', 'restored under its own id');
    assert.equal(await store().count('Inspection', { field: 'siteID', op: 'eq', value: siteId }), 3);
    assert.equal(await store().count('Observation', undefined), 7);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Resume sync' }).click();
    await waitAllSynced(page);
    assert.equal(live(await serverItems('Site', 'id name')).length, 1, 'the server never lost the site');
    assert.equal(live(await serverItems('Inspection', 'id siteID')).length, 3);

    // Delete, let it reach the server, then restore from the Trash: a copy with new ids.
    await openSite(page, 'North 1');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('.notice.info').getByRole('button', { name: 'Dismiss' }).click();
    await waitAllSynced(page);
    await eventually('the delete to reach the server', async () => live(await serverItems('Site', 'id')).length === 0);
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    const entry = page.locator('.trash-item', { hasText: 'North 1' });
    await entry.waitFor();
    assert.match((await entry.textContent()) ?? '', /with 3 inspections, 7 observations/);
    await eventually('the Trash to say the restore makes a copy', async () => /restored as a copy/.test((await entry.textContent()) ?? ''));
    await screenshot(page, 'wip-05-trash');
    await entry.getByRole('button', { name: 'Restore as a copy' }).click();
    await page.getByText('Restored Site “North 1” as a copy.').waitFor();
    const [copy] = await store().query('Site', {});
    assert.ok(copy && copy.id !== siteId, 'a new id');
    assert.equal(copy.name, 'North 1');
    assert.equal(await store().count('Inspection', { field: 'siteID', op: 'eq', value: String(copy.id) }), 3);
    await waitAllSynced(page);
    await eventually('the copy and its inspections to reach the server', async () => {
      const sites = live(await serverItems('Site', 'id name'));
      const inspections = live(await serverItems('Inspection', 'id siteID'));
      return sites.length === 1 && sites[0]!.id === copy.id && inspections.filter((i) => i.siteID === copy.id).length === 3;
    });
  });

  test('the Observations list fits a 1280 px window', async () => {
    const page = device.page;
    await page.getByRole('button', { name: 'Observations', exact: true }).click();
    await page.getByRole('heading', { name: 'Observations' }).waitFor();
    await page.locator('table.records tbody tr').first().waitFor();
    const { right, width } = await page.evaluate(() => ({
      right: document.querySelector('table.records')!.getBoundingClientRect().right,
      width: document.documentElement.clientWidth,
    }));
    assert.ok(right <= width, `the table ends at ${right} px, inside the ${width} px window`);
    await screenshot(page, 'wip-06-observations-1280');
  });
});
