// Electron smoke test with Playwright's _electron: launch the built app, open an offline profile,
// save a record, quit; relaunch with the same user-data folder and find the record; start a
// second instance and see it exit while the first window comes to the front. It runs under
// `npm test` wherever the Electron binary, a display and better-sqlite3's Electron build
// (node_modules/.outpost-native, made by `npm start`) exist — `pretest` only checks the Node build
// beside it — and is reported as skipped, with the reason, elsewhere. It looks only at what a
// user sees (roles and labels), not at how the window is loaded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { buildApp } from '../../../scripts/build.js';
import { check, electronBuildPath } from '../../../scripts/native-abi.js';
import { electronBinary } from '../../../scripts/start.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function skipReason(): string | false {
  if (electronBinary() === null)
    return 'no Electron binary in node_modules/electron/dist (it was not downloaded: ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to github.com)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display for Electron (DISPLAY and WAYLAND_DISPLAY are unset; run under xvfb-run)';
  const sqlite = check('electron').find((d) => d.module === 'better-sqlite3');
  if (sqlite !== undefined && sqlite.action !== 'none')
    return `better-sqlite3 has no Electron build at ${electronBuildPath()} (${sqlite.reason}); run npm start once with network access to electronjs.org`;
  return false;
}

function launch(userData: string): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: electronBinary()!,
    args: [root, `--user-data-dir=${userData}`],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
}

/** Opens the offline profile `name`: the app may reopen it by itself, or show the sign-in form. */
async function openOfflineProfile(window: Page, name: string): Promise<void> {
  const sites = window.getByRole('heading', { name: 'Sites' });
  const signIn = window.getByRole('form', { name: 'Sign in' });
  await sites.or(signIn).first().waitFor();
  if (await sites.isVisible()) return;
  await window.getByRole('tab', { name: 'Offline' }).click();
  await window.getByLabel('Profile name').fill(name);
  await window.getByRole('button', { name: 'Open profile' }).click();
  await sites.waitFor();
}

async function poll(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(
  'Electron: sign in offline, save, quit; relaunch keeps the record; a second instance focuses the first',
  { skip: skipReason(), timeout: 180_000 },
  async () => {
    await buildApp();
    const userData = mkdtempSync(join(tmpdir(), 'outpost electron '));
    try {
      const first = await launch(userData);
      try {
        const window = await first.firstWindow();
        const isolated = await window.evaluate(
          () =>
            typeof (globalThis as { require?: unknown }).require === 'undefined' && typeof (window as unknown as { outpost?: unknown }).outpost === 'object',
        );
        assert.equal(isolated, true, 'the page has the outpost API and no Node');
        await openOfflineProfile(window, 'smoke');
        await window.keyboard.press('Control+n');
        const name = window.getByLabel(/^Name( \*)?$/);
        await name.fill('Electron site');
        await name.press('Enter');
        await window.getByRole('row', { name: 'Electron site' }).waitFor();
      } finally {
        await first.close();
      }

      const again = await launch(userData);
      try {
        const window = await again.firstWindow();
        await openOfflineProfile(window, 'smoke');
        await window.getByRole('row', { name: 'Electron site' }).waitFor();

        // Minimised, so bringing it back is visible even where the window manager keeps focus loosely.
        await again.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].minimize());
        await poll('the window is minimised', () => again.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].isMinimized()));
        const second = spawn(electronBinary()!, [root, `--user-data-dir=${userData}`], { stdio: 'ignore' });
        const exit = await new Promise<number | null>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the second instance did not exit')), 30_000);
          second.on('exit', (code) => {
            clearTimeout(timer);
            resolve(code);
          });
        });
        assert.equal(exit, 0, 'the second instance hands over and exits cleanly');
        await poll('the first window is restored and focused', () =>
          again.evaluate(({ BrowserWindow }) => {
            const [only] = BrowserWindow.getAllWindows();
            return !only.isMinimized() && only.isVisible() && only.isFocused();
          }),
        );
        assert.equal(await again.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1, 'no second window');
      } finally {
        await again.close();
      }
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  },
);
