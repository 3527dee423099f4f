// Auto-update against a generic feed served on 127.0.0.1: electron-updater 6's real AppImageUpdater
// reads app-update.yml (as electron-builder writes it from the `publish` config), fetches
// latest-linux.yml, downloads the AppImage and verifies its sha512, and our startAutoUpdates flow
// decides what to tell the user. Only the HTTP executor's createRequest (electron.net → node:http)
// and Electron's `app` (a TestAppAdapter) are stand-ins; on 'Restart' the AppImage swap itself runs.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import type { InstallOptions } from 'electron-updater/out/BaseUpdater.js';
import { startAutoUpdates, type AutoUpdates, type UpdateChoice, type UpdateLogger, type Updater, type UpdateStatus } from '../../../main/shell/auto-update.js';
import { NOT_PACKAGED_REASON } from '../../../main/shell/update-decisions.js';
import { installFakeElectron } from './fake-electron-module.js';
import { startLocalFeed, type LocalFeed } from './local-feed.js';
import { NodeHttpExecutor } from './node-http-executor.js';
import { TestAppAdapter } from './test-app-adapter.js';

// electron-updater's autoUpdater (what main/index.ts passes) fits startAutoUpdates' Updater.
const autoUpdaterFits: typeof electronUpdater.autoUpdater extends Updater ? true : never = true;
assert.ok(autoUpdaterFits);

const linux = process.platform === 'linux';
const electron = installFakeElectron();

/** The channel file electron-builder writes for this machine's Linux arch (x64 has no suffix). */
const CHANNEL_FILE = `latest-linux${process.arch === 'x64' ? '' : `-${process.arch}`}.yml`;

/** electron-builder's checksum: sha512 of the file, base64 (not hex). */
function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('base64');
}

/** electron-builder's own hashFile (app-builder-lib), which computes the sha512 it writes into latest*.yml. */
const electronBuilderHash = (
  createRequire(createRequire(import.meta.url).resolve('electron-builder'))('app-builder-lib/out/util/hash.js') as {
    hashFile: (file: string) => Promise<string>;
  }
).hashFile;

/** A latest-linux.yml in electron-builder's format for one AppImage. */
function channelFile(version: string, fileName: string, data: Buffer): string {
  const hash = sha512(data);
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${fileName}`,
    `    sha512: ${hash}`,
    `    size: ${data.length}`,
    `path: ${fileName}`,
    `sha512: ${hash}`,
    `releaseDate: '2026-11-30T09:00:00.000Z'`,
    '',
  ].join('\n');
}

/** An "AppImage" that, when the updater runs it after the swap, leaves a marker file. */
function appImage(version: string, marker: string): Buffer {
  const script = `#!/bin/sh\necho "${version}" > "${marker}"\nexit 0\n`;
  return Buffer.concat([Buffer.from(script), randomBytes(256 * 1024)]);
}

/** AppImageUpdater with the Node HTTP executor; doInstall is recorded, then does the real swap. */
class RecordingAppImageUpdater extends electronUpdater.AppImageUpdater {
  declare protected httpExecutor: NodeHttpExecutor;
  readonly installs: InstallOptions[] = [];

  constructor(
    adapter: TestAppAdapter,
    private readonly record: (step: string) => void,
  ) {
    super(null, adapter);
    this.httpExecutor = new NodeHttpExecutor();
  }

  protected override doInstall(options: InstallOptions): boolean {
    this.installs.push(options);
    this.record('doInstall');
    return super.doInstall(options);
  }
}

interface Harness {
  readonly dir: string;
  readonly feed: LocalFeed;
  readonly adapter: TestAppAdapter;
  readonly updater: RecordingAppImageUpdater;
  readonly oldAppImage: string;
  readonly steps: string[];
  readonly questions: string[];
  readonly logs: Array<{ level: keyof UpdateLogger; message: string }>;
  readonly logger: UpdateLogger;
  answer: UpdateChoice;
  start(isPackaged?: boolean): AutoUpdates;
}

let harness: Harness;
let updates: AutoUpdates | undefined;
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-updates-'));
  const feed = await startLocalFeed();
  const steps: string[] = [];
  const record = (step: string): void => {
    steps.push(step);
  };
  const adapter = new TestAppAdapter('1.0.0', dir, feed.url, () => record('app.quit'));
  const oldAppImage = join(dir, 'Outpost-1.0.0.AppImage');
  writeFileSync(oldAppImage, appImage('1.0.0', join(dir, 'ran-1.0.0')), { mode: 0o755 });
  process.env.APPIMAGE = oldAppImage;
  const logs: Harness['logs'] = [];
  const logger: UpdateLogger = {
    info: (message) => logs.push({ level: 'info', message }),
    warn: (message) => logs.push({ level: 'warn', message }),
    error: (message) => logs.push({ level: 'error', message }),
  };
  const updater = new RecordingAppImageUpdater(adapter, record);
  const questions: string[] = [];
  harness = {
    dir,
    feed,
    adapter,
    updater,
    oldAppImage,
    steps,
    questions,
    logs,
    logger,
    answer: 'later',
    start(isPackaged = true) {
      updates = startAutoUpdates({
        updater,
        isPackaged,
        logger,
        firstCheckDelayMs: 0,
        intervalMs: 24 * 60 * 60 * 1000,
        ask: async ({ version }) => {
          questions.push(version);
          record(`ask ${version}`);
          return harness.answer;
        },
        prepareToQuit: async () => {
          record('prepareToQuit started');
          // The shell's shutdown is asynchronous (sync stop, database close): install must wait for it.
          await new Promise((resolve) => setTimeout(resolve, 50));
          record('prepareToQuit done');
        },
        quit: () => record('options.quit'),
      });
      return updates;
    },
  };
  electron.touched.length = 0;
  electron.autoUpdater.removeAllListeners();
  electron.autoUpdater.on('before-quit-for-update', () => record('before-quit-for-update'));
});

afterEach(async () => {
  updates?.stop();
  updates = undefined;
  await harness.feed.close();
  rmSync(harness.dir, { recursive: true, force: true });
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

/** Resolves with the first status (current or later) that `accept` takes; fails after `ms`. */
function statusWhere(handle: AutoUpdates, accept: (status: UpdateStatus) => boolean, ms = 10_000): Promise<UpdateStatus> {
  if (accept(handle.status())) return Promise.resolve(handle.status());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting; status is ${JSON.stringify(handle.status())}`));
    }, ms);
    const off = handle.subscribe((status) => {
      if (!accept(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

function feedPaths(): string[] {
  return harness.feed.requests.map((request) => request.path);
}

test(
  'a newer version: downloaded, sha512 verified, the user asked; Restart shuts down first, then installs',
  { skip: !linux && 'AppImageUpdater runs on Linux' },
  async () => {
    const { feed, dir } = harness;
    const update = appImage('1.1.0', join(dir, 'ran-1.1.0'));
    feed.put(CHANNEL_FILE, channelFile('1.1.0', 'Outpost-1.1.0.AppImage', update));
    feed.put('Outpost-1.1.0.AppImage', update);
    const onDisk = join(dir, 'built-Outpost-1.1.0.AppImage');
    writeFileSync(onDisk, update);
    assert.equal(sha512(update), await electronBuilderHash(onDisk), "the feed's checksum is the one electron-builder writes");
    harness.answer = 'restart';
    const seen: UpdateStatus[] = [];
    const handle = harness.start();
    handle.subscribe((status) => seen.push(status));

    await statusWhere(handle, (status) => status.state === 'installing');
    await until(() => harness.steps.includes('app.quit'));

    assert.deepEqual(
      seen.map((status) => status.state),
      ['checking', 'available', 'downloading', 'ready', 'installing'],
    );
    assert.deepEqual(seen[3], { state: 'ready', version: '1.1.0' });
    assert.deepEqual(harness.questions, ['1.1.0']);
    // The database is closed (prepareToQuit resolved) before electron-updater installs and quits.
    assert.deepEqual(harness.steps, ['ask 1.1.0', 'prepareToQuit started', 'prepareToQuit done', 'doInstall', 'before-quit-for-update', 'app.quit']);
    assert.deepEqual(harness.updater.installs, [{ isSilent: true, isForceRunAfter: true, isAdminRightsRequired: false }]);
    assert.deepEqual(feedPaths(), [`/updates/${CHANNEL_FILE}`, '/updates/Outpost-1.1.0.AppImage']);
    // The AppImage swap: the old file is gone, the verified download sits beside it and was started.
    assert.equal(existsSync(harness.oldAppImage), false);
    assert.deepEqual(readFileSync(join(dir, 'Outpost-1.1.0.AppImage')), update);
    await until(() => existsSync(join(dir, 'ran-1.1.0')));
    assert.equal(readFileSync(join(dir, 'ran-1.1.0'), 'utf8').trim(), '1.1.0');
    // Of Electron, electron-updater touched only autoUpdater (to emit before-quit-for-update).
    assert.deepEqual(electron.touched, ['autoUpdater']);
  },
);

test('the same version: update-not-available, nothing downloaded, the user never asked', { skip: !linux && 'AppImageUpdater runs on Linux' }, async () => {
  const { feed, dir } = harness;
  const current = appImage('1.0.0', join(dir, 'unused'));
  feed.put(CHANNEL_FILE, channelFile('1.0.0', 'Outpost-1.0.0.AppImage', current));
  feed.put('Outpost-1.0.0.AppImage', current);
  const notAvailable = new Promise<string>((resolve) => harness.updater.once('update-not-available', (info) => resolve(info.version)));
  const handle = harness.start();

  assert.equal(await notAvailable, '1.0.0');
  assert.deepEqual(handle.status(), { state: 'idle' });
  assert.deepEqual(harness.questions, []);
  assert.deepEqual(feedPaths(), [`/updates/${CHANNEL_FILE}`]);
});

test(
  'a tampered AppImage: electron-updater reports the sha512 mismatch, the user is never asked, nothing installs',
  { skip: !linux && 'AppImageUpdater runs on Linux' },
  async () => {
    const { feed, dir, adapter } = harness;
    const genuine = appImage('1.1.0', join(dir, 'ran-1.1.0'));
    const tampered = Buffer.from(genuine);
    tampered[tampered.length - 1] ^= 0xff;
    feed.put(CHANNEL_FILE, channelFile('1.1.0', 'Outpost-1.1.0.AppImage', genuine));
    feed.put('Outpost-1.1.0.AppImage', tampered);
    const errors: Array<Error & { code?: string }> = [];
    harness.updater.on('error', (error) => errors.push(error));
    const handle = harness.start();

    const status = await statusWhere(handle, (next) => next.state === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'ERR_CHECKSUM_MISMATCH');
    assert.equal(errors[0].message, `sha512 checksum mismatch, expected ${sha512(genuine)}, got ${sha512(tampered)}`);
    assert.equal(status.error, errors[0].message);
    assert.ok(harness.logs.some((log) => log.level === 'warn' && log.message === `Update check failed: ${errors[0].message}`));
    assert.deepEqual(harness.questions, []);
    // A quit now installs nothing: no verified download, so electron-updater added no install-on-quit.
    adapter.emitQuit(0);
    assert.deepEqual(harness.updater.installs, []);
    assert.equal(existsSync(harness.oldAppImage), true);
    assert.equal(existsSync(join(dir, 'cache', 'outpost-updater', 'pending', 'Outpost-1.1.0.AppImage')), false);
  },
);

for (const broken of [
  {
    name: 'a feed without the channel file (404)',
    error: /^Cannot find channel "latest-linux[^"]*\.yml" update info: HttpError: 404/,
    put: (_feed: LocalFeed) => {},
  },
  {
    name: 'a malformed channel file',
    error: /^Cannot parse update info from latest-linux[^ ]*\.yml/,
    put: (feed: LocalFeed) => feed.put(CHANNEL_FILE, 'version: [1.1.0\nfiles: {\n'),
  },
  {
    // electron-updater throws this one synchronously from downloadUpdate, without an 'error' event.
    name: 'a channel file without a checksum',
    error: /^Update info doesn't contain nor sha256 neither sha512 checksum/,
    put: (feed: LocalFeed) =>
      feed.put(
        CHANNEL_FILE,
        "version: 1.1.0\nfiles:\n  - url: Outpost-1.1.0.AppImage\n    size: 10\npath: Outpost-1.1.0.AppImage\nreleaseDate: '2026-11-30T09:00:00.000Z'\n",
      ),
  },
]) {
  test(`${broken.name}: logged, shown as status, no dialog, no crash`, { skip: !linux && 'AppImageUpdater runs on Linux' }, async () => {
    broken.put(harness.feed);
    const handle = harness.start();

    const status = await statusWhere(handle, (next) => next.state === 'error');
    assert.match(status.error ?? '', broken.error);
    assert.ok(!status.error?.includes('\n'));
    assert.deepEqual(
      harness.logs.filter((log) => log.level === 'warn' && log.message.startsWith('Update check failed: ')).map((log) => log.message),
      [`Update check failed: ${status.error}`],
    );
    assert.deepEqual(harness.questions, []);
    assert.ok(!feedPaths().includes('/updates/Outpost-1.1.0.AppImage'));
    // The next check still runs (an error is not a dead end). The failed download is reported while
    // electron-updater's check is still settling; a check before that would join the old one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = harness.feed.requests.length;
    handle.checkNow();
    await until(() => harness.feed.requests.length > before);
  });
}

test('offline (nothing listening): logged once as an error status, no dialog, no crash', { skip: !linux && 'AppImageUpdater runs on Linux' }, async () => {
  await harness.feed.close();
  const handle = harness.start();
  // electron-updater retries a refused connection three times (0 s, 1 s, 2 s) before it gives up.
  const status = await statusWhere(handle, (next) => next.state === 'error', 15_000);
  assert.match(status.error ?? '', /ECONNREFUSED/);
  assert.deepEqual(harness.questions, []);
});

test('not packaged: no request reaches the feed, and the reason is logged once', async () => {
  const { feed, dir } = harness;
  const update = appImage('1.1.0', join(dir, 'ran-1.1.0'));
  feed.put(CHANNEL_FILE, channelFile('1.1.0', 'Outpost-1.1.0.AppImage', update));
  feed.put('Outpost-1.1.0.AppImage', update);
  const handle = harness.start(false);
  handle.checkNow();
  handle.checkNow();
  await new Promise((resolve) => setTimeout(resolve, 200));

  assert.deepEqual(handle.status(), { state: 'disabled', reason: NOT_PACKAGED_REASON });
  assert.deepEqual(harness.feed.requests, []);
  assert.deepEqual(harness.logs, [{ level: 'info', message: NOT_PACKAGED_REASON }]);
  assert.deepEqual(harness.questions, []);
});

test(
  "'Later': asked once, not again for the same version on the next check; installed by electron-updater when the app quits",
  { skip: !linux && 'AppImageUpdater runs on Linux' },
  async () => {
    const { feed, dir, adapter, updater } = harness;
    const update = appImage('1.1.0', join(dir, 'ran-1.1.0'));
    feed.put(CHANNEL_FILE, channelFile('1.1.0', 'Outpost-1.1.0.AppImage', update));
    feed.put('Outpost-1.1.0.AppImage', update);
    harness.answer = 'later';
    const handle = harness.start();
    await statusWhere(handle, (status) => status.state === 'ready');
    await until(() => harness.logs.some((log) => log.message === 'Update 1.1.0 will be installed when Outpost quits.'));

    const downloadedAgain = new Promise<string>((resolve) => updater.once('update-downloaded', (info) => resolve(info.version)));
    handle.checkNow();
    assert.equal(await downloadedAgain, '1.1.0');
    assert.deepEqual(harness.questions, ['1.1.0']);
    assert.deepEqual(handle.status(), { state: 'ready', version: '1.1.0' });
    // The second round re-validated the cached download (its sha512) instead of fetching it again.
    assert.deepEqual(feedPaths(), [`/updates/${CHANNEL_FILE}`, '/updates/Outpost-1.1.0.AppImage', `/updates/${CHANNEL_FILE}`]);
    assert.equal(updater.autoInstallOnAppQuit, true);
    assert.deepEqual(harness.steps, ['ask 1.1.0']);

    // Electron's app 'quit' (exit code 0): electron-updater installs silently, without relaunching.
    adapter.emitQuit(0);
    assert.deepEqual(updater.installs, [{ isSilent: true, isForceRunAfter: false, isAdminRightsRequired: false }]);
    assert.deepEqual(readFileSync(join(dir, 'Outpost-1.1.0.AppImage')), update);
    assert.equal(existsSync(harness.oldAppImage), false);
  },
);
