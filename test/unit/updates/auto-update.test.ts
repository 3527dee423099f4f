// startAutoUpdates' scheduling and failure handling with a fake updater that has electron-updater's
// AppUpdater method and event names and argument shapes (the real updater against a real feed is in
// test/integration/updates/generic-feed.test.ts): when checks run, what is configured, what stop()
// undoes, and that a failing dialog, shutdown or installer never leaves the app stuck.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_FIRST_CHECK_DELAY_MS,
  startAutoUpdates,
  type AutoUpdateOptions,
  type UpdateLogger,
  type Updater,
  type UpdateStatus,
} from '../../../main/shell/auto-update.js';

const EVENTS = ['checking-for-update', 'update-available', 'update-not-available', 'download-progress', 'update-downloaded', 'error'] as const;

/** AppUpdater's surface: checkForUpdates emits 'checking-for-update' then what `next` says. */
class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  logger: UpdateLogger | null = null;
  checks = 0;
  downloads = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  next: 'none' | 'update' | 'fail' = 'none';
  installFails = false;

  constructor() {
    super();
    // As AppUpdater's constructor: it always listens to its own 'error' (to log it), so an error
    // nobody else listens to is swallowed rather than thrown from emit().
    this.on('error', (error: Error) => this.logger?.error(`Error: ${error.message}`));
  }

  /** Listeners other than the updater's own. */
  listenersFromOutside(event: (typeof EVENTS)[number]): number {
    return this.listenerCount(event) - (event === 'error' ? 1 : 0);
  }

  checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    if (this.next === 'fail') {
      // As AppUpdater.checkForUpdates: the error is emitted and the promise rejects with it.
      const error = new Error('net::ERR_INTERNET_DISCONNECTED');
      this.emit('error', error, error.stack);
      return Promise.reject(error);
    }
    if (this.next === 'update') this.emit('update-available', { version: '1.1.0' });
    else this.emit('update-not-available', { version: '1.0.0' });
    return Promise.resolve({ isUpdateAvailable: this.next === 'update' });
  }

  downloadUpdate(): Promise<unknown> {
    this.downloads++;
    this.emit('download-progress', { percent: 100 });
    this.emit('update-downloaded', { version: '1.1.0', downloadedFile: '/tmp/Outpost-1.1.0.AppImage' });
    return Promise.resolve(['/tmp/Outpost-1.1.0.AppImage']);
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
    // As BaseUpdater.install when there is nothing to install: dispatchError, synchronously.
    if (this.installFails) this.emit('error', new Error("No update filepath provided, can't quit and install"));
  }
}

let updater: FakeUpdater;
let logs: Array<[keyof UpdateLogger, string]>;
let steps: string[];
const logger: UpdateLogger = {
  info: (message) => logs.push(['info', message]),
  warn: (message) => logs.push(['warn', message]),
  error: (message) => logs.push(['error', message]),
};

function start(overrides: Partial<AutoUpdateOptions> = {}) {
  return startAutoUpdates({
    updater,
    isPackaged: true,
    logger,
    ask: async () => {
      steps.push('ask');
      return 'restart';
    },
    prepareToQuit: async () => {
      steps.push('prepareToQuit');
    },
    quit: () => steps.push('quit'),
    ...overrides,
  });
}

/** Lets promise callbacks (ask, prepareToQuit) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(() => {
  updater = new FakeUpdater();
  logs = [];
  steps = [];
});

afterEach(() => mock.timers.reset());

test('the first check comes 10 s after start, then one every 4 hours', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const updates = start();
  mock.timers.tick(DEFAULT_FIRST_CHECK_DELAY_MS - 1);
  assert.equal(updater.checks, 0);
  mock.timers.tick(1);
  assert.equal(updater.checks, 1);
  mock.timers.tick(DEFAULT_CHECK_INTERVAL_MS - 1);
  assert.equal(updater.checks, 1);
  mock.timers.tick(1);
  assert.equal(updater.checks, 2);
  mock.timers.tick(DEFAULT_CHECK_INTERVAL_MS);
  assert.equal(updater.checks, 3);
  assert.equal(DEFAULT_FIRST_CHECK_DELAY_MS, 10_000);
  assert.equal(DEFAULT_CHECK_INTERVAL_MS, 4 * 60 * 60 * 1000);
  updates.stop();
});

test('stop() ends the checks and detaches from the updater', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const updates = start({ firstCheckDelayMs: 5, intervalMs: 100 });
  mock.timers.tick(5);
  assert.equal(updater.checks, 1);
  updates.stop();
  mock.timers.tick(1_000);
  assert.equal(updater.checks, 1);
  for (const event of EVENTS) assert.equal(updater.listenersFromOutside(event), 0, event);
});

test('packaged: our decisions download and ask, electron-updater installs on quit and logs through our logger', () => {
  const updates = start();
  assert.equal(updater.autoDownload, false);
  assert.equal(updater.autoInstallOnAppQuit, true);
  assert.equal(updater.logger, logger);
  for (const event of EVENTS) assert.equal(updater.listenersFromOutside(event), 1, event);
  updates.stop();
});

test('not packaged: the updater is left alone and never checks, whatever asks', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const updates = start({ isPackaged: false });
  mock.timers.tick(DEFAULT_CHECK_INTERVAL_MS * 3);
  updates.checkNow();
  assert.equal(updater.checks, 0);
  assert.equal(updater.autoDownload, true);
  assert.equal(updater.logger, null);
  for (const event of EVENTS) assert.equal(updater.listenersFromOutside(event), 0, event);
  assert.equal(updates.status().state, 'disabled');
  assert.equal(logs.length, 1);
});

test('a factory for the updater is called only in a packaged app, and one that throws leaves the app running with the error shown', () => {
  let made = 0;
  const dev = start({ isPackaged: false, updater: () => (made++, updater) });
  assert.equal(made, 0, 'a development run never builds the updater (electron-updater reads app-update.yml)');
  dev.stop();
  const broken = start({
    updater: () => {
      throw new Error('ENOENT: app-update.yml');
    },
  });
  assert.equal(broken.status().state, 'error');
  assert.match(broken.status().error ?? '', /app-update\.yml/);
  assert.ok(
    logs.some(([level, message]) => level === 'warn' && message.includes('app-update.yml')),
    'logged',
  );
  broken.stop();
  const packaged = start({ updater: () => (made++, updater) });
  assert.equal(made, 1);
  for (const event of EVENTS) assert.equal(updater.listenersFromOutside(event), 1, event);
  packaged.stop();
});

test('subscribers see each new status until they unsubscribe', () => {
  updater.next = 'none';
  const updates = start({ ask: () => new Promise(() => {}) });
  const seen: UpdateStatus[] = [];
  const off = updates.subscribe((status) => seen.push(status));
  updates.checkNow();
  assert.deepEqual(seen, [{ state: 'checking' }, { state: 'idle' }]);
  off();
  updater.next = 'update';
  updates.checkNow();
  assert.equal(seen.length, 2);
  assert.deepEqual(updates.status(), { state: 'ready', version: '1.1.0' });
  updates.stop();
});

test('a failed check is logged once (its event and its rejection are one failure)', async () => {
  updater.next = 'fail';
  const updates = start();
  updates.checkNow();
  await settle();
  // Ours, once (the updater's own 'error' listener logs its 'Error: …' line beside it).
  assert.deepEqual(
    logs.filter(([level]) => level === 'warn'),
    [['warn', 'Update check failed: net::ERR_INTERNET_DISCONNECTED']],
  );
  assert.deepEqual(updates.status(), { state: 'error', error: 'net::ERR_INTERNET_DISCONNECTED' });
  updates.stop();
});

test('a dialog that fails counts as Later: nothing restarts, the update installs on quit', async () => {
  updater.next = 'update';
  const updates = start({ ask: () => Promise.reject(new Error('no window')) });
  updates.checkNow();
  await settle();
  assert.deepEqual(updater.installs, []);
  assert.deepEqual(updates.status(), { state: 'ready', version: '1.1.0' });
  assert.ok(logs.some(([level, message]) => level === 'warn' && message.startsWith('Could not ask about update 1.1.0: no window')));
  updates.stop();
});

test('Restart: quitAndInstall(silent, relaunch) only after prepareToQuit has resolved', async () => {
  updater.next = 'update';
  let finishShutdown = (): void => {};
  const updates = start({
    prepareToQuit: () =>
      new Promise<void>((resolve) => {
        steps.push('prepareToQuit started');
        finishShutdown = resolve;
      }),
  });
  updates.checkNow();
  await settle();
  assert.deepEqual(steps, ['ask', 'prepareToQuit started']);
  assert.deepEqual(updater.installs, []);
  finishShutdown();
  await settle();
  assert.deepEqual(updater.installs, [[true, true]]);
  assert.deepEqual(updates.status(), { state: 'installing', version: '1.1.0' });
  updates.stop();
});

test('a shutdown that fails still installs (the app has stopped either way)', async () => {
  updater.next = 'update';
  const updates = start({ prepareToQuit: () => Promise.reject(new Error('database close timed out after 5000 ms')) });
  updates.checkNow();
  await settle();
  await settle();
  assert.deepEqual(updater.installs, [[true, true]]);
  assert.ok(logs.some(([, message]) => message === 'Shutdown before installing the update failed: database close timed out after 5000 ms'));
  updates.stop();
});

test('an installer that cannot start after shutdown: the app quits instead of staying open on a closed database', async () => {
  updater.next = 'update';
  updater.installFails = true;
  // The shell stops updates as its shutdown begins (prepareToQuit is that shutdown).
  const updates = start({
    prepareToQuit: async () => {
      steps.push('prepareToQuit');
      updates.stop();
    },
  });
  updates.checkNow();
  await settle();
  await settle();
  assert.deepEqual(steps, ['ask', 'prepareToQuit', 'quit']);
  assert.equal(updates.status().state, 'error');
  updates.stop();
});
