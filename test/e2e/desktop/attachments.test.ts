// End to end, issue 13 "UI" in Chromium against a real core and server: offline, a new Observation
// gets three photos — one through the file picker, one dropped on the field, one pasted — and is
// saved; each file is "queued" and the bar counts its bytes. Sign-out warns with the count. With
// uploads paused the record syncs and the files wait; resumed, they upload (after the record: the
// server takes no file for a record it does not have). A second device of the same user opens the
// record, sees the thumbnails and the picture in the viewer; another user sees neither the record
// nor the file. Settings refuse a bad cache size in main's words. "Take photo" runs against
// Chromium's fake camera and stops the camera when its dialog closes. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AttachmentRef } from '../../../common/schema/attachment-ref.js';
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
const PASSWORDS = { ana: 'ana-field-2026', bob: 'bob-field-2026' } as const;

/** axe-core's source (a dev dependency), evaluated in the page: the app's CSP refuses inline script tags. */
function axeSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
}

/** A real PNG (8-bit RGB) of `width` × `height` with a gradient from `seed`: Chromium decodes it, so thumbnails are drawn from it. */
function pngImage(width: number, height: number, seed: number): Buffer {
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3;
      raw[o] = (Math.floor((x * 255) / width) + seed) & 0xff;
      raw[o + 1] = Math.floor((y * 255) / height) & 0xff;
      raw[o + 2] = (seed * 37) & 0xff;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let dir: string;
let server: RunningServer;
let port = 0;
let base = '';
let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
const devices: Device[] = [];

async function startTheServer(): Promise<void> {
  server = await startServer({ schema: schemaText, database: `sqlite:${join(dir, 'server.db')}`, port, reportError: () => undefined });
  port = server.port;
  base = `http://127.0.0.1:${port}`;
}

async function stopTheServer(): Promise<void> {
  await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]);
}

async function signIn(page: Page, user: keyof typeof PASSWORDS): Promise<void> {
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.locator('input[name=server]').fill(base);
  await page.locator('input[name=username]').fill(user);
  await page.locator('input[name=password]').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
}

async function tokenOf(user: keyof typeof PASSWORDS): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: PASSWORDS[user] }),
  });
  const body = (await res.json()) as { accessToken?: string };
  assert.equal(typeof body.accessToken, 'string', JSON.stringify(body));
  return body.accessToken!;
}

/** GET of a file from the server's attachment endpoint as `user`: status and bytes. */
async function download(key: string, user: keyof typeof PASSWORDS): Promise<{ status: number; bytes: Buffer }> {
  assert.ok(server.attachmentsUrl, 'the server mounts its attachment endpoint for this schema');
  const res = await fetch(new URL(key, server.attachmentsUrl), { headers: { authorization: `Bearer ${await tokenOf(user)}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function open(name: string, on: Browser = browser): Promise<Device> {
  const device = await openDevice(on, web, name, schema);
  devices.push(device);
  return device;
}

const photosField = (page: Page) => page.locator('fieldset.attachment-field');
const states = (page: Page) => page.getByTestId('attachment-state');

/** Drops a JPEG drawn in the page onto the photos field, checking the field shows it is a drop target meanwhile. */
async function dropJpeg(page: Page, name: string): Promise<void> {
  const transfer = await page.evaluateHandle(async (fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 64;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#2456c6';
    g.fillRect(0, 0, 96, 64);
    g.fillStyle = '#f79009';
    g.fillRect(24, 16, 48, 32);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(new File([blob], fileName, { type: 'image/jpeg' }));
    return dataTransfer;
  }, name);
  const field = photosField(page);
  await field.dispatchEvent('dragenter', { dataTransfer: transfer });
  await field.dispatchEvent('dragover', { dataTransfer: transfer });
  await eventually('the field to show it takes the drop', async () => (await field.getAttribute('class'))?.includes('attachment-dragging') ?? false);
  assert.equal(await page.getByText('Drop to attach').count(), 1);
  await field.dispatchEvent('drop', { dataTransfer: transfer });
  await eventually('the drop target state to end', async () => !((await field.getAttribute('class')) ?? '').includes('attachment-dragging'));
}

/** Pastes a PNG drawn in the page while `selector` (a control of the form, outside the field) has focus. */
async function pastePng(page: Page, selector: string): Promise<void> {
  await page.locator(selector).focus();
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 40;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#067647';
    g.fillRect(0, 0, 40, 40);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const clipboardData = new DataTransfer();
    clipboardData.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  });
}

describe('photos and files, in Chromium against a real core and server', { skip }, () => {
  // Larger than the window: the viewer must fit it, the thumbnail scale it down.
  const photo = pngImage(1600, 1200, 7);
  let observationId = '';
  let refs: AttachmentRef[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-attachments-'));
    await startTheServer();
    for (const [username, password] of Object.entries(PASSWORDS)) await server.authStore.addUser({ username, password });
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
  });
  after(async () => {
    for (const device of devices.reverse()) await device.close().catch((e: Error) => console.error(e.message));
    await browser?.close();
    await web?.close();
    build?.remove();
    if (server) await stopTheServer();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('offline: a photo by picker, drop and paste; saved, each file "queued"; the bar counts them; sign-out warns', async () => {
    const device = await open('attach-a');
    const page = device.page;
    await signIn(page, 'ana');
    const store = device.core.services.store();
    const site = await store.save('Site', { name: 'North pit' }, {});
    await store.save('Inspection', { siteID: site.id, title: 'Spring visit', status: 'DRAFT' }, {});
    await eventually('the site and inspection to sync', () => device.core.services.syncStatus().unsynced === 0, 30_000);

    await stopTheServer();
    await eventually('the bar to say it is reconnecting', async () => (await page.getByTestId('unsynced').textContent()) === 'Reconnecting…', 30_000);

    await page.getByRole('button', { name: 'Observations', exact: true }).click();
    await page.getByRole('button', { name: 'New Observation' }).click();
    await page.locator('#field-category').fill('Crack in the west wall');
    await page.locator('#field-severity').selectOption('HIGH');
    await eventually(
      'the inspection picker to list Spring visit',
      async () => (await page.locator('#field-inspectionID option', { hasText: 'Spring visit' }).count()) === 1,
    );
    await page.locator('#field-inspectionID').selectOption({ label: 'Spring visit' });
    assert.equal(await page.getByRole('button', { name: 'Take photo' }).count(), 0, 'no camera here: no "Take photo"');

    // The picker: a hidden file input behind the visible, labelled button.
    await page.getByRole('button', { name: 'Add photo or file…' }).waitFor();
    await photosField(page).locator('input[type=file]').setInputFiles({ name: 'west wall.png', mimeType: 'image/png', buffer: photo });
    await eventually('the picked photo to show as a thumbnail', async () => (await page.getByTestId('attachment-thumbnail').count()) === 1);
    await dropJpeg(page, 'dropped wall.jpg');
    await eventually('the dropped photo to be added', async () => (await page.getByTestId('attachment-thumbnail').count()) === 2);
    await pastePng(page, '#field-description');
    await eventually('the pasted image to be added', async () => (await page.getByTestId('attachment-thumbnail').count()) === 3);
    assert.deepEqual(await states(page).allTextContents(), ['uploads after you save', 'uploads after you save', 'uploads after you save']);
    assert.equal(await page.getByRole('button', { name: 'Remove west wall.png' }).count(), 1, 'each file has a labelled remove button');
    assert.equal(await page.getByRole('button', { name: 'View dropped wall.jpg' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'View image.png' }).count(), 1);
    await eventually('every thumbnail image to be decoded', () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLImageElement>('[data-testid=attachment-thumbnail]')].every((img) => img.complete && img.naturalWidth > 0),
      ),
    );
    await photosField(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-form');

    await page.evaluate(axeSource());
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(context: unknown): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run({
        include: [['.record-form']],
      });
      return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    assert.deepEqual(violations, [], 'axe-core finds nothing on the form with attachments');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Observations' }).waitFor();
    const saved = await store.query('Observation', {});
    assert.equal(saved.length, 1);
    observationId = String(saved[0]!.id);
    refs = saved[0]!.photos as AttachmentRef[];
    assert.equal(refs.length, 3);
    assert.deepEqual(
      refs.map((r) => [r.name, r.contentType, r.key === `Observation/${observationId}/${r.sha256}`]),
      [
        ['west wall.png', 'image/png', true],
        ['dropped wall.jpg', 'image/jpeg', true],
        ['image.png', 'image/png', true],
      ],
    );
    assert.equal(refs[0]!.size, photo.length);
    // The list shows the first photo's thumbnail, made when it was added.
    await page.getByTestId('row-thumbnail').first().waitFor();

    const files = await device.core.services.attachments.attachmentStates({});
    assert.deepEqual(
      files.files.map((f) => f.state),
      ['queued', 'queued', 'queued'],
    );
    await eventually('the bar to count the files waiting', async () =>
      /^3 files \([0-9.]+ kB\) waiting to upload$/.test((await page.getByTestId('attachments-waiting').textContent()) ?? ''),
    );
    await page.getByRole('row', { name: 'Crack in the west wall' }).click();
    await eventually('the form to show each file queued', async () => (await states(page).allTextContents()).join() === 'queued,queued,queued');
    await photosField(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-syncbar');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const guard = page.getByRole('alertdialog');
    await guard.waitFor();
    assert.equal(await guard.locator('#guard-title').textContent(), '1 unsynced change and 3 attached files not uploaded yet');
    assert.match((await guard.getByTestId('guard-files').textContent()) ?? '', /3 attached files have not been uploaded yet; signing out deletes them/);
    await guard.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(device.core.services.currentUser()?.username, 'ana', 'still signed in');
  });

  test('uploads paused: the record syncs, the files wait; resumed, they upload after it; bad cache sizes are refused in main’s words', async () => {
    const device = devices[0]!;
    const page = device.page;
    const paused = page.getByLabel('Pause uploads of photos and files (records keep syncing)');
    await paused.check();
    await page.getByTestId('attachment-settings-saved').waitFor();
    assert.equal((await device.core.services.attachments.attachmentSettings({})).uploadsPaused, true);

    const cache = page.getByLabel('Cache size limit (MiB)');
    await cache.fill('5');
    await page.getByRole('button', { name: 'Save cache limit' }).click();
    await page.getByTestId('attachment-cache-error').waitFor();
    assert.match((await page.getByTestId('attachment-cache-error').textContent()) ?? '', /whole number of MiB from 16 to 1,048,576/);
    assert.equal(await cache.getAttribute('aria-invalid'), 'true');
    await cache.fill('2,048');
    await page.getByRole('button', { name: 'Save cache limit' }).click();
    await page.getByTestId('attachment-settings-saved').waitFor();
    assert.equal((await device.core.services.attachments.attachmentSettings({})).cacheLimitMiB, 2048);

    await startTheServer();
    await eventually(
      'the observation to reach the server',
      async () => (await server.storage.basePage('Observation', { afterId: null, limit: 10 })).length === 1,
      30_000,
    );
    await eventually(
      'the bar to say uploads are paused',
      async () => /^Uploads paused: 3 files/.test((await page.getByTestId('attachments-waiting').textContent()) ?? ''),
      30_000,
    );
    const onServer = (await server.storage.basePage('Observation', { afterId: null, limit: 10 }))[0] as Record<string, unknown>;
    assert.deepEqual(
      (onServer.photos as AttachmentRef[]).map((r) => r.key),
      refs.map((r) => r.key),
      'the record on the server references the three files',
    );
    assert.equal((await download(refs[0]!.key, 'ana')).status, 404, 'no file went up while paused');

    // Only files wait now: the guard says so on its own.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const guard = page.getByRole('alertdialog');
    await guard.waitFor();
    assert.equal(await guard.locator('#guard-title').textContent(), '3 attached files not uploaded yet');
    await guard.getByRole('button', { name: 'Cancel' }).click();

    const eventsBefore = device.events.length;
    await paused.uncheck();
    await eventually(
      'every file to upload',
      async () => (await device.core.services.attachments.attachmentStates({})).files.every((f) => f.state === 'done'),
      30_000,
    );
    await eventually('the bar to stop counting files', async () => (await page.getByTestId('attachments-waiting').count()) === 0);
    const uploading = device.events.slice(eventsBefore).filter((e) => e.wire === 'outpost:attachmentState');
    assert.ok(uploading.length > 0, 'per-file states were pushed to the page');
    for (const [i, ref] of refs.entries()) {
      const got = await download(ref.key, 'ana');
      assert.equal(got.status, 200, `file ${i} is on the server`);
      if (i === 0) assert.deepEqual(got.bytes, photo, 'byte for byte');
    }
  });

  test('a second device of the same user sees the thumbnails and the picture in the viewer; another user sees nothing', async () => {
    const device = await open('attach-b');
    const page = device.page;
    await signIn(page, 'ana');
    await page.getByRole('button', { name: 'Observations', exact: true }).click();
    await page.getByRole('row', { name: 'Crack in the west wall' }).click();
    await page.getByRole('heading', { name: 'Observation: Crack in the west wall' }).waitFor();
    await eventually('three thumbnails, downloaded on first view', async () => (await page.getByTestId('attachment-thumbnail').count()) === 3, 30_000);
    assert.deepEqual(await states(page).allTextContents(), [], 'nothing of this device waits to upload');
    await eventually('the first thumbnail to be drawn 320 px wide from the downloaded picture', () =>
      page.evaluate(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid=attachment-thumbnail]');
        return img !== null && img.complete && img.naturalWidth === 320 && img.naturalHeight === 240;
      }),
    );

    const opener = page.getByRole('button', { name: 'View west wall.png' });
    await opener.click();
    const viewer = page.getByRole('dialog', { name: 'west wall.png (1 of 3)' });
    await viewer.waitFor();
    await eventually('the picture to be shown full size', () =>
      page.evaluate(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid=viewer-image]');
        return img !== null && img.complete && img.naturalWidth === 1600 && img.naturalHeight === 1200;
      }),
    );
    const fit = await page.evaluate(() => {
      const rect = document.querySelector('[data-testid=viewer-image]')!.getBoundingClientRect();
      return { top: rect.top, left: rect.left, bottom: rect.bottom, right: rect.right, width: window.innerWidth, height: window.innerHeight };
    });
    assert.ok(fit.top >= 0 && fit.left >= 0 && fit.bottom <= fit.height && fit.right <= fit.width, `the picture fits the window: ${JSON.stringify(fit)}`);
    assert.equal(await viewer.getByRole('link', { name: 'Save a copy' }).getAttribute('download'), 'west wall.png');
    await screenshot(page, 'attachments-viewer');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'dropped wall.jpg (2 of 3)' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: 'image.png (3 of 3)' }).waitFor();
    await page.keyboard.press('Escape');
    await eventually('the viewer to close', async () => (await page.getByRole('dialog').count()) === 0);
    assert.equal(await page.getByRole('heading', { name: 'Observation: Crack in the west wall' }).count(), 1, 'Esc closed the viewer, not the form');
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true, 'focus is back on the thumbnail');

    const bob = headlessDevice('attach-bob', schema);
    try {
      await bob.api.signIn({ mode: 'password', server: base, username: 'bob', password: PASSWORDS.bob });
      await eventually('bob’s first sync', async () => (await bob.api.syncStatus()).lastSyncedAt !== null, 30_000);
      assert.deepEqual(await bob.api.query({ model: 'Observation' }).then((r) => r.items), [], 'bob cannot see ana’s observation');
      await assert.rejects(bob.api.attachmentFetch({ key: refs[0]!.key, sha256: refs[0]!.sha256 }), 'bob’s device cannot fetch the file');
      assert.equal((await download(refs[0]!.key, 'bob')).status, 404, 'the server tells bob nothing, not even that it exists');
    } finally {
      await bob.close();
    }
  });

  test('a file of several chunks is a row with its type and size, saved a copy byte for byte and uploaded; offline, a file not on this computer says so', async () => {
    const device = await open('attach-c');
    const page = device.page;
    await signIn(page, 'ana');
    // 2.5 MB of text: several chunks each way (neither 512 KiB nor 1 MiB is a multiple of 3: each chunk's base64 ends padded).
    const line = 'station,reading,unit\n';
    const csv = Buffer.from(line.repeat(Math.ceil(2_500_000 / line.length)));
    await page.getByRole('button', { name: 'Observations', exact: true }).click();
    await page.getByRole('button', { name: 'New Observation' }).click();
    await page.locator('#field-category').fill('Readings');
    await page.locator('#field-severity').selectOption('LOW');
    await eventually(
      'the inspection picker to list Spring visit',
      async () => (await page.locator('#field-inspectionID option', { hasText: 'Spring visit' }).count()) === 1,
    );
    await page.locator('#field-inspectionID').selectOption({ label: 'Spring visit' });
    await photosField(page).locator('input[type=file]').setInputFiles({ name: 'readings.csv', mimeType: 'text/csv', buffer: csv });
    const row = page.getByTestId('attachment-item').filter({ hasText: 'readings.csv' });
    await eventually('the file to be added, or a problem', async () => (await row.count()) + (await page.locator('.attachment-problem').count()) > 0, 30_000);
    assert.deepEqual(await page.locator('.attachment-problem').allTextContents(), [], 'no problem adding it');
    assert.match((await row.textContent()) ?? '', /text\/csv · 2\.5 MB/);
    await page.getByRole('button', { name: 'Open readings.csv' }).click();
    const viewer = page.getByRole('dialog', { name: 'readings.csv (1 of 1)' });
    await viewer.waitFor();
    assert.match((await viewer.locator('.viewer-facts').textContent()) ?? '', /^Namereadings\.csvTypetext\/csvSize2\.5 MB$/);
    const [saved] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('link', { name: 'Save a copy' }).click()]);
    assert.equal(saved.suggestedFilename(), 'readings.csv');
    assert.deepEqual(readFileSync(await saved.path()), csv, 'the copy is the file, byte for byte');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Observations' }).waitFor();
    const readings = (await device.core.services.store().query('Observation', {})).find((o) => o.category === 'Readings');
    const ref = (readings?.photos as AttachmentRef[] | undefined)?.[0];
    assert.ok(ref, 'the saved record references the file');
    await eventually(
      'the file to upload',
      async () => (await device.core.services.attachments.attachmentStates({})).files.every((f) => f.state === 'done'),
      30_000,
    );
    assert.deepEqual((await download(ref.key, 'ana')).bytes, csv, 'the server has it byte for byte');

    // This device never opened the photos of the first observation: offline, it says it cannot show them.
    await stopTheServer();
    try {
      await page.getByRole('row', { name: 'Crack in the west wall' }).click();
      await page.getByRole('heading', { name: 'Observation: Crack in the west wall' }).waitFor();
      await eventually('the photos to say they are not on this computer', async () => (await page.getByText('Not on this computer').count()) === 3, 30_000);
      await page.getByRole('button', { name: 'View west wall.png' }).click();
      const message = page.getByTestId('viewer-error');
      await message.waitFor({ timeout: 30_000 });
      assert.equal(await message.getAttribute('role'), 'alert');
      assert.ok(((await message.textContent()) ?? '').length > 10, 'main’s message is shown');
      await page.keyboard.press('Escape');
    } finally {
      await startTheServer();
    }
  });

  test('"Take photo" with a camera: live preview, Capture adds the picture, Cancel adds nothing; the camera stops either way', async () => {
    const cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    try {
      const device = await open('attach-camera', cameraBrowser);
      const page = device.page;
      await page.evaluate(() => {
        const streams: MediaStream[] = [];
        (window as unknown as { __streams: MediaStream[] }).__streams = streams;
        const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (constraints) => {
          const stream = await original(constraints);
          streams.push(stream);
          return stream;
        };
      });
      const allStopped = () =>
        page.evaluate(() => (window as unknown as { __streams: MediaStream[] }).__streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
      await signIn(page, 'ana');
      await page.getByRole('button', { name: 'Observations', exact: true }).click();
      await page.getByRole('button', { name: 'New Observation' }).click();
      const take = page.getByRole('button', { name: 'Take photo' });
      await take.waitFor();

      await take.click();
      const dialog = page.getByRole('dialog', { name: 'Take photo' });
      await dialog.waitFor();
      await eventually('the preview to play', () => page.evaluate(() => (document.querySelector<HTMLVideoElement>('.camera-preview')?.videoWidth ?? 0) > 0));
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await eventually('the dialog to close', async () => (await dialog.count()) === 0);
      assert.equal(await allStopped(), true, 'Cancel stopped the camera');
      assert.equal(await page.getByTestId('attachment-item').count(), 0, 'Cancel added nothing');

      await take.click();
      await dialog.waitFor();
      await eventually('Capture to be ready', () => dialog.getByRole('button', { name: 'Capture' }).isEnabled());
      await dialog.getByRole('button', { name: 'Capture' }).click();
      await eventually('the captured picture to be added', async () => (await page.getByTestId('attachment-thumbnail').count()) === 1, 20_000);
      assert.match((await page.locator('.attachment-name').first().textContent()) ?? '', /^photo-\d{4}-\d{2}-\d{2}-\d{6}\.jpg$/);
      assert.equal(await allStopped(), true, 'Capture stopped the camera');
      assert.ok(await take.evaluate((el) => el === document.activeElement), 'focus is back on "Take photo"');
    } finally {
      const device = devices.pop();
      await device?.close();
      await cameraBrowser.close();
    }
  });
});
