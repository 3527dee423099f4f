// The browser fallback (`npm run start:browser`): the renderer served by main/browser-host.ts on
// 127.0.0.1 with the core in this process, its API over the local WebSocket, in Debian's
// Chromium. Also: pages from another origin cannot reach the core.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { startBrowserHost } from '../../../main/browser-host.js';
import { buildForTest, CHROMIUM, launchChromium, root } from '../support/desktop-harness.js';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

function handshake(url: string, origin: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

test('browser fallback: the app runs over the local WebSocket and only its own page may connect', { skip }, async () => {
  const build = await buildForTest();
  const userData = mkdtempSync(join(tmpdir(), 'outpost-browser-host-'));
  const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
  const core = createAppCore({ userData, schema, credentials: memoryCredentialStore(), durability: 'NORMAL' });
  const host = await startBrowserHost({ core, distDir: build.dist });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url);
    await page.getByRole('tab', { name: 'Offline' }).click();
    await page.locator('input[name=username]').fill('field');
    await page.getByRole('button', { name: 'Open profile' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.keyboard.press('Control+n');
    await page.locator('#field-name').fill('Browser site');
    await page.locator('#field-name').press('Enter');
    await page.getByRole('row', { name: 'Browser site' }).waitFor();
    assert.deepEqual(
      (await core.services.store().query('Site', {})).map((s) => s.name),
      ['Browser site'],
    );
    assert.deepEqual(errors, []);

    const wsUrl = host.url.replace('http', 'ws') + 'ipc';
    assert.equal(await handshake(wsUrl, host.url.slice(0, -1)), 'open');
    assert.equal(await handshake(wsUrl, 'http://evil.example'), 403);
    const wrongHost = await fetch(host.url.replace('127.0.0.1', 'localhost'));
    assert.equal(wrongHost.status, 421, 'a request for another host name (DNS rebinding) is refused');
  } finally {
    await browser.close();
    await host.close();
    await core.close();
    rmSync(userData, { recursive: true, force: true });
    build.remove();
  }
});
