// End to end, issue 14 "A truthful status" and "Dialogs", in Chromium against a real server:
// Settings says where the sign-in is really kept (a failing keychain is not "the system
// keychain"); Esc closes every dialog, Tab stays inside it and focus returns to the control that
// opened it; "Sync first" while the server is down says at once in the dialog why it cannot sync
// and offers discard or cancel, and with the server back shows "n of m sent" in the dialog; the
// bar never shows a contradictory combination while the server goes and comes back; the Sync
// activity screen lists what happened in plain words.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { describeFindings, seriousAxeFindings } from '../support/axe-check.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, openDevice, root, screenshot, serveRenderer, type Device } from '../support/desktop-harness.js';

const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(schemaText, 'schema/schema.graphql');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const PASSWORD = 'ana-field-2026';
const LOCKED = 'The keychain is locked';

let dir: string;
let server: RunningServer | null = null;
let port = 0;
let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let device: Device | undefined;

async function start(): Promise<void> {
  server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port, reportError: () => undefined });
  port = server.port;
}
async function stop(): Promise<void> {
  const closing = server?.close();
  server = null;
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3000))]);
}

/** A keychain that answers every call with an error, as keytar does with a locked keyring. */
function lockedKeychain(): CredentialStore {
  const fail = () => Promise.reject(new Error(LOCKED));
  return { kind: 'keychain', description: 'kept in the system keychain', get: fail, set: fail, delete: fail };
}

async function signIn(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.locator('input[name=server]').fill(`http://127.0.0.1:${port}`);
  await page.locator('input[name=username]').fill('ana');
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
}

async function addSite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Sites', exact: true }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
  await page.keyboard.press('Control+n');
  await page.locator('#field-name').fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('row', { name }).first().waitFor();
}

/** The focused element's text and whether it is inside the open dialog. */
async function focus(page: Page, dialog: string): Promise<{ text: string; inside: boolean }> {
  return page.evaluate((selector) => {
    const active = document.activeElement as HTMLElement | null;
    return { text: active?.textContent?.trim() ?? '', inside: document.querySelector(selector)?.contains(active) ?? false };
  }, dialog);
}

/** Tabs `n` times forwards and once back; every stop must be inside the dialog. */
async function assertTrapped(page: Page, dialog: string, n = 6): Promise<void> {
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    assert.ok((await focus(page, dialog)).inside, `Tab ${i + 1} stays inside ${dialog}`);
  }
  await page.keyboard.press('Shift+Tab');
  assert.ok((await focus(page, dialog)).inside, `Shift+Tab stays inside ${dialog}`);
}

// Recorders run in the page as plain script text: the test runner's transform names functions
// with a helper the page does not have.
const RECORD_BAR = `(() => {
  window.__bar = [];
  const take = () => {
    const bar = document.querySelector('.sync-bar');
    if (!bar) return;
    const part = (sel) => (bar.querySelector(sel) || {}).textContent || '';
    const seen = part('.net') + ' · ' + part('[data-testid=unsynced]') + ' · ' + part('[data-testid=last-sync]');
    if (window.__bar[window.__bar.length - 1] !== seen) window.__bar.push(seen);
  };
  take();
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

const RECORD_PROGRESS = `(() => {
  window.__progress = [];
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid=guard-progress]');
    const text = el && el.textContent;
    if (text && window.__progress[window.__progress.length - 1] !== text) window.__progress.push(text);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** Starts recording every state of the sync bar (label · summary · last sync) into window.__bar. */
async function recordBar(page: Page): Promise<void> {
  await page.evaluate(RECORD_BAR);
}

/** Starts recording every text of the guard's progress line into window.__progress. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(RECORD_PROGRESS);
}

describe('a truthful status and dialogs, in Chromium against a real server', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-status-'));
    await start();
    await server!.authStore.addUser({ username: 'ana', password: PASSWORD });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    await device?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Settings says where the sign-in is kept: never "the system keychain" when the keychain failed', async () => {
    // Data keys in a keychain that answers: this test is about the sign-in's secret (a locked one asks for a passphrase, test/e2e/desktop/passphrase.test.ts).
    const locked = await openDevice(browser, web, 'status-locked', schema, lockedKeychain(), {}, { dataKeys: memoryCredentialStore() });
    try {
      await signIn(locked.page);
      await locked.page.getByRole('button', { name: 'Settings' }).click();
      const words = locked.page.getByTestId('settings-credential-storage');
      assert.equal(await words.textContent(), `Account — token kept only until Outpost closes (could not be saved: ${LOCKED})`);
      await screenshot(locked.page, 'status-01-settings-keychain-failed');
    } finally {
      await locked.close();
    }
    device = await openDevice(browser, web, 'status', schema);
    await signIn(device.page);
    await device.page.getByRole('button', { name: 'Settings' }).click();
    assert.equal(
      await device.page.getByTestId('settings-credential-storage').textContent(),
      'Account — token kept only until Outpost closes (no keychain available)',
    );
  });

  test('Esc closes every dialog; Tab stays inside; focus returns to the control that opened it', async () => {
    assert.ok(device);
    const page = device.page;
    await addSite(page, 'Esc site');

    // The delete confirmation, over the form: Esc cancels it and does not also leave the form.
    await page.getByRole('row', { name: 'Esc site' }).first().click();
    await page.locator('#field-name').waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    assert.equal((await focus(page, '[role=alertdialog]')).text, 'Delete', 'focus moves into the dialog');
    await assertTrapped(page, '[role=alertdialog]');
    await page.keyboard.press('Escape');
    await eventually('the delete dialog to close', async () => (await page.getByRole('alertdialog').count()) === 0);
    assert.equal(await page.locator('#field-name').inputValue(), 'Esc site', 'still on the form');
    assert.equal((await focus(page, 'body')).text, 'Delete', 'focus back on the Delete button');

    // The leave guard: a dirty form and a click elsewhere; Esc keeps editing.
    await page.locator('#field-name').fill('Esc site edited');
    const trashNav = page.getByRole('button', { name: 'Trash', exact: true });
    await trashNav.click();
    await page.getByRole('alertdialog', { name: 'Discard unsaved changes?' }).waitFor();
    await assertTrapped(page, '[role=alertdialog]', 3);
    await page.keyboard.press('Escape');
    await eventually('the leave guard to close', async () => (await page.getByRole('alertdialog').count()) === 0);
    assert.equal(await page.locator('#field-name').inputValue(), 'Esc site edited', 'kept editing');
    assert.equal((await focus(page, 'body')).text, 'Trash', 'focus back on the control that asked to leave');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('row', { name: 'Esc site edited' }).first().waitFor();

    // The export dialog.
    const exportButton = page.getByRole('button', { name: 'Export…' });
    await exportButton.click();
    await page.getByRole('dialog').waitFor();
    await assertTrapped(page, '[role=dialog]', 4);
    await page.keyboard.press('Escape');
    await eventually('the export dialog to close', async () => (await page.getByRole('dialog').count()) === 0);
    assert.equal((await focus(page, 'body')).text, 'Export…');

    // The unsynced-changes guard of sign-out.
    await page.getByRole('button', { name: 'Pause sync' }).click();
    await page.locator('.sync-bar .net', { hasText: 'Sync paused' }).waitFor();
    await addSite(page, 'Unsent 1');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await assertTrapped(page, '[role=alertdialog]', 4);
    await page.keyboard.press('Escape');
    await eventually('the sign-out guard to close', async () => (await page.getByRole('alertdialog').count()) === 0);
    assert.equal((await focus(page, 'body')).text, 'Sign out');
    assert.equal(await page.getByTestId('settings-user').textContent(), 'ana', 'still signed in');
  });

  test('Sync first with the server down: the dialog says at once that it cannot sync and why; the bar never contradicts itself', async () => {
    assert.ok(device);
    const page = device.page;
    await addSite(page, 'Unsent 2');
    await addSite(page, 'Unsent 3');
    await recordBar(page);
    await page.getByRole('button', { name: 'Resume sync' }).click();
    await eventually('the three to sync', async () => (await page.getByTestId('unsynced').textContent()) === 'All changes synced', 30_000);

    await stop();
    await eventually('the bar to say Offline', async () => (await page.locator('.sync-bar .net').textContent()) === 'Offline', 30_000);
    await page.getByRole('button', { name: 'Pause sync' }).click();
    for (const name of ['Offline 1', 'Offline 2', 'Offline 3']) await addSite(page, name);
    await page.getByRole('button', { name: 'Resume sync' }).click();
    await eventually('the bar to say Offline again', async () => (await page.locator('.sync-bar .net').textContent()) === 'Offline', 30_000);

    // Running and offline: answered at once.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Sync first' }).click();
    const started = Date.now();
    const reason = page.getByTestId('guard-reason');
    await reason.waitFor({ timeout: 3000 });
    assert.ok(Date.now() - started < 3000, `said in ${Date.now() - started} ms`);
    assert.match(
      (await reason.textContent()) ?? '',
      new RegExp(`^Cannot sync now: 127\\.0\\.0\\.1:${port} cannot be reached \\(this computer may be offline\\)\\. Nothing was deleted\\.$`),
    );
    assert.equal(await dialog.getByRole('button', { name: 'Sync first' }).count(), 0, 'not offered again');
    assert.equal(await dialog.getByRole('button', { name: 'Discard and continue' }).count(), 1);
    assert.equal((await focus(page, '[role=alertdialog]')).text, 'Cancel');
    await screenshot(page, 'status-02-sync-first-offline');
    const dialogFindings = await seriousAxeFindings(page);
    assert.deepEqual(dialogFindings, [], describeFindings('sync-first dialog', dialogFindings));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('settings-user').textContent(), 'ana', 'still signed in');
    assert.equal(await page.getByTestId('unsynced').textContent(), '3 unsynced changes', 'nothing deleted');

    // Paused and the server down: the worker is started, fails to connect, is paused again.
    await page.getByRole('button', { name: 'Pause sync' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await dialog.getByRole('button', { name: 'Sync first' }).click();
    await reason.waitFor({ timeout: 8000 });
    assert.match((await reason.textContent()) ?? '', /^Cannot sync now: 127\.0\.0\.1:\d+ (cannot be reached|did not answer within 5 s)/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.sync-bar .net', { hasText: 'Sync paused' }).waitFor();

    const seen = await page.evaluate(() => (window as unknown as { __bar: string[] }).__bar);
    assert.ok(
      seen.some((s) => s.startsWith('Offline · ')),
      `the bar was seen offline: ${seen.join(' | ')}`,
    );
    for (const state of seen) {
      const [label, summary, last] = state.split(' · ');
      if (/^All (changes|records) synced$/.test(summary ?? '')) assert.equal(label, 'Online', `contradiction: ${state}`);
      if (label !== 'Online') assert.doesNotMatch(last ?? '', /just now/, `contradiction: ${state}`);
      if (summary === 'Reconnecting…') assert.equal(label, 'Offline', `contradiction: ${state}`);
    }
  });

  test('Sync first with the server back: "n of 3 sent" in the dialog, then signed out', async () => {
    assert.ok(device);
    const page = device.page;
    await start();
    await recordProgress(page);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    assert.match((await dialog.textContent()) ?? '', /3 unsynced changes/);
    await dialog.getByRole('button', { name: 'Sync first' }).click();
    await page.locator('input[name=server]').waitFor({ timeout: 30_000 });
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    assert.ok(
      progress.some((p) => /^(Sending changes: [0-3] of 3 sent|Connecting to the server…)/.test(p)),
      `the dialog showed its progress: ${progress.join(' | ')}`,
    );
  });

  test('the Sync activity screen lists what happened in plain words, problems marked, live', async () => {
    assert.ok(device);
    const page = device.page;
    await signIn(page);
    await page.getByRole('button', { name: 'Sync activity' }).click();
    await page.getByRole('heading', { name: 'Sync activity' }).waitFor();
    const list = page.getByTestId('activity-list');
    await eventually('the lines of this run', async () => /Up to date with the server/.test((await list.textContent()) ?? ''), 30_000);
    const lines = await list.locator('li .text').allTextContents();
    const has = (pattern: RegExp) =>
      assert.ok(
        lines.some((l) => pattern.test(l)),
        `a line matching ${pattern}: ${lines.join(' | ')}`,
      );
    has(new RegExp(`^Signed in as ana on 127\\.0\\.0\\.1:${port}$`));
    has(new RegExp(`^Sync started with 127\\.0\\.0\\.1:${port}$`));
    has(/^Connected to the server$/);
    has(/^Checking the server for changes to /);
    has(/^Problem: Went offline: changes wait on this computer/);
    has(/^Problem: Sync first did not run: 127\.0\.0\.1:\d+ cannot be reached/);
    has(/^Sent (3 changes to sites|a change to site “Offline \d”)$/);
    has(/^Signed out ana$/);
    assert.ok(!lines.some((l) => /outbox|mutation|networkStatus|modelSynced/i.test(l)), 'no developer words');
    assert.ok((await list.locator('li.problem').count()) >= 2, 'problems are marked');
    await screenshot(page, 'status-03-sync-activity');
    const findings = await seriousAxeFindings(page);
    assert.deepEqual(findings, [], describeFindings('Sync activity', findings));

    await page.getByLabel('Only problems').check();
    const problems = await list.locator('li .text').allTextContents();
    assert.ok(problems.length >= 2 && problems.every((p) => p.startsWith('Problem: ')), problems.join(' | '));
    await page.getByLabel('Only problems').uncheck();

    // A new line arrives while the screen is open.
    await addSite(page, 'Live one');
    await page.getByRole('button', { name: 'Sync activity' }).click();
    await eventually('the new change to be listed', async () => /Sent a change to site “Live one”/.test((await list.textContent()) ?? ''), 30_000);
    await page.getByTestId('open-sync-activity').click();
    await page.getByRole('heading', { name: 'Sync activity' }).waitFor();
  });
});
