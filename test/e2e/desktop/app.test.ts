// End to end: the built renderer in Debian's Chromium, its API bridged to a real main-process core
// in this process (real SQLite, real sync worker), against a real Outpost server on 127.0.0.1
// (OPTIMISTIC_CONCURRENCY, so concurrent edits become conflicts; the edit each one cost waits in the
// review inbox: an overwritten value, a refused condition — kept mine / theirs, edited and
// resubmitted). Screenshots of
// each main screen go to test-results/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

let dir: string;
let dbFile: string;
let server: RunningServer;
let port: number;
let base: string;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let deviceA: Device;
const PASSWORDS = { ana: 'ana-field-2026', bob: 'bob-field-2026' } as const;

async function startOutpost(): Promise<void> {
  server = await startServer({
    schema: schemaText,
    database: `sqlite:${dbFile}`,
    port,
    conflictHandler: 'OPTIMISTIC_CONCURRENCY',
    reportError: () => undefined,
  });
  port = server.port;
  base = `http://127.0.0.1:${port}`;
}

/**
 * Stops the server. Its close() currently waits for open real-time sockets (the HTTP server is
 * closed before the WebSocket handler), so it is given a bounded time; the port is free at once.
 */
async function stopOutpost(): Promise<void> {
  const closing = server.close();
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3000))]);
}

/** Site records on the server as `user` sees them (through GraphQL with the user's token). */
async function serverSites(user: keyof typeof PASSWORDS): Promise<Array<Record<string, unknown>>> {
  const tokenResponse = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: PASSWORDS[user] }),
  });
  const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: accessToken },
    body: JSON.stringify({ query: '{ syncSites(limit: 1000) { items { id name code tags _version _deleted } } }' }),
  });
  const body = (await response.json()) as { data: { syncSites: { items: Array<Record<string, unknown>> } } };
  return body.data.syncSites.items.filter((s) => s._deleted !== true);
}

async function serverInspections(user: keyof typeof PASSWORDS): Promise<Array<Record<string, unknown>>> {
  const tokenResponse = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: PASSWORDS[user] }),
  });
  const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: accessToken },
    body: JSON.stringify({ query: '{ syncInspections(limit: 1000) { items { id siteID title status _deleted } } }' }),
  });
  const body = (await response.json()) as { data: { syncInspections: { items: Array<Record<string, unknown>> } } };
  return body.data.syncInspections.items;
}

async function signInWithPassword(page: Page, user: keyof typeof PASSWORDS): Promise<void> {
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.locator('input[name=server]').fill(base);
  await page.locator('input[name=username]').fill(user);
  await page.locator('input[name=password]').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
}

async function unsyncedText(page: Page): Promise<string> {
  return (await page.getByTestId('unsynced').textContent()) ?? '';
}

async function waitAllSynced(page: Page): Promise<void> {
  await eventually('the sync bar to report every change synced', async () => (await unsyncedText(page)) === 'All changes synced', 30_000);
}

/** Waits until the bar's summary is the review link for `n` changes (everything sent, `n` to decide). */
async function waitReviewWaiting(page: Page, n: number): Promise<void> {
  const text = `${n} change${n === 1 ? ' needs' : 's need'} your review`;
  await eventually(`the sync bar to say ${text}`, async () => (await unsyncedText(page)) === text, 30_000);
}

async function pauseSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pause sync' }).click();
  await page.getByText('Sync paused').waitFor();
}

async function resumeSync(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Resume sync' }).click();
}

async function openSite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Sites' }).click();
  await page.getByRole('row', { name }).click();
  await page.locator('#field-name').waitFor();
}

describe('desktop app in Chromium against a real server', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
    dbFile = join(dir, 'server.db');
    port = 0;
    await startOutpost();
    await server.authStore.addUser({ username: 'ana', password: PASSWORDS.ana });
    await server.authStore.addUser({ username: 'bob', password: PASSWORDS.bob });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    deviceA = await openDevice(browser, web, 'a', schema);
  });
  after(async () => {
    await deviceA?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await stopOutpost();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('records created and edited offline reach the server once it is back', async () => {
    const page = deviceA.page;
    await page.locator('input[name=server]').waitFor();
    await screenshot(page, '01-sign-in');
    await signInWithPassword(page, 'ana');
    await page.getByText('Online').waitFor({ timeout: 20_000 });

    await stopOutpost(); // the network goes away
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('North quarry');
    await page.locator('#field-code').fill('NQ-1');
    await page.getByRole('button', { name: '+ Add tag' }).click();
    await page.locator('[id="field-tags-0-"]').fill('gravel');
    await page.locator('#field-location-latitude').fill('51.5');
    await page.locator('#field-location-longitude').fill('-0.12');
    await screenshot(page, '02-site-form');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'North quarry' }).waitFor();

    await page.getByRole('button', { name: 'Inspections' }).click();
    await page.keyboard.press('Control+n');
    await page.locator('#field-title').fill('Spring check');
    await page.locator('#field-siteID').selectOption({ label: 'North quarry' });
    await page.locator('#field-status').selectOption('IN_PROGRESS');
    await page.locator('#field-score').fill('7');
    await screenshot(page, '03-inspection-form');
    await page.locator('#field-title').press('Enter');
    await page.getByRole('row', { name: 'Spring check' }).waitFor();
    // The Site's name replaces its id once the label's own lookup answers: wait for it, not count at once.
    await page.getByRole('row', { name: 'Spring check' }).getByText('North quarry').waitFor();

    await openSite(page, 'North quarry');
    await page.locator('#field-name').fill('North quarry (east)');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'North quarry (east)' }).waitFor();
    assert.match(await unsyncedText(page), /^\d+ unsynced changes?$/);
    await screenshot(page, '04-list-offline');

    await startOutpost(); // back on the same port and database
    await waitAllSynced(page);
    const sites = await serverSites('ana');
    assert.deepEqual(
      sites.map((s) => [s.name, s.code, s.tags]),
      [['North quarry (east)', 'NQ-1', ['gravel']]],
    );
    const inspections = await serverInspections('ana');
    assert.equal(inspections.length, 1);
    assert.equal(inspections[0].siteID, sites[0].id);
    assert.equal(inspections[0].status, 'IN_PROGRESS');
  });

  test('two devices edit one record: the overwritten edit waits in the review inbox and both decisions work', async () => {
    const page = deviceA.page;
    const b = headlessDevice('b', schema);
    try {
      await b.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORDS.ana });
      await eventually('device B to receive the site', async () => (await b.api.query({ model: 'Site' })).items.length === 1);
      const siteId = String((await b.api.query({ model: 'Site' })).items[0].id);
      const bSynced = () => eventually('device B to sync', async () => (await b.api.syncStatus()).unsynced === 0);

      // Round 1: A (paused) and B change the code; A's change is retried on B's version, replacing
      // B's code: B's value waits in A's review inbox (the conflict log keeps the history); keep theirs.
      await pauseSync(page);
      await openSite(page, 'North quarry (east)');
      await page.locator('#field-code').fill('A-1');
      await page.locator('#field-code').press('Enter');
      await b.api.save({ model: 'Site', record: { id: siteId, code: 'B-1' } });
      await bSynced();
      await resumeSync(page);
      await waitReviewWaiting(page, 1);
      await page.getByRole('button', { name: /Review\s*1/ }).click();
      const codeRow = page.getByLabel('Review item').locator('table.compare tr', { hasText: 'Code' });
      await codeRow.waitFor();
      assert.equal(await codeRow.getAttribute('data-differs'), 'true');
      assert.deepEqual(await codeRow.locator('td').allTextContents(), ['A-1', 'B-1']);
      assert.match((await page.getByLabel('History').textContent()) ?? '', /Conflict/);
      await screenshot(page, '05-conflicts');
      await page.getByRole('button', { name: 'Keep theirs' }).click();
      await page.getByText('Decided: kept theirs.').waitFor();
      await waitAllSynced(page);
      await eventually('the server to hold B’s code again', async () => (await serverSites('ana'))[0]?.code === 'B-1');
      assert.equal((await deviceA.core.services.store().get('Site', siteId))?.code, 'B-1');

      // Round 2: the same race; keep mine.
      await pauseSync(page);
      await openSite(page, 'North quarry (east)');
      await page.locator('#field-code').fill('A-2');
      await page.locator('#field-code').press('Enter');
      await eventually('device B to have caught up', async () => (await b.api.get({ model: 'Site', id: siteId }))?.code === 'B-1');
      await b.api.save({ model: 'Site', record: { id: siteId, code: 'B-2' } });
      await bSynced();
      await resumeSync(page);
      await waitReviewWaiting(page, 1);
      await page.getByRole('button', { name: /Review\s*1/ }).click();
      await page.getByLabel('Review item').locator('table.compare tr', { hasText: 'Code' }).locator('td', { hasText: 'A-2' }).waitFor();
      await page.getByRole('button', { name: 'Keep mine' }).click();
      await page.getByText('Decided: kept mine.').waitFor();
      await eventually('the server to hold A’s code', async () => (await serverSites('ana'))[0]?.code === 'A-2');
      await eventually('device B to receive A’s code', async () => (await b.api.get({ model: 'Site', id: siteId }))?.code === 'A-2');
      await waitAllSynced(page);
      assert.equal(await page.locator('.badge').count(), 0, 'nothing left to review');
    } finally {
      await b.close();
    }
  });

  test('a condition the server rejects shows a notification naming the record', async () => {
    const page = deviceA.page;
    const b = headlessDevice('b2', schema);
    try {
      await b.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORDS.ana });
      await eventually('device B to receive the site', async () => (await b.api.query({ model: 'Site' })).items.length === 1);
      const siteId = String((await b.api.query({ model: 'Site' })).items[0].id);
      await pauseSync(page);
      await openSite(page, 'North quarry (east)');
      await page.getByLabel('Only save if the server still has the values I started from').check();
      await page.locator('#field-name').fill('Quarry A');
      await page.locator('#field-name').press('Enter');
      await b.api.save({ model: 'Site', record: { id: siteId, name: 'Quarry B' } });
      await eventually('device B to sync', async () => (await b.api.syncStatus()).unsynced === 0);
      await resumeSync(page);
      const notice = page.locator('.notice').filter({ hasText: 'Site' });
      await notice.waitFor({ timeout: 30_000 });
      await eventually('the notice to name the record', async () => /Quarry B|North quarry|#/.test((await notice.textContent()) ?? ''));
      assert.match((await notice.textContent()) ?? '', /Conditional/i);
      await screenshot(page, '06-rejected-condition');
      // The local row went back to the server's state; the refused version waits in the review inbox.
      await page.getByRole('button', { name: 'Sites' }).click();
      await page.getByRole('row', { name: 'Quarry B' }).waitFor();
      assert.equal((await serverSites('ana'))[0]?.name, 'Quarry B');
      await waitReviewWaiting(page, 1);
      await notice.getByRole('button', { name: 'See in review inbox' }).click();
      const detail = page.getByLabel('Review item');
      await detail.getByRole('heading', { name: /the server refused this change/ }).waitFor();
      const nameRow = detail.locator('table.compare tr', { hasText: 'Name' });
      assert.deepEqual(await nameRow.locator('td').allTextContents(), ['Quarry A', 'Quarry B']);
      await screenshot(page, '06b-review-rejected');
      // Edit and resubmit: the form opens with the refused version; saving sends the edited one.
      await detail.getByRole('button', { name: 'Edit and resubmit' }).click();
      await page.locator('#field-name').waitFor();
      assert.equal(await page.locator('#field-name').inputValue(), 'Quarry A');
      await page.locator('#field-name').fill('Quarry A, checked');
      await page.getByRole('button', { name: 'Resubmit' }).click();
      await page.getByRole('heading', { name: 'Review inbox' }).waitFor();
      await eventually('the server to hold the resubmitted name', async () => (await serverSites('ana'))[0]?.name === 'Quarry A, checked');
      await waitAllSynced(page);
      assert.equal(await page.locator('.badge').count(), 0, 'nothing left to review');
      assert.equal(await notice.count(), 0, 'the notice went when its item was opened in the inbox');
    } finally {
      await b.close();
    }
  });

  test('signing out with unsynced changes warns with their number first', async () => {
    const page = deviceA.page;
    await waitAllSynced(page);
    await pauseSync(page);
    await page.getByRole('button', { name: 'Sites' }).click();
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Unsent site');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'Unsent site' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await screenshot(page, '07-settings');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /1 unsynced change/);
    await screenshot(page, '08-sign-out-warning');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('settings-user').textContent(), 'ana', 'still signed in');
    // Sync first: the change goes to the server, then the profile is closed and cleared.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await dialog.getByRole('button', { name: 'Sync first' }).click();
    await page.locator('input[name=server]').waitFor({ timeout: 30_000 });
    assert.ok(
      (await serverSites('ana')).some((s) => s.name === 'Unsent site'),
      'synced before signing out',
    );
  });

  test('a second user sees nothing of the first; the same user again keeps the data', async () => {
    const page = deviceA.page;
    await signInWithPassword(page, 'ana');
    await page.getByRole('row', { name: 'Unsent site' }).waitFor({ timeout: 20_000 });
    await waitAllSynced(page);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await signInWithPassword(page, 'bob');
    await page.getByText('Online').waitFor({ timeout: 20_000 });
    await page.getByText('No sites yet').waitFor();
    assert.equal(await page.getByRole('row', { name: 'Unsent site' }).count(), 0);
    assert.equal((await deviceA.core.services.store().query('Site', {})).length, 0, 'bob’s database holds none of ana’s records');
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Bob site');
    await page.locator('#field-name').press('Enter');
    await waitAllSynced(page);

    const eventsBefore = deviceA.events.length;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await signInWithPassword(page, 'ana');
    // Ana's records are there at once, from her own database…
    await page.getByRole('row', { name: 'Unsent site' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByRole('row', { name: 'Bob site' }).count(), 0);
    // …and the sync that follows is a delta that brings nothing new (no re-download).
    await eventually('ana’s Site sync to finish', () =>
      deviceA.events
        .slice(eventsBefore)
        .some(
          (e) =>
            e.wire === 'outpost:syncEvent' &&
            (e.payload as { event: string; data: { model?: string } }).event === 'modelSynced' &&
            (e.payload as { data: { model?: string } }).data.model === 'Site',
        ),
    );
    const siteSynced = deviceA.events
      .slice(eventsBefore)
      .map((e) => e.payload as { event?: string; data?: { model?: string; isDeltaSync?: boolean; counts?: { new: number } } })
      .find((p) => p.event === 'modelSynced' && p.data?.model === 'Site');
    assert.equal(siteSynced?.data?.isDeltaSync, true);
    assert.equal(siteSynced?.data?.counts?.new, 0);
    assert.deepEqual(
      (await serverSites('bob')).map((s) => s.name),
      ['Bob site'],
      'the server keeps bob’s records apart too',
    );

    // A profile on this computer reopens from the list, without a password.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await page.getByRole('region', { name: 'Profiles on this computer' }).getByRole('button', { name: 'bob' }).click();
    await page.getByRole('row', { name: 'Bob site' }).waitFor();
    assert.equal(await page.getByRole('row', { name: 'Unsent site' }).count(), 0);
  });
  test('the list shows one page at a time from the datastore and follows changes made elsewhere', async () => {
    const page = deviceA.page;
    await page.getByRole('button', { name: 'Sites' }).click();
    await page.getByRole('row', { name: 'Bob site' }).waitFor();
    const store = deviceA.core.services.store();
    for (let i = 0; i < 30; i++) await store.save('Site', { name: `Paged ${String(i).padStart(2, '0')}` }, {});
    // Saved in main, not through the UI: the observe event makes the list fetch its page again.
    await page.getByText('31 records').waitFor({ timeout: 10_000 });
    await page.getByText('Page 1 of 2').waitFor();
    const rows = page.locator('table.records tbody tr');
    assert.equal(await rows.count(), 25, 'only one page of rows is rendered');
    await page.locator('th button.sort').first().click();
    await page.getByRole('button', { name: 'Next ›' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await page.getByRole('row', { name: 'Paged 29' }).waitFor();
    assert.equal(await rows.count(), 6);
    await store.delete('Site', { where: { field: 'name', op: 'eq', value: 'Paged 29' } }, {});
    await page.getByText('30 records').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('row', { name: 'Paged 29' }).count(), 0);
    assert.equal(await rows.count(), 5);
  });
});
