// The real-time client's timers and failure paths against a scripted AppSync-protocol peer on
// 127.0.0.1:0 (the real server's paths are covered by test/integration/sync): keep-alive timeout,
// start_ack timeout, reconnect with re-start, non-retryable connection errors, auth header carriers.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { wireText } from '../../../main/sync/wire-document.js';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RealtimeClient } from '../../../main/sync/realtime-client.js';

type Script = (socket: WebSocket, frame: Record<string, unknown>, connection: number) => void;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function peer(script: Script) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('graphql-ws') ? 'graphql-ws' : false) });
  await new Promise((r) => wss.once('listening', r));
  const requests: Array<{ url: string; protocols: string }> = [];
  let connections = 0;
  wss.on('connection', (socket, req) => {
    const n = ++connections;
    requests.push({ url: req.url ?? '', protocols: String(req.headers['sec-websocket-protocol'] ?? '') });
    socket.on('message', (raw) => script(socket, JSON.parse(raw.toString()) as Record<string, unknown>, n));
  });
  const handle = {
    endpoint: `http://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
  open.push(handle);
  return handle;
}

const send = (socket: WebSocket, frame: object) => socket.send(JSON.stringify(frame));
const until = async (what: string, check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const request = { query: 'subscription operation{ onCreateNote{ id } }', variables: {} };
const auth = { type: 'apiKey' as const, apiKey: 'da2-test' };

test('handshake carries the auth header in the subprotocol; data reaches the observer; ack counts', async () => {
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    if (frame.type === 'start') {
      const payload = frame.payload as { data: string; extensions: { authorization: Record<string, string> } };
      // DataStore's wire text of the document (printed, ending in a newline).
      assert.equal(JSON.parse(payload.data).query, wireText(request.query));
      assert.equal(payload.extensions.authorization['x-api-key'], 'da2-test');
      send(socket, { id: frame.id, type: 'start_ack' });
      send(socket, { id: frame.id, type: 'data', payload: { data: { onCreateNote: { id: 'n1' } } } });
    }
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth });
  open.push({ close: async () => client.close() });
  const got: unknown[] = [];
  let acks = 0;
  client.subscribe(request, { next: (d) => got.push(d.data), error: () => undefined, complete: () => undefined, acknowledged: () => acks++ });
  await until('data', () => got.length === 1);
  assert.deepEqual(got, [{ onCreateNote: { id: 'n1' } }]);
  assert.equal(acks, 1);
  assert.equal(p.requests[0].url, '/graphql/realtime');
  const header = p.requests[0].protocols
    .split(',')
    .map((s) => s.trim())
    .find((s) => s.startsWith('header-'))!;
  assert.equal(JSON.parse(Buffer.from(header.slice(7), 'base64url').toString()).host, new URL(p.endpoint).host);
});

test('the legacy carrier puts the header in the query string', async () => {
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth, carrier: 'query' });
  open.push({ close: async () => client.close() });
  client.subscribe(request, { next: () => undefined, error: () => undefined, complete: () => undefined });
  await until('a connection', () => p.requests.length === 1);
  const url = new URL(p.requests[0].url, 'http://x');
  assert.equal(url.searchParams.get('payload'), 'e30=');
  assert.equal(JSON.parse(Buffer.from(url.searchParams.get('header')!, 'base64').toString())['x-api-key'], 'da2-test');
});

test('silence beyond connectionTimeoutMs drops the socket; the client reconnects, re-starts and reports it', async () => {
  const p = await peer((socket, frame) => {
    // A peer that never sends `ka`: the connection must time out after 300 ms.
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack', payload: { connectionTimeoutMs: 300 } });
    if (frame.type === 'start') send(socket, { id: frame.id, type: 'start_ack' });
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth, keepAliveCheckMs: 50, backoff: { maxDelayMs: 100 } });
  open.push({ close: async () => client.close() });
  const seen: string[] = [];
  client.on('disrupted', () => seen.push('disrupted'));
  client.on('reconnected', () => seen.push('reconnected'));
  let acks = 0;
  client.subscribe(request, { next: () => undefined, error: () => undefined, complete: () => undefined, acknowledged: () => acks++ });
  await until('a reconnect', () => seen.includes('reconnected'), 5000);
  assert.deepEqual(seen.slice(0, 2), ['disrupted', 'reconnected']);
  assert.ok(p.connections >= 2);
  assert.ok(acks >= 2, 'the subscription was started again on the new connection');
});

test('no start_ack in time fails that subscription only', async () => {
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth, ackTimeoutMs: 200 });
  open.push({ close: async () => client.close() });
  const errors: unknown[] = [];
  client.subscribe(request, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined });
  await until('the start_ack timeout', () => errors.length === 1);
  assert.match(JSON.stringify(errors[0]), /start_ack/);
});

test('an unauthorized connection_error with an API key is final: subscribers fail, no reconnect loop', async () => {
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init')
      send(socket, { type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', errorCode: 401, message: 'bad key' }] } });
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth, backoff: { maxDelayMs: 50 } });
  open.push({ close: async () => client.close() });
  const errors: unknown[] = [];
  client.subscribe(request, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined });
  await until('the failure', () => errors.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(p.connections, 1);
  assert.equal(client.state, 'Disconnected');
});

test('a per-subscription error removes it; stop is sent on unsubscribe', async () => {
  const stops: unknown[] = [];
  let second = '';
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
    if (frame.type === 'start') {
      if (JSON.parse((frame.payload as { data: string }).data).query.includes('onUpdate')) {
        send(socket, { id: frame.id, type: 'error', payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onUpdateNote' }] } });
      } else {
        second = String(frame.id);
        send(socket, { id: frame.id, type: 'start_ack' });
      }
    }
    if (frame.type === 'stop') stops.push(frame.id);
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth });
  open.push({ close: async () => client.close() });
  const errors: unknown[] = [];
  client.subscribe(
    { query: 'subscription operation{ onUpdateNote{ id } }', variables: {} },
    { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
  );
  let acked = false;
  const handle = client.subscribe(request, { next: () => undefined, error: () => undefined, complete: () => undefined, acknowledged: () => (acked = true) });
  await until('the error and the ack', () => errors.length === 1 && acked);
  handle.unsubscribe();
  await until('stop', () => stops.length === 1);
  assert.deepEqual(stops, [second]);
});

test('a request built per token: each start carries the variables of the token it is authorized with, also after a refresh', async () => {
  const starts: Array<{ variables: unknown; authorization: string }> = [];
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
    if (frame.type === 'start') {
      const payload = frame.payload as { data: string; extensions: { authorization: Record<string, string> } };
      starts.push({ variables: JSON.parse(payload.data).variables, authorization: payload.extensions.authorization.Authorization });
      send(socket, { id: frame.id, type: 'start_ack' });
    }
  });
  let token = 'token-1';
  const listeners = new Set<(t: string) => void>();
  const tokens = {
    getToken: async () => token,
    onRefresh: (listener: (t: string) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const client = new RealtimeClient({ endpoint: p.endpoint, auth: { type: 'jwt', tokens }, backoff: { maxDelayMs: 50 } });
  open.push({ close: async () => client.close() });
  const built: Array<string | null> = [];
  const perToken = (t: string | null) => {
    built.push(t);
    return { query: 'subscription operation($owner: String!){ onCreateNote(owner: $owner){ id } }', variables: { owner: `owner of ${t}` } };
  };
  let acks = 0;
  client.subscribe(perToken, { next: () => undefined, error: () => undefined, complete: () => undefined, acknowledged: () => acks++ });
  await until('the first ack', () => acks === 1);
  token = 'token-2';
  for (const listener of listeners) listener(token);
  await until('the start on the re-authenticated connection', () => acks === 2);
  assert.deepEqual(starts, [
    { variables: { owner: 'owner of token-1' }, authorization: 'token-1' },
    { variables: { owner: 'owner of token-2' }, authorization: 'token-2' },
  ]);
  assert.deepEqual(built, ['token-1', 'token-2']);
});

test('a request that cannot be built fails that subscription only', async () => {
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
    if (frame.type === 'start') send(socket, { id: frame.id, type: 'start_ack' });
  });
  const client = new RealtimeClient({ endpoint: p.endpoint, auth });
  open.push({ close: async () => client.close() });
  const errors: unknown[] = [];
  client.subscribe(
    () => {
      throw new Error('no schema for it');
    },
    { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
  );
  let acked = false;
  client.subscribe(request, { next: () => undefined, error: () => undefined, complete: () => undefined, acknowledged: () => (acked = true) });
  await until('the failure and the other ack', () => errors.length === 1 && acked);
  assert.match(JSON.stringify(errors[0]), /BadRequest.*no schema for it/);
});

test('a subscription with its own auth (MULTI_AUTH) sends that header in its start; a JWT refused twice fails it instead of reconnecting forever', async () => {
  const starts: Array<{ key: string | undefined; jwt: string | undefined }> = [];
  const p = await peer((socket, frame) => {
    if (frame.type === 'connection_init') send(socket, { type: 'connection_ack' });
    if (frame.type === 'start') {
      const headers = (frame.payload as { extensions: { authorization: Record<string, string> } }).extensions.authorization;
      starts.push({ key: headers['x-api-key'], jwt: headers.Authorization });
      if (headers.Authorization !== undefined)
        send(socket, { id: frame.id, type: 'error', payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized' }] } });
      else send(socket, { id: frame.id, type: 'start_ack' });
    }
  });
  const jwt = { type: 'jwt' as const, tokens: { getToken: async () => 'jwt-token', onRefresh: () => () => undefined } };
  const client = new RealtimeClient({ endpoint: p.endpoint, auth, otherAuth: [jwt], backoff: { maxDelayMs: 20 } });
  open.push({ close: async () => client.close() });
  let acked = false;
  client.subscribe(request, { next: () => undefined, error: () => undefined, complete: () => undefined, acknowledged: () => (acked = true) });
  const errors: unknown[] = [];
  client.subscribe(request, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined }, jwt);
  await until('the JWT subscription to fail', () => errors.length === 1 && acked);
  // One reconnect with a fresh token, then the refusal stands.
  assert.equal(starts.filter((s) => s.jwt === 'jwt-token').length, 2);
  assert.ok(starts.some((s) => s.key === 'da2-test' && s.jwt === undefined));
  assert.equal(p.connections, 2);
});
