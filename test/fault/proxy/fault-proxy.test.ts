import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

let origin: http.Server;
let hits = 0;
let proxy: FaultProxy;
before(async () => {
  origin = http.createServer((req, res) => {
    hits++;
    res.setHeader('connection', 'close');
    res.end(`ok ${req.url}`);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  proxy = await startFaultProxy((origin.address() as AddressInfo).port);
});
after(async () => {
  await proxy.close();
  await new Promise((r) => origin.close(r));
});

const get = async (path: string, timeoutMs = 2000) => (await fetch(proxy.url(path), { signal: AbortSignal.timeout(timeoutMs) })).text();

test('passes traffic through unchanged', async () => {
  assert.equal(await get('/a'), 'ok /a');
  assert.ok(proxy.bytes.up > 0 && proxy.bytes.down > 0);
});

test('delay adds latency', async () => {
  proxy.setDelay(150);
  const t = Date.now();
  assert.equal(await get('/slow'), 'ok /slow');
  assert.ok(Date.now() - t >= 150);
  proxy.setDelay(0);
});

test('refuse and blackhole make requests fail; pass restores them', async () => {
  proxy.setMode('refuse');
  await assert.rejects(get('/r'));
  proxy.setMode('blackhole');
  await assert.rejects(get('/b', 300));
  proxy.setMode('pass');
  assert.equal(await get('/back'), 'ok /back');
});

test('dropped responses: the server did the work, the client never hears', async () => {
  const before = hits;
  proxy.setDropResponses(true);
  await assert.rejects(get('/lost'));
  proxy.setDropResponses(false);
  assert.equal(hits, before + 1);
});

test('cutAll destroys open connections', async () => {
  proxy.setDelay(500);
  const pending = get('/cut');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(proxy.cutAll(), 1);
  await assert.rejects(pending);
  proxy.setDelay(0);
});
