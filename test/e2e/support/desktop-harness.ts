// What the desktop e2e tests stand on: the built renderer served on 127.0.0.1, Debian's Chromium
// through playwright-core (never a downloaded browser), and "devices" — each a real main-process
// core (own userData, real SQLite, real sync worker) whose API reaches the page through
// createApi over a Playwright binding, exactly as the preload would over ipcRenderer.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Schema } from '../../../common/schema/types.js';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../../main/app-core.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { syncWorkerPortFactory } from '../../../main/sync-worker-binding.js';
import { buildApp } from '../../../scripts/build.js';
import { createApi, type OutpostApi } from '../../../preload/create-api.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/content-security-policy.js';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const resultsDir = join(root, 'test-results');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** A private build of the renderer and bridges for one test file (parallel files never share dist/). */
export async function buildForTest(): Promise<{ dist: string; remove(): void }> {
  const dist = mkdtempSync(join(tmpdir(), 'outpost-e2e-dist-'));
  await buildApp(['renderer', 'bridge'], dist);
  return { dist, remove: () => rmSync(dist, { recursive: true, force: true }) };
}

/** Serves `<dist>/renderer` on 127.0.0.1 (an ES-module page cannot load from file:// in Chromium). */
export async function serveRenderer(dist: string): Promise<{ url: string; dist: string; close(): Promise<void> }> {
  const base = join(dist, 'renderer');
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(base, path === '/' ? 'index.html' : path);
    if (!file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    dist,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Launches Debian's Chromium headless with the flags that keep it off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Device {
  readonly name: string;
  /** The core's userData folder (profiles/ under it). */
  readonly userData: string;
  /** The core now serving the page (a new one after `restart`). */
  readonly core: AppCore;
  readonly page: Page;
  /** Every event pushed to the page, in order (wire channel, payload). */
  readonly events: Array<{ readonly wire: string; readonly payload: unknown }>;
  /**
   * Simulates quitting and starting the app again: the core is closed, a new core opens the same
   * userData (same credentials) and restores the last profile, and the page reloads.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Fast retries so a test does not wait minutes for a restarted server. */
export const TEST_SYNC_TUNING = { backoff: { baseMs: 50, jitterMs: 20, maxDelayMs: 1000 } } as const;

function tempUserData(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `outpost-e2e-${name}-`));
  return dir;
}

/** A device with a UI: a core in this process and a page showing the built renderer. */
export async function openDevice(
  browser: Browser,
  web: { url: string; dist: string },
  name: string,
  schema: Schema,
  credentials: CredentialStore = memoryCredentialStore(),
  /** Sync worker options on top of TEST_SYNC_TUNING (e.g. a small `maxRecordsToSync`). */
  tuning: Parameters<typeof syncWorkerPortFactory>[0] = {},
  /** More of the core's options (e.g. the form hints main loads beside the schema). */
  coreOptions: Pick<AppCoreOptions, 'formHints' | 'dataKeys' | 'oidcHost'> = {},
): Promise<Device> {
  const userData = tempUserData(name);
  const newCore = () =>
    createAppCore({
      ...coreOptions,
      userData,
      schema,
      credentials,
      durability: 'NORMAL',
      createSync: syncWorkerPortFactory({ ...TEST_SYNC_TUNING, ...tuning }),
      // The core passes each profile's setting to the factory: a tuned cap is the profiles' default.
      ...(tuning.maxRecordsToSync === undefined ? {} : { maxRecordsToSync: tuning.maxRecordsToSync }),
      syncFirstTimeoutMs: 10_000,
    });
  let core = newCore();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const events: Device['events'] = [];
  const deliver = (wire: string, payload: unknown) => {
    events.push({ wire, payload });
    void page
      .evaluate(([w, p]) => (window as unknown as { __outpostDeliver?: (w: string, p: unknown) => void }).__outpostDeliver?.(w, p), [wire, payload] as const)
      .catch(() => undefined);
  };
  const connect = (c: AppCore) => {
    const bridge = createInProcessBridge();
    c.attach(bridge.host);
    return bridge.connect(deliver);
  };
  let connection = connect(core);
  // Through `connection` as it is at each call: a restart swaps it under the same binding.
  await page.exposeBinding('__outpostInvoke', (_source, channel: string, payload: unknown) => connection.transport.invoke(channel, payload));
  await page.addInitScript({ path: join(web.dist, 'bridge', 'binding-bridge.js') });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(web.url);
  return {
    name,
    userData,
    get core() {
      return core;
    },
    page,
    events,
    async restart() {
      connection.close();
      await core.close();
      core = newCore();
      connection = connect(core);
      await core.restore();
      await page.reload();
    },
    async close() {
      connection.close();
      await context.close();
      await core.close();
      rmSync(userData, { recursive: true, force: true });
      if (pageErrors.length > 0) throw new Error(`${name}: errors in the page: ${pageErrors.join('; ')}`);
    },
  };
}

/** A second "device" without UI: the same core, driven through createApi directly. */
export function headlessDevice(name: string, schema: Schema): { core: AppCore; api: OutpostApi; close(): Promise<void> } {
  const userData = tempUserData(name);
  const core = createAppCore({
    userData,
    schema,
    credentials: memoryCredentialStore(),
    durability: 'NORMAL',
    createSync: syncWorkerPortFactory(TEST_SYNC_TUNING),
  });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const api = createApi(bridge.connect().transport);
  return {
    core,
    api,
    async close() {
      await core.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** Writes a screenshot to test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `${name}.png`) });
}

/** Polls `check` every 100 ms until it returns true; fails after `timeoutMs` (default 20 s) saying `what`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
