// The IPC contract as the one source of channel names: every channel the design lists exists,
// nothing outside common/ipc spells a wire channel, and the page's CSP matches the app's policy.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { eventChannels, requestChannels, requests, wireChannel } from '../../../common/ipc/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/content-security-policy.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

test('the contract lists every request and event the design names', () => {
  for (const channel of [
    'save',
    'query',
    'get',
    'delete',
    'observe',
    'unobserve',
    'observeQuery',
    'clear',
    'syncStatus',
    'startSync',
    'stopSync',
    'conflictsList',
    'conflictsResolve',
    'signIn',
    'openProfile',
    'signOut',
    'currentUser',
    'profiles',
    'schema',
  ]) {
    assert.ok((requestChannels as string[]).includes(channel), `missing request ${channel}`);
  }
  for (const event of ['dataChange', 'querySnapshot', 'syncEvent', 'syncStatus', 'outboxStatus', 'conflict', 'error', 'session']) {
    assert.ok((eventChannels as string[]).includes(event), `missing event ${event}`);
  }
  assert.equal(wireChannel('save'), 'outpost:save');
});

test('request schemas refuse unknown fields and wrong types', () => {
  assert.equal(requests.get.request.safeParse({ model: 'Site', id: 'x', more: 1 }).success, false);
  // A record key is an id string or an object of key field values (strings or numbers), bounded.
  assert.equal(requests.get.request.safeParse({ model: 'Visit', id: { siteID: 's', shift: 2 } }).success, true);
  assert.equal(requests.get.request.safeParse({ model: 'Visit', id: { siteID: 's', shift: false } }).success, false);
  assert.equal(requests.get.request.safeParse({ model: 'Visit', id: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }).success, false);
  assert.equal(requests.delete.request.safeParse({ model: 'Visit', id: { siteID: 's' }, where: { field: 'a', op: 'eq', value: 1 } }).success, false);
  assert.equal(requests.query.request.safeParse({ model: 'Site', limit: 5000 }).success, false);
  assert.equal(requests.signIn.request.safeParse({ mode: 'password', server: 'file:///etc/passwd', username: 'a', password: 'b' }).success, false);
  assert.equal(requests.signIn.request.safeParse({ mode: 'password', server: 'http://127.0.0.1:4000', username: 'a', password: 'b' }).success, true);
  assert.equal(requests.save.request.safeParse({ model: 'Site', record: {}, condition: { field: 'name', op: 'like', value: 1 } }).success, false);
});

test('no wire channel string is written outside common/ipc', () => {
  const offenders = ['main', 'preload', 'renderer']
    .flatMap((dir) => sources(join(root, dir)))
    .filter((file) => /['"`]outpost:[a-zA-Z]/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
  assert.deepEqual(offenders, []);
});

test('renderer/index.html carries the same Content-Security-Policy main enforces', () => {
  const html = readFileSync(join(root, 'renderer/index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.equal(meta, CONTENT_SECURITY_POLICY);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
});

// The Electron files cannot run without the Electron binary; these guard their security settings.
test('the Electron preload exposes exactly one global and the window keeps its hardening', () => {
  const preload = readFileSync(join(root, 'preload/index.ts'), 'utf8');
  assert.equal(preload.match(/exposeInMainWorld\(/g)?.length, 1);
  assert.match(preload, /if \(!allowedRequests\.has\(channel\)\) refuse\(channel\)/);
  const window = readFileSync(join(root, 'main/window.ts'), 'utf8');
  for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true']) {
    assert.ok(window.includes(setting), `main/window.ts must keep ${setting}`);
  }
  assert.match(window, /setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
  assert.match(window, /'will-navigate', \(event\) => event\.preventDefault\(\)/);
  const shell = readFileSync(join(root, 'main/shell/lifecycle.ts'), 'utf8');
  assert.match(shell, /requestSingleInstanceLock\(\)/);
});
