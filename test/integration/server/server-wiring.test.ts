// startServer wires the pieces together: a mutation over HTTP reaches a subscriber on the
// real-time socket of the same server, only after commit and never for a failed write; with a
// TLS certificate the same server answers HTTPS and WSS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer } from '../../../server/index.js';
import { POST_FIELDS, startHarness, TEST_SDL, type Harness } from './server-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  await h?.close();
});

/** Opens an AppSync real-time socket, acknowledges, and starts one subscription. */
async function subscribe(
  url: string,
  authHeaders: Record<string, string>,
  query: string,
  options: { ca?: Buffer } = {},
): Promise<{ messages: Array<Record<string, unknown>>; close: () => void }> {
  const host = new URL(url).host;
  const header = Buffer.from(JSON.stringify({ ...authHeaders, host })).toString('base64');
  const ws = new WebSocket(`${url}?header=${encodeURIComponent(header)}&payload=e30=`, 'graphql-ws', options.ca ? { ca: options.ca } : {});
  const messages: Array<Record<string, unknown>> = [];
  const waitFor = (type: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within 10 s: ${JSON.stringify(messages)}`)), 10_000);
      const check = () => {
        if (messages.some((m) => m.type === type)) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await waitFor('connection_ack');
  ws.send(
    JSON.stringify({
      id: 'sub-1',
      type: 'start',
      payload: { data: JSON.stringify({ query, variables: {} }), extensions: { authorization: { ...authHeaders, host } } },
    }),
  );
  await waitFor('start_ack');
  return { messages, close: () => ws.close() };
}

test('a committed create reaches its owner on the real-time socket; a failed write publishes nothing', async () => {
  const sub = await subscribe(h.server.realtimeUrl, h.alice.headers, `subscription { onCreatePost { ${POST_FIELDS} } }`);
  const bobSub = await subscribe(h.server.realtimeUrl, h.bob.headers, `subscription { onCreatePost { ${POST_FIELDS} } }`);
  try {
    const create = `mutation($input: CreatePostInput!){ createPost(input: $input){ id } }`;
    const res = await h.gql(h.alice, create, { input: { id: 'wired-1', title: 'live' } });
    assert.equal(res.body.errors, undefined);
    const failed = await h.gql(h.alice, create, { input: { id: 'wired-1', title: 'dup' } });
    assert.equal(failed.body.errors?.[0]?.errorType, 'ConditionalCheckFailedException');
    const deadline = Date.now() + 10_000;
    while (!sub.messages.some((m) => m.type === 'data') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const data = sub.messages.filter((m) => m.type === 'data');
    assert.equal(data.length, 1, JSON.stringify(sub.messages));
    const item = ((data[0]?.payload as Record<string, unknown>).data as Record<string, Record<string, unknown>>).onCreatePost;
    assert.equal(item?.id, 'wired-1');
    assert.equal(item?.title, 'live');
    assert.equal(item?._version, 1);
    assert.equal(item?.owner, h.aliceOwner);
    assert.equal(bobSub.messages.filter((m) => m.type === 'data').length, 0, 'another owner is not told');
  } finally {
    sub.close();
    bobSub.close();
  }
});

test('a resend answered from its mutation id publishes nothing; each field of an aliased batch publishes its own event', async () => {
  const sub = await subscribe(h.server.realtimeUrl, h.alice.headers, `subscription { onUpdatePost { ${POST_FIELDS} } }`);
  try {
    const create = `mutation($input: CreatePostInput!){ createPost(input: $input){ id } }`;
    for (const id of ['replay-1', 'replay-2']) assert.equal((await h.gql(h.alice, create, { input: { id, title: 't' } })).body.errors, undefined);
    const batch = `mutation($a: UpdatePostInput!, $b: UpdatePostInput!){ m0: updatePost(input: $a){ id _version } m1: updatePost(input: $b){ id _version } }`;
    const body = {
      query: batch,
      variables: { a: { id: 'replay-1', title: 'a', _version: 1 }, b: { id: 'replay-2', title: 'b', _version: 1 } },
      extensions: { outpostMutationIds: { m0: 'replay-m0', m1: 'replay-m1' } },
    };
    const first = await h.post(h.alice, body);
    assert.equal(first.body.errors, undefined, JSON.stringify(first.body));
    const again = await h.post(h.alice, body);
    assert.deepEqual(again.body.data, first.body.data);
    const deadline = Date.now() + 10_000;
    while (sub.messages.filter((m) => m.type === 'data').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const events = sub.messages
      .filter((m) => m.type === 'data')
      .map((m) => ((m.payload as Record<string, unknown>).data as Record<string, Record<string, unknown>>).onUpdatePost);
    assert.deepEqual(
      events.map((e) => [e?.id, e?.title, e?._version]),
      [
        ['replay-1', 'a', 2],
        ['replay-2', 'b', 2],
      ],
    );
  } finally {
    sub.close();
  }
});

test('with --tls-cert/--tls-key the server speaks HTTPS and WSS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = await startServer({
      schema: TEST_SDL,
      database: `sqlite:${join(dir, 'tls.db')}`,
      port: 0,
      tls: { cert, key: readFileSync(join(dir, 'key.pem')) },
      reportError: () => undefined,
    });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
      assert.match(server.realtimeUrl, /^wss:\/\//);
      const { key } = await server.authStore.createApiKey();
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(server.url, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json', 'x-api-key': key } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query: 'mutation { createNote(input: { id: "tls", text: "secure" }) { id _version } }' }));
      });
      const parsed = JSON.parse(body) as { data: unknown; extensions?: { outpost?: { version?: number } } };
      assert.deepEqual(parsed.data, { data: { createNote: { id: 'tls', _version: 1 } } }.data);
      assert.equal(parsed.extensions?.outpost?.version, 1);
      const sub = await subscribe(server.realtimeUrl, { 'x-api-key': key }, 'subscription { onCreateNote { id } }', { ca: cert });
      sub.close();
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server-side failure (database gone) answers 503 so clients retry, never a final 200', async () => {
  const other = await startHarness('sqlite');
  try {
    const create = `mutation($input: CreateNoteInput!){ createNote(input: $input){ id } }`;
    assert.equal((await other.gql(other.key, create, { input: { id: 'before', text: 'ok' } })).status, 200);
    await other.server.storage.close();
    const res = await fetch(other.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...other.key.headers },
      body: JSON.stringify({ query: create, variables: { input: { id: 'after', text: 'lost?' } } }),
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = (await res.json()) as { errors: Array<{ errorType: string; message: string }> };
    assert.equal(body.errors[0]?.errorType, 'InternalFailure');
    assert.doesNotMatch(body.errors[0]?.message ?? '', /sqlite|driver|destroy/i, 'no internals leak');
  } finally {
    await other.close().catch(() => undefined);
  }
});

test('close() returns promptly while real-time sockets are still open', async () => {
  const other = await startHarness('sqlite');
  const sub = await subscribe(other.server.realtimeUrl, other.alice.headers, `subscription { onCreatePost { ${POST_FIELDS} } }`);
  try {
    const outcome = await Promise.race([
      other.close().then(() => 'closed'),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000).unref()),
    ]);
    assert.equal(outcome, 'closed');
  } finally {
    sub.close();
  }
});
