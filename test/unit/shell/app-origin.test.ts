// The app:// origin (main/shell/app-origin.ts): which URLs are the app, how a request maps to a file
// under the renderer folder (never outside it, whatever the encoding), and what the handler answers.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, test } from 'node:test';
import { APP_CONTENT_SECURITY_POLICY, APP_INDEX_URL, contentTypeOf, isAppUrl, resolveAppRequest, serveAppRequest } from '../../../main/shell/app-origin.js';

const base = mkdtempSync(join(tmpdir(), 'outpost-app-origin-'));
const rendererDir = join(base, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Outpost</title>');
writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(rendererDir, 'assets', 'my file.css'), 'body{}');
writeFileSync(join(base, 'secret.txt'), 'outside');
after(() => rmSync(base, { recursive: true, force: true }));

test('the app origin is exactly app://outpost; lookalikes and file:// are not', () => {
  for (const url of ['app://outpost/index.html', 'app://outpost/', 'app://outpost', 'app://outpost/assets/x.js?v=1#top']) {
    assert.equal(isAppUrl(url), true, url);
  }
  for (const url of [
    'file:///app/dist/renderer/index.html',
    'app://outpost.evil/index.html',
    'app://outpostx/index.html',
    'app://evil.outpost/index.html',
    'app://outpost:8080/index.html',
    'app://user@outpost/index.html',
    'app://user:pw@outpost/index.html',
    'apps://outpost/index.html',
    'https://outpost/index.html',
    'http://localhost:5173/index.html',
    'about:blank',
    'data:text/html,hi',
    '',
    'not a url',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('a request maps to a file inside the renderer folder; / is index.html', () => {
  assert.deepEqual(resolveAppRequest(APP_INDEX_URL, rendererDir), {
    kind: 'file',
    path: join(rendererDir, 'index.html'),
    contentType: 'text/html; charset=utf-8',
  });
  assert.deepEqual(resolveAppRequest('app://outpost/', rendererDir), {
    kind: 'file',
    path: join(rendererDir, 'index.html'),
    contentType: 'text/html; charset=utf-8',
  });
  assert.deepEqual(resolveAppRequest('app://outpost/assets/index-abc.js?v=2#x', rendererDir), {
    kind: 'file',
    path: join(rendererDir, 'assets', 'index-abc.js'),
    contentType: 'text/javascript; charset=utf-8',
  });
  assert.deepEqual(resolveAppRequest('app://outpost/assets/my%20file.css', rendererDir), {
    kind: 'file',
    path: join(rendererDir, 'assets', 'my file.css'),
    contentType: 'text/css; charset=utf-8',
  });
});

test('traversal is refused or stays inside, in every spelling', () => {
  // The URL parser itself resolves plain and %2e dot segments: what is left is inside the folder.
  for (const url of [
    'app://outpost/../secret.txt',
    'app://outpost/assets/../../secret.txt',
    'app://outpost/%2e%2e/secret.txt',
    'app://outpost/.%2E/secret.txt',
  ]) {
    const resolved = resolveAppRequest(url, rendererDir);
    assert.equal(resolved.kind, 'file', url);
    assert.ok(resolved.kind === 'file' && resolved.path.startsWith(rendererDir + sep), `${url} → ${JSON.stringify(resolved)}`);
  }
  // What only decoding reveals is refused.
  for (const url of [
    'app://outpost/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://outpost/%2E%2E%5Csecret.txt',
    'app://outpost/assets/..%5c..%5csecret.txt',
    'app://outpost/assets\\..\\..\\secret.txt',
    'app://outpost/%2fetc%2fpasswd',
    'app://outpost/C:%5cWindows%5cwin.ini',
    'app://outpost/index.html%00.js',
    'app://outpost/assets//index-abc.js',
    'app://outpost/%E0%A4%A',
  ]) {
    const resolved = resolveAppRequest(url, rendererDir);
    assert.equal(resolved.kind, 'refused', `${url} → ${JSON.stringify(resolved)}`);
    assert.equal(resolved.kind === 'refused' && resolved.status, 400, url);
  }
});

test('another host or scheme is refused with 403', () => {
  for (const url of ['app://outpost.evil/index.html', 'app://other/index.html', 'file:///etc/passwd']) {
    const resolved = resolveAppRequest(url, rendererDir);
    assert.deepEqual(resolved.kind === 'refused' && resolved.status, 403, url);
  }
});

test('content types by extension, octet-stream when unknown', () => {
  assert.equal(contentTypeOf('a.HTML'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('a.mjs'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('a.svg'), 'image/svg+xml');
  assert.equal(contentTypeOf('a.woff2'), 'font/woff2');
  assert.equal(contentTypeOf('a.bin'), 'application/octet-stream');
  assert.equal(contentTypeOf('Makefile'), 'application/octet-stream');
});

test('the handler serves files with the CSP header; missing → 404; traversal → 400; other methods → 405', async () => {
  const serve = serveAppRequest(rendererDir);
  const page = await serve(new Request(APP_INDEX_URL));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), APP_CONTENT_SECURITY_POLICY);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await page.text(), '<!doctype html><title>Outpost</title>');
  const missing = await serve(new Request('app://outpost/assets/nope.js'));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-security-policy'), APP_CONTENT_SECURITY_POLICY);
  const folder = await serve(new Request('app://outpost/assets'));
  assert.equal(folder.status, 404);
  const sneaky = await serve(new Request('app://outpost/assets/..%2f..%2fsecret.txt'));
  assert.equal(sneaky.status, 400);
  assert.doesNotMatch(await sneaky.text(), /outside/);
  const post = await serve(new Request(APP_INDEX_URL, { method: 'POST', body: 'x' }));
  assert.equal(post.status, 405);
  assert.match(APP_CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  assert.match(APP_CONTENT_SECURITY_POLICY, /script-src 'self'/);
});
