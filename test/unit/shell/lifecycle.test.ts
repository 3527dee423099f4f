// The main process's life (main/shell/lifecycle.ts) over the faithful electron fake and the real app
// core (SQLite in a temp folder, offline profiles): start-up failures end in a dialog and exit code
// 1 with the lock released; the window loads app://outpost/index.html through the scheme handler;
// a crashed renderer is reloaded and its subscriptions dropped, repeated crashes are shown; quitting
// waits for a clean close but never past the deadline; macOS and second-instance conventions; no
// DevTools or Reload in a packaged build.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { wireChannel } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Schema } from '../../../common/schema/types.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import type { IpcHandlers } from '../../../main/ipc/handlers.js';
import { menuRoles } from '../../../main/shell/app-menu.js';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES } from '../../../main/shell/app-origin.js';
import { runShell, type ShellCore, type ShellOptions } from '../../../main/shell/lifecycle.js';
import { FakeElectron, FakeEvent, FakeFrame, type FakeElectronOptions } from '../../support/fake-electron.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schemaFile = join(root, 'schema/schema.graphql');
const realSchema = parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `outpost-shell-${name}-`));
  dirs.push(dir);
  return dir;
}

/** A dist folder with the page the window loads. */
function distWithPage(): string {
  const dist = tempDir('dist');
  mkdirSync(join(dist, 'renderer'), { recursive: true });
  writeFileSync(join(dist, 'renderer', 'index.html'), '<!doctype html><title>Outpost</title>');
  return dist;
}

async function until(what: string, condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface Harness {
  readonly electron: FakeElectron;
  readonly shell: ReturnType<typeof runShell>;
  readonly logs: string[];
  readonly closes: () => number;
  readonly handlers: () => IpcHandlers;
}

/** Runs the shell on a fresh fake with the real core; `core` wraps or replaces it. */
function start(
  options: {
    readonly fake?: FakeElectronOptions;
    readonly shell?: Partial<ShellOptions>;
    readonly core?: (real: ShellCore) => ShellCore;
    readonly prepare?: (electron: FakeElectron) => void;
    readonly ready?: boolean;
  } = {},
): Harness {
  const electron = new FakeElectron({ userData: tempDir('userData'), ...options.fake });
  options.prepare?.(electron);
  const logs: string[] = [];
  let closes = 0;
  let handlers: IpcHandlers | null = null;
  const shell = runShell(electron, {
    distRoot: distWithPage(),
    loadSchema: () => realSchema,
    createCore: ({ userData, schema }: { userData: string; schema: Schema }) => {
      const core = createAppCore({ userData, schema, credentials: memoryCredentialStore(), durability: 'NORMAL' });
      const counted: ShellCore = {
        attach: (host) => (handlers = core.attach(host)),
        restore: () => core.restore(),
        close: () => (closes++, core.close()),
      };
      return options.core ? options.core(counted) : counted;
    },
    platform: 'linux',
    log: { debug: () => undefined, info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
    ...options.shell,
  });
  if (options.ready !== false) electron.app.becomeReady();
  return {
    electron,
    shell,
    logs,
    closes: () => closes,
    handlers: () => {
      assert.ok(handlers, 'the core was attached');
      return handlers;
    },
  };
}

async function startFailure(h: Harness): Promise<{ title: string; content: string }> {
  assert.equal(await h.shell.started, false);
  await until('exit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 1, 'non-zero exit');
  assert.equal(h.electron.app.lockHeld, false, 'single-instance lock released for the next launch');
  assert.equal(h.electron.dialog.errorBoxes.length, 1, 'one error dialog');
  assert.deepEqual(h.electron.timeline.slice(-2), ['errorBox:Outpost could not start', 'exit:1'], 'dialog before exit');
  return h.electron.dialog.errorBoxes[0];
}

test('start: scheme registered before ready, window at app://outpost/index.html served by the handler, IPC answers its main frame only', async () => {
  const h = start({ ready: false });
  assert.deepEqual(h.electron.protocol.privileged, [{ scheme: 'app', privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  assert.deepEqual(APP_SCHEME_PRIVILEGES, { standard: true, secure: true, supportFetchAPI: true });
  h.electron.app.becomeReady();
  assert.equal(await h.shell.started, true);
  const [window] = h.electron.windows;
  assert.equal(h.electron.windows.length, 1);
  assert.equal(window.webContents.getURL(), APP_INDEX_URL);
  assert.equal(window.webContents.lastResponse?.status, 200);
  assert.match(window.webContents.lastResponse?.csp ?? '', /default-src 'none'/);
  assert.equal(window.visible, true, 'shown once ready');
  const prefs = window.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.devTools, true, 'DevTools in a development run');
  assert.ok(prefs.preload?.endsWith(join('preload', 'index.cjs')));
  assert.deepEqual(window.webContents.windowOpenHandler?.(), { action: 'deny' });

  assert.deepEqual(await h.electron.ipcMain.invoke(window.webContents, wireChannel('currentUser'), {}), { ok: true, value: null });
  const fromFile = (await h.electron.ipcMain.invoke(window.webContents, wireChannel('currentUser'), {}, new FakeFrame('file:///tmp/index.html'))) as {
    ok: boolean;
    error: { code: string };
  };
  assert.equal(fromFile.ok, false);
  assert.equal(fromFile.error.code, 'Unauthorized');
  assert.ok(h.electron.session.defaultSession.checkHandler, 'a permission check handler is installed');
  assert.equal(h.electron.session.defaultSession.checkPermission(window.webContents, 'notifications', 'app://outpost/', { isMainFrame: true }), false);
  assert.equal(h.electron.session.defaultSession.checkPermission(window.webContents, 'geolocation', 'app://outpost/', { isMainFrame: true }), true);
  assert.ok(menuRoles(h.electron.applicationMenu?.template ?? []).includes('toggleDevTools'), 'development menu keeps DevTools');

  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 0);
  assert.equal(h.closes(), 1, 'the core closed once');
});

test('packaged: no Reload, Force Reload or DevTools in the menu, devTools off in the window', async () => {
  const h = start({ fake: { isPackaged: true } });
  assert.equal(await h.shell.started, true);
  const roles = menuRoles(h.electron.applicationMenu?.template ?? []);
  for (const role of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu']) assert.ok(!roles.includes(role), `packaged menu has ${role}`);
  assert.ok(roles.includes('editMenu'), 'copy and paste shortcuts stay');
  assert.equal(h.electron.windows[0].options.webPreferences.devTools, false);
  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
});

test('start failure: a throw while reading the schema → dialog naming it, exit code 1, lock released', async () => {
  const h = start({
    shell: {
      loadSchema: () => {
        throw new Error('schema.graphql:3:1 Syntax Error: Unexpected Name "tpye"');
      },
    },
  });
  const box = await startFailure(h);
  assert.match(box.content, /^Reading the app schema failed:/);
  assert.match(box.content, /Unexpected Name "tpye"/);
  assert.equal(h.electron.windows.length, 0);
});

test('start failure: the core cannot be created → dialog naming it, exit code 1', async () => {
  const h = start({
    shell: {
      createCore: () => {
        throw new Error('EACCES: permission denied, mkdir /userData/profiles');
      },
    },
  });
  const box = await startFailure(h);
  assert.match(box.content, /^Opening the app data failed:/);
  assert.match(box.content, /EACCES/);
});

test('start failure: the page is missing from the build → dialog naming the file', async () => {
  const dist = tempDir('empty-dist');
  const h = start({ shell: { distRoot: dist } });
  const box = await startFailure(h);
  assert.match(box.content, /^Finding the app page failed:/);
  assert.ok(box.content.includes(join(dist, 'renderer', 'index.html')));
});

test('start failure: a rejected loadURL → dialog, the core closed cleanly, exit code 1', async () => {
  const h = start({ prepare: (electron) => (electron.loadFailure = { errorCode: -6, errorDescription: 'ERR_FILE_NOT_FOUND' }) });
  const box = await startFailure(h);
  assert.match(box.content, /^Loading the window failed:/);
  assert.match(box.content, /ERR_FILE_NOT_FOUND \(-6\)/);
  assert.equal(h.closes(), 1, 'the database was closed before exiting');
  assert.equal(h.electron.windows[0].visible, false);
});

test('start failure: did-fail-load on the main frame while loadURL hangs → dialog, exit code 1', async () => {
  const h = start({ prepare: (electron) => (electron.hangLoads = true) });
  await until('the window', () => h.electron.windows.length === 1);
  const contents = h.electron.windows[0].webContents;
  contents.emit('did-fail-load', new FakeEvent(), -105, 'ERR_NAME_NOT_RESOLVED', APP_INDEX_URL, true, 1, 1);
  const box = await startFailure(h);
  assert.match(box.content, /ERR_NAME_NOT_RESOLVED/);
});

test('start failure: the failure path never leaves a live process (dialog throws) → still exit code 1', async () => {
  const h = start({
    shell: {
      loadSchema: () => {
        throw new Error('bad schema');
      },
    },
    prepare: (electron) => {
      electron.dialog.showErrorBox = () => {
        throw new Error('no display');
      };
    },
  });
  assert.equal(await h.shell.started, false);
  await until('exit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 1);
  assert.equal(h.electron.app.lockHeld, false);
});

test('a failure in what runs after start (the update checks) is logged and never takes the window away', async () => {
  const h = start({
    shell: {
      onStarted: () => {
        throw new Error('Electron failed to install correctly');
      },
    },
  });
  assert.equal(await h.shell.started, true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(h.electron.app.exitCode, null, 'still running');
  assert.equal(h.electron.dialog.errorBoxes.length, 0);
  assert.equal(h.electron.windows[0].visible, true);
  assert.ok(
    h.logs.some((line) => line.startsWith('error after start-up: Electron failed to install correctly')),
    h.logs.join('\n'),
  );
  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
});

test('a second instance quits at once and opens nothing', async () => {
  const h = start({ fake: { anotherInstanceRunning: true } });
  assert.equal(await h.shell.started, false);
  assert.equal(h.electron.app.quitCalls, 1);
  assert.equal(h.electron.windows.length, 0);
  assert.equal(h.electron.protocolHandlers.size, 0);
});

test('renderer crash: reloaded, the crashed page’s subscriptions dropped; repeated crashes → a dialog; Quit closes cleanly', async () => {
  const h = start({ shell: { crashPolicy: { maxReloads: 2, windowMs: 60_000 } } });
  assert.equal(await h.shell.started, true);
  const contents = h.electron.windows[0].webContents;
  const invoke = (channel: Parameters<typeof wireChannel>[0], payload: unknown) => h.electron.ipcMain.invoke(contents, wireChannel(channel), payload);
  assert.equal(((await invoke('signIn', { mode: 'offline', username: 'field' })) as { ok: boolean }).ok, true);
  assert.equal(((await invoke('observe', { model: 'Site' })) as { ok: boolean }).ok, true);
  assert.equal(((await invoke('observe', {})) as { ok: boolean }).ok, true);
  const id = `wc-${contents.id}`;
  assert.deepEqual(h.handlers().subscriptionCounts(), { [id]: 2 });

  contents.crash('crashed');
  assert.deepEqual(h.handlers().subscriptionCounts(), {}, 'subscriptions of the crashed page are gone');
  assert.equal(contents.reloads, 1);
  await until('reloaded', () => contents.getURL() === APP_INDEX_URL);

  // The reloaded page subscribes again; the second crash cleans those too.
  assert.equal(((await invoke('observe', { model: 'Site' })) as { ok: boolean }).ok, true);
  assert.deepEqual(h.handlers().subscriptionCounts(), { [id]: 1 });
  contents.crash('oom');
  assert.deepEqual(h.handlers().subscriptionCounts(), {});
  assert.equal(contents.reloads, 2);
  assert.equal(contents.listenerCount('destroyed'), 1, 'one destroyed listener, however often the page reloads');

  h.electron.dialog.answer = () => 1; // Quit
  contents.crash('crashed');
  assert.equal(contents.reloads, 2, 'no third reload');
  await until('the dialog', () => h.electron.dialog.messageBoxes.length === 1);
  const box = h.electron.dialog.messageBoxes[0];
  assert.equal(box.type, 'error');
  assert.deepEqual(box.buttons, ['Reload', 'Quit']);
  assert.match(box.detail ?? '', /3 times within 60 s/);
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 0);
  assert.equal(h.closes(), 1);
});

test('repeated crashes → Reload in the dialog starts over', async () => {
  const h = start({ shell: { crashPolicy: { maxReloads: 1, windowMs: 60_000 } } });
  assert.equal(await h.shell.started, true);
  const contents = h.electron.windows[0].webContents;
  contents.crash('crashed');
  contents.crash('crashed');
  await until('the dialog', () => h.electron.dialog.messageBoxes.length === 1);
  await until('reload from the dialog', () => contents.reloads === 2);
  contents.crash('crashed');
  assert.equal(contents.reloads, 3, 'the budget started over');
  assert.equal(h.electron.app.exitCode, null);
  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
});

test('after start, a failed main-frame load shows the window and a dialog instead of an invisible window', async () => {
  const h = start();
  assert.equal(await h.shell.started, true);
  const window = h.electron.windows[0];
  window.visible = false;
  h.electron.dialog.answer = () => 1;
  window.webContents.emit('did-fail-load', new FakeEvent(), -6, 'ERR_FILE_NOT_FOUND', APP_INDEX_URL, true, 1, 1);
  await until('the dialog', () => h.electron.dialog.messageBoxes.length === 1);
  assert.equal(window.visible, true);
  assert.match(h.electron.dialog.messageBoxes[0].detail ?? '', /could not load app:\/\/outpost\/index.html: ERR_FILE_NOT_FOUND/);
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 0);
});

test('quit waits for the clean close but not past the deadline', async () => {
  const h = start({ shell: { shutdownDeadlineMs: 50 }, core: (real) => ({ ...real, close: () => new Promise<void>(() => undefined) }) });
  assert.equal(await h.shell.started, true);
  const began = Date.now();
  h.electron.app.quit();
  assert.equal(h.electron.app.exitCode, null, 'the quit is held for the close');
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.ok(Date.now() - began >= 45);
  assert.equal(h.electron.app.exitCode, 0);
  assert.ok(
    h.logs.some((line) => /did not finish within 50 ms/.test(line)),
    h.logs.join('\n'),
  );
});

test('prepareToQuit (the updater) closes once; the quit that follows does not wait again', async () => {
  const h = start();
  assert.equal(await h.shell.started, true);
  assert.equal(await h.shell.prepareToQuit(), 'closed');
  assert.equal(h.electron.app.exitCode, null, 'prepareToQuit does not quit');
  h.electron.app.quit();
  assert.equal(h.electron.app.exitCode, 0, 'quit goes through at once');
  assert.equal(h.closes(), 1);
});

test('session-end (Windows logoff): the core is closed and the app exits', async () => {
  const h = start();
  assert.equal(await h.shell.started, true);
  h.electron.windows[0].emit('session-end', Object.assign(new FakeEvent(), { reasons: ['logoff'] }));
  await until('exit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 0);
  assert.equal(h.closes(), 1);
});

test('Windows/Linux: closing the last window quits (after the clean close)', async () => {
  const h = start({ shell: { platform: 'win32' } });
  assert.equal(await h.shell.started, true);
  h.electron.windows[0].close();
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.equal(h.electron.app.exitCode, 0);
  assert.equal(h.closes(), 1);
});

test('macOS: closing the last window keeps the app running; activate opens a new window', async () => {
  const h = start({ shell: { platform: 'darwin' } });
  assert.equal(await h.shell.started, true);
  assert.equal(h.electron.applicationMenu?.template[0].role, 'appMenu');
  h.electron.windows[0].close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(h.electron.app.quitCalls, 0);
  assert.equal(h.electron.app.exitCode, null);
  assert.equal(h.shell.mainWindow(), null);
  h.electron.app.emit('activate', new FakeEvent(), false);
  await until('a new window', () => h.electron.windows.length === 2 && h.electron.windows[1].webContents.getURL() === APP_INDEX_URL);
  const reopened = h.electron.windows[1];
  assert.equal(h.shell.mainWindow(), reopened);
  // The new window is the trusted one now.
  assert.equal(((await h.electron.ipcMain.invoke(reopened.webContents, wireChannel('currentUser'), {})) as { ok: boolean }).ok, true);
  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
  assert.equal(h.closes(), 1);
});

test('second instance: the existing window is restored, shown and focused; none → a new one', async () => {
  const h = start({ shell: { platform: 'darwin' } });
  assert.equal(await h.shell.started, true);
  const window = h.electron.windows[0];
  window.minimize();
  h.electron.app.emit('second-instance', new FakeEvent(), ['outpost'], '/', {});
  assert.equal(window.isMinimized(), false);
  assert.equal(window.visible, true);
  assert.equal(window.focusCount, 1);
  window.close();
  h.electron.app.emit('second-instance', new FakeEvent(), ['outpost'], '/', {});
  await until('a new window', () => h.electron.openWindows().length === 1);
  h.electron.app.quit();
  await until('quit', () => h.electron.app.exitCode !== null);
});
