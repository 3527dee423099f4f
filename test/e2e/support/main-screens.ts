// The app's main screens with something on each, for the checks that walk all of them (layout at
// 1024 px and 200% zoom, axe-core, the README screenshots): a real server (OPTIMISTIC_CONCURRENCY,
// so a race leaves a review item and a conflict-log entry), one signed-in device with a Site, an
// Inspection and an Observation carrying long values, a second Site, a race lost to a second device, and a
// deleted Observation in the Trash. Each screen is a name and a way to reach it from anywhere.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { eventually, headlessDevice, openDevice, root, type Device } from './desktop-harness.js';

export const schemaText = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
export const schema = parseSchema(schemaText, 'schema/schema.graphql');
const PASSWORD = 'ana-field-2026';

/** A value with no space to break at: what makes a table cell push its table past the window. */
export const LONG_WORD = 'https://photos.example.org/north-quarry/2026/spring/inspection-east-face-gravel-pit-overview.jpeg';
const LONG_TEXT = 'Loose gravel on the east face after the spring rains, about two metres of the fence is down and the warning sign is missing; ' + LONG_WORD;

/** One main screen: `open` reaches it from any other signed-in screen and waits until it shows. */
export interface MainScreen {
  readonly name: string;
  open(page: Page): Promise<void>;
}

async function nav(page: Page, label: string | RegExp, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

async function list(page: Page, plural: string): Promise<void> {
  await nav(page, plural, plural);
  await page.locator('table.records tbody tr').first().waitFor();
}

async function newForm(page: Page, plural: string, firstField: string): Promise<void> {
  await list(page, plural);
  await page.keyboard.press('Control+n');
  await page.locator(firstField).waitFor();
}

async function existingForm(page: Page, plural: string, row: string, firstField: string): Promise<void> {
  await list(page, plural);
  await page.getByRole('row', { name: row }).first().click();
  await page.locator(firstField).waitFor();
}

/** The signed-in main screens, in the order a user meets them. */
export const MAIN_SCREENS: readonly MainScreen[] = [
  { name: 'sites-list', open: (page) => list(page, 'Sites') },
  { name: 'site-new', open: (page) => newForm(page, 'Sites', '#field-name') },
  { name: 'site-existing', open: (page) => existingForm(page, 'Sites', 'North quarry', '#field-name') },
  { name: 'inspections-list', open: (page) => list(page, 'Inspections') },
  { name: 'inspection-new', open: (page) => newForm(page, 'Inspections', '#field-title') },
  { name: 'inspection-existing', open: (page) => existingForm(page, 'Inspections', 'Spring check', '#field-title') },
  { name: 'observations-list', open: (page) => list(page, 'Observations') },
  { name: 'observation-new', open: (page) => newForm(page, 'Observations', '#field-category') },
  { name: 'observation-existing', open: (page) => existingForm(page, 'Observations', 'Fence', '#field-category') },
  {
    name: 'review-inbox',
    open: async (page) => {
      await nav(page, /^Review\b/, 'Review inbox');
      await page.getByRole('list', { name: 'Needs your review' }).getByRole('button').first().click();
      await page.getByLabel('Review item').waitFor();
    },
  },
  {
    name: 'review-conflict',
    open: async (page) => {
      await nav(page, /^Review\b/, 'Review inbox');
      await page.getByRole('list', { name: 'History' }).getByRole('button').first().click();
      await page.getByLabel('Conflict detail').waitFor();
    },
  },
  {
    name: 'trash',
    open: async (page) => {
      await nav(page, 'Trash', 'Trash');
      await page.locator('.trash-item').first().waitFor();
    },
  },
  { name: 'settings', open: (page) => nav(page, 'Settings', 'Settings') },
];

/** The Sync activity screen, once the sidebar offers it (helper "status" adds it). */
export async function syncActivityScreen(page: Page): Promise<MainScreen | undefined> {
  const entry = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Sync activity/ });
  if ((await entry.count()) === 0) return undefined;
  return {
    name: 'sync-activity',
    open: async (p) => {
      await p
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: /^Sync activity/ })
        .click();
      await p.getByRole('heading', { name: /Sync activity/ }).waitFor();
    },
  };
}

/** A server and a device showing the sign-in screen; `signInAndFill` then gives every screen something to show. */
export interface ScreensWorld {
  readonly device: Device;
  /** Signs in and makes the records, the review item, the conflict and the Trash entry. */
  signInAndFill(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server and opens a device (its page on the sign-in screen). */
export async function openScreensWorld(browser: Browser, web: { url: string; dist: string }, name: string): Promise<ScreensWorld> {
  const dir = mkdtempSync(join(tmpdir(), `outpost-e2e-${name}-`));
  const server: RunningServer = await startServer({
    schema: schemaText,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    conflictHandler: 'OPTIMISTIC_CONCURRENCY',
    reportError: () => undefined,
  });
  const base = `http://127.0.0.1:${server.port}`;
  await server.authStore.addUser({ username: 'ana', password: PASSWORD });
  const device = await openDevice(browser, web, name, schema);
  await device.page.locator('input[name=server]').waitFor();
  return {
    device,
    async signInAndFill() {
      const page = device.page;
      await page.getByRole('tab', { name: 'Account' }).click();
      await page.locator('input[name=server]').fill(base);
      await page.locator('input[name=username]').fill('ana');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sites' }).waitFor();
      const store = device.core.services.store();
      const site = await store.save(
        'Site',
        { name: 'North quarry', code: 'NQ-1', tags: ['gravel', LONG_WORD], location: { latitude: 51.5, longitude: -0.12 } },
        {},
      );
      const south = await store.save('Site', { name: 'South pit', code: 'SP-2' }, {});
      const inspection = await store.save(
        'Inspection',
        { siteID: site.id, title: 'Spring check', status: 'IN_PROGRESS', score: 7, notes: LONG_TEXT, inspectedAt: '2026-04-02T09:30:00.000Z' },
        {},
      );
      await store.save(
        'Observation',
        {
          inspectionID: inspection.id,
          category: 'Fence',
          severity: 'HIGH',
          description: LONG_TEXT,
          measurements: [2.5, 1.25],
          resolved: false,
          photoUrl: LONG_WORD,
        },
        {},
      );
      const doomed = await store.save('Observation', { inspectionID: inspection.id, category: 'Sign missing', severity: 'LOW' }, {});
      const unsynced = async () => (await page.getByTestId('unsynced').textContent()) ?? '';
      await eventually('the records to sync', async () => (await unsynced()) === 'All changes synced', 30_000);

      // A race this device loses on a long value: an overwritten edit in the inbox, a conflict in its history.
      const other = headlessDevice(`${name}-b`, schema);
      try {
        await other.api.signIn({ mode: 'password', server: base, username: 'ana', password: PASSWORD });
        const id = String(inspection.id);
        await eventually('the other device to receive the inspection', async () => (await other.api.get({ model: 'Inspection', id })) !== null);
        await page.getByRole('button', { name: 'Pause sync' }).click();
        await page.getByText('Sync paused').waitFor();
        // Ana also moves it to the other site (not contested: the conflict log shows it, by the site's name).
        await store.save('Inspection', { id, notes: `${LONG_TEXT} (checked again by Ana)`, status: 'SUBMITTED', siteID: south.id }, {});
        await other.api.save({ model: 'Inspection', record: { id, notes: `${LONG_TEXT} (Bob)`, status: 'APPROVED' } });
        await eventually('the other device to sync', async () => (await other.api.syncStatus()).unsynced === 0, 30_000);
        await page.getByRole('button', { name: 'Resume sync' }).click();
        await eventually('the review item', async () => /needs? your review/.test(await unsynced()), 30_000);
      } finally {
        await other.close();
      }
      await store.delete('Observation', { key: String(doomed.id) }, {});
      // Synced, the Trash entry says its restore makes a copy: the same words every run.
      await eventually('the delete to reach the server', async () => (await device.core.services.trashList()).every((t) => t.state === 'synced'), 30_000);
    },
    async close() {
      await device.close();
      await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
