// Two server processes on one PostgreSQL database: a write through either reaches a subscriber
// connected to the other (LISTEN/NOTIFY), and both serve the same data, tokens and keys.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { POST_FIELDS, postgresUnavailable, startHarness, TEST_SDL, type Caller, type Harness } from './server-harness.js';
import { fileURLToPath } from 'node:url';

const pgSkip = await postgresUnavailable();
const root = fileURLToPath(new URL('../../../', import.meta.url));

let h: Harness;
let child: ChildProcess | undefined;
let otherUrl = '';
let dir = '';

before(async () => {
  if (pgSkip) return;
  h = await startHarness('postgres');
  dir = mkdtempSync(join(tmpdir(), 'outpost-mp-'));
  writeFileSync(join(dir, 'schema.graphql'), TEST_SDL);
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/main.ts', 'start', '--port', '0', '--schema', join(dir, 'schema.graphql'), '--database', h.databaseUrl],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/GraphQL\s+http:\S+/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  otherUrl = /GraphQL\s+(http:\S+)/.exec(out)?.[1] ?? '';
  assert.ok(otherUrl, `second process did not start: ${out}`);
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
  }
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openSubscription(graphqlUrl: string, caller: Caller, query: string): Promise<{ data: () => Array<Record<string, unknown>>; close: () => void }> {
  const url = graphqlUrl.replace(/^http/, 'ws').replace(/\/graphql$/, '/graphql/realtime');
  const host = new URL(url).host;
  const header = Buffer.from(JSON.stringify({ ...caller.headers, host })).toString('base64');
  const ws = new WebSocket(`${url}?header=${encodeURIComponent(header)}&payload=e30=`, 'graphql-ws');
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = async (type: string) => {
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type}: ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await until('connection_ack');
  ws.send(
    JSON.stringify({
      id: 's1',
      type: 'start',
      payload: { data: JSON.stringify({ query, variables: {} }), extensions: { authorization: { ...caller.headers, host } } },
    }),
  );
  await until('start_ack');
  return { data: () => messages.filter((m) => m.type === 'data'), close: () => ws.close() };
}

async function waitForData(sub: { data: () => Array<Record<string, unknown>> }, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (sub.data().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

test('a write through one process reaches subscribers of the other, both ways', { skip: pgSkip }, async () => {
  const create = `mutation($input: CreatePostInput!){ createPost(input: $input){ id } }`;
  const onOther = await openSubscription(otherUrl, h.alice, `subscription { onCreatePost { ${POST_FIELDS} } }`);
  const onFirst = await openSubscription(h.server.url, h.alice, `subscription { onCreatePost { ${POST_FIELDS} } }`);
  try {
    assert.equal((await h.gql(h.alice, create, { input: { id: 'mp-1', title: 'via first' } })).body.errors, undefined);
    const res = await fetch(otherUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...h.alice.headers },
      body: JSON.stringify({ query: create, variables: { input: { id: 'mp-2', title: 'via second' } } }),
    });
    assert.deepEqual(((await res.json()) as { data: unknown }).data, { createPost: { id: 'mp-2' } });
    await waitForData(onOther, 2);
    await waitForData(onFirst, 2);
    const ids = (sub: typeof onOther) =>
      sub
        .data()
        .map((m) => ((m.payload as Record<string, unknown>).data as Record<string, Record<string, unknown>>).onCreatePost?.id as string)
        .sort();
    assert.deepEqual(ids(onOther), ['mp-1', 'mp-2']);
    assert.deepEqual(ids(onFirst), ['mp-1', 'mp-2']);
    // Both processes see the same data.
    const get = await h.gql(h.alice, `query { getPost(id: "mp-2") { id title _version } }`);
    assert.deepEqual(get.body.data?.getPost, { id: 'mp-2', title: 'via second', _version: 1 });
  } finally {
    onOther.close();
    onFirst.close();
  }
});
