// The BUILT main process (scripts/build.ts's bundle, what the packaged app runs) started in a child
// Node process whose `electron` import a module-resolution hook maps to the faithful fake: it
// registers the app:// scheme before ready, serves the built renderer through it (every asset the
// page references resolves under app://outpost/ with the CSP header), opens the window at
// app://outpost/index.html, answers IPC from that window's main frame and refuses a file:// frame,
// and quits cleanly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { buildApp } from '../../../scripts/build.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'outpost-built-main-'));
const dist = join(work, 'dist');
after(() => rmSync(work, { recursive: true, force: true }));

before(async () => {
  await buildApp(['main', 'preload', 'renderer', 'bridge'], dist);
  // As in the app (package.json beside dist/): dist/main/index.js is an ES module.
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
});

// Maps `electron` to the fake; bare imports from the bundle (better-sqlite3, keytar, …) resolve
// from the checkout's node_modules, as they would from the packaged app's.
const HOOKS = `
const fake = ${JSON.stringify(pathToFileURL(join(work, 'electron.mjs')).href)};
const checkout = ${JSON.stringify(pathToFileURL(join(root, 'package.json')).href)};
const dist = ${JSON.stringify(pathToFileURL(dist).href)};
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: fake, shortCircuit: true };
  const bare = !/^(\\.|\\/|node:|file:|data:)/.test(specifier);
  if (bare && context.parentURL?.startsWith(dist)) return next(specifier, { ...context, parentURL: checkout });
  return next(specifier, context);
}
`;

const FAKE_MODULE = `
import { FakeElectron } from ${JSON.stringify(pathToFileURL(join(root, 'test/support/fake-electron.ts')).href)};
export const fake = new FakeElectron({ userData: process.env.OUTPOST_TEST_USER_DATA, readyWhenAsked: true });
export const { app, ipcMain, dialog, protocol, Menu } = fake;
export const BrowserWindow = fake.BrowserWindow;
export const session = fake.session;
export default fake;
`;

const CHILD = `
import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(join(work, 'hooks.mjs')).href)});
const { fake } = await import(${JSON.stringify(pathToFileURL(join(work, 'electron.mjs')).href)});
await import(${JSON.stringify(pathToFileURL(join(dist, 'main', 'index.js')).href)});
const until = async (what, condition) => {
  const deadline = Date.now() + 20000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
await until('the window to load', () => fake.windows[0]?.webContents.getURL() === 'app://outpost/index.html' && fake.windows[0].visible);
const contents = fake.windows[0].webContents;
const handler = fake.protocolHandlers.get('app');
const page = contents.lastResponse;
const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((ref) => !ref.startsWith('data:'));
const served = [];
for (const ref of assets) {
  const url = new URL(ref, 'app://outpost/index.html').href;
  const response = await handler(new Request(url));
  served.push({ ref, url, status: response.status, type: response.headers.get('content-type'), csp: response.headers.get('content-security-policy') !== null });
}
const { FakeFrame } = await import(${JSON.stringify(pathToFileURL(join(root, 'test/support/fake-electron.ts')).href)});
const result = {
  privileged: fake.protocol.privileged,
  windows: fake.windows.length,
  url: contents.getURL(),
  status: page.status,
  csp: page.csp,
  assets: served,
  preload: fake.windows[0].options.webPreferences.preload,
  currentUser: await fake.ipcMain.invoke(contents, 'outpost:currentUser', {}),
  fromFile: await fake.ipcMain.invoke(contents, 'outpost:currentUser', {}, new FakeFrame('file:///tmp/index.html')),
  // Without a keychain the profile's data key comes from a passphrase: asked for first, then given.
  askedPassphrase: await fake.ipcMain.invoke(contents, 'outpost:signIn', { mode: 'offline', username: 'field' }),
  signIn: await fake.ipcMain.invoke(contents, 'outpost:signIn', { mode: 'offline', username: 'field', passphrase: 'built main passphrase' }),
  errorBoxes: fake.dialog.errorBoxes,
};
fake.app.quit();
await until('the quit', () => fake.app.exitCode !== null);
result.exitCode = fake.app.exitCode;
console.log('RESULT ' + JSON.stringify(result));
process.exit(0);
`;

test('the built main registers app://, loads app://outpost/index.html through it and answers IPC from its main frame', () => {
  writeFileSync(join(work, 'hooks.mjs'), HOOKS);
  writeFileSync(join(work, 'electron.mjs'), FAKE_MODULE);
  writeFileSync(join(work, 'child.mjs'), CHILD);
  const userData = mkdtempSync(join(work, 'userData-'));
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(work, 'child.mjs')], {
    cwd: root,
    env: { ...process.env, OUTPOST_TEST_USER_DATA: userData },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no result (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  const result = JSON.parse(line.slice('RESULT '.length)) as {
    privileged: unknown;
    windows: number;
    url: string;
    status: number;
    csp: string | null;
    assets: Array<{ ref: string; url: string; status: number; type: string | null; csp: boolean }>;
    preload: string;
    currentUser: unknown;
    fromFile: { ok: boolean; error: { code: string } };
    signIn: { ok: boolean; value: { username: string; dataProtection?: string } };
    askedPassphrase: { ok: boolean; error?: { reason?: string } };
    errorBoxes: unknown[];
    exitCode: number;
  };
  assert.deepEqual(result.privileged, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  assert.equal(result.windows, 1);
  assert.equal(result.url, 'app://outpost/index.html');
  assert.equal(result.status, 200);
  assert.match(result.csp ?? '', /script-src 'self'/);
  assert.equal(result.preload, join(dist, 'preload', 'index.cjs'));
  assert.ok(
    result.assets.some((a) => a.type?.startsWith('text/javascript')),
    `the page loads its script: ${JSON.stringify(result.assets)}`,
  );
  for (const asset of result.assets) {
    assert.ok(asset.url.startsWith('app://outpost/'), `${asset.ref} resolves under the app origin`);
    assert.equal(asset.status, 200, `${asset.ref} is served`);
    assert.ok(asset.csp, `${asset.ref} carries the CSP`);
  }
  assert.deepEqual(result.currentUser, { ok: true, value: null });
  assert.equal(result.fromFile.ok, false);
  assert.equal(result.fromFile.error.code, 'Unauthorized');
  // Where no keychain answers (no D-Bus session, as under npm test here) a passphrase is asked for, never a plain store.
  if (!result.askedPassphrase.ok) assert.equal(result.askedPassphrase.error?.reason, 'newPassphraseNeeded');
  assert.equal(result.signIn.ok, true, JSON.stringify(result.signIn));
  assert.match(result.signIn.value.dataProtection ?? '', result.askedPassphrase.ok ? /keychain/ : /passphrase/);
  assert.deepEqual(result.errorBoxes, []);
  assert.equal(result.exitCode, 0);
});
