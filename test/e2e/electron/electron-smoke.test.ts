// Electron smoke test with Playwright's _electron: launch the built app, open an offline profile,
// save a record, quit gracefully. Needs the Electron binary and better-sqlite3 built for
// Electron's ABI; where either is missing it is reported as skipped, with the reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { check } from '../../../scripts/native-abi.js';
import { buildApp } from '../../../scripts/build.js';
import { electronBinary } from '../../../scripts/start.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function skipReason(): string | false {
  const binary = electronBinary();
  if (binary === null) return 'the Electron binary is not installed (node_modules/electron/dist is missing: installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to github.com)';
  const wrong = check('electron').filter((d) => d.action !== 'none');
  if (wrong.length > 0) return `native modules are not built for Electron (${wrong.map((d) => d.reason).join('; ')}); run npm start once`;
  return false;
}

test('Electron: launch, sign in offline, save a record, quit', { skip: skipReason() }, async () => {
  await buildApp();
  const userData = mkdtempSync(join(tmpdir(), 'outpost-electron-'));
  const app = await electron.launch({
    executablePath: electronBinary()!,
    args: [root, `--user-data-dir=${userData}`],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
  try {
    const window = await app.firstWindow();
    const isolated = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined' && typeof (window as unknown as { outpost?: unknown }).outpost === 'object');
    assert.equal(isolated, true, 'the page has the outpost API and no Node');
    await window.getByRole('tab', { name: 'Offline' }).click();
    await window.locator('input[name=username]').fill('smoke');
    await window.getByRole('button', { name: 'Open profile' }).click();
    await window.getByRole('heading', { name: 'Sites' }).waitFor();
    await window.keyboard.press('Control+n');
    await window.locator('#field-name').fill('Electron site');
    await window.locator('#field-name').press('Enter');
    await window.getByRole('row', { name: 'Electron site' }).waitFor();
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
