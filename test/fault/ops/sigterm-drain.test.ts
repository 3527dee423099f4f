// SIGTERM under load (issue 17): the real CLI server in a child process, writers in another child
// logging each acknowledged id, two desktop sync workers subscribed over the real-time endpoint.
// SIGTERM: readiness turns 503, the process finishes what is in flight and exits 0 on its own; a
// new process on the same database and port holds every acknowledged mutation, the writers carry
// on against it, and both desktop workers reconnect to it: a record written after the restart
// reaches them live (no sync round brings it; fullSyncInterval is a day).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openAuthStore } from '../../../server/auth/auth-store.js';
import { openStorage } from '../../../server/storage/open-storage.js';
import { authOf, openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { APP_SCHEMA_PATH, APP_SDL, gql, runChild, signIn, syncSites } from '../../integration/ops/ops-harness.js';

const CLI = fileURLToPath(new URL('../../../server/cli/main.ts', import.meta.url));
const WRITER = fileURLToPath(new URL('../../integration/ops/writer-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpost-sigterm-'));
const database = `sqlite:${join(dir, 'server.db')}`;
const children: ChildProcess[] = [];
const clients: TestClient[] = [];
after(async () => {
  for (const c of clients) await c.dispose().catch(() => undefined);
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `outpost-server start` in a child on `port` (0: any); resolves once it says where it listens. */
async function startServerProcess(port: number): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'start', '--database', database, '--schema', APP_SCHEMA_PATH, '--port', String(port), '--shutdown-grace-ms', '5000'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor('the server process to listen', () => /GraphQL\s+http:\/\/127\.0\.0\.1:\d+\/graphql/.test(output) || child.exitCode !== null, 30_000);
  const found = /GraphQL\s+http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(output);
  if (found === null) throw new Error(`server did not start:\n${output}`);
  return { child, port: Number(found[1]), output: () => output, exited };
}

interface Ack {
  readonly ack?: string;
  readonly at?: number;
  readonly done?: boolean;
}

test('SIGTERM under load: no acknowledged mutation lost, every real-time client reconnects to the next process', async () => {
  const storage = await openStorage(database);
  const store = await openAuthStore(storage);
  await store.addUser({ username: 'ana', password: 'ana password 123' });
  await storage.close();

  const first = await startServerProcess(0);
  const base = `http://127.0.0.1:${first.port}`;
  const url = `${base}/graphql`;
  const ana = await signIn(base, 'ana', 'ana password 123');
  const schema = parseSchema(APP_SDL);
  for (let i = 0; i < 2; i++) clients.push(openClient(url, authOf({ headers: ana }), { schema, models: ['Site'] }));
  await Promise.all(clients.map((c) => c.worker.start()));
  await waitFor('both workers subscribed', () => clients.every((c) => c.events.some((e) => e.type === 'subscriptionsEstablished')), 20_000);

  const writers = await runChild<Ack>(WRITER, [url, ana.authorization, 'sig', '4']);
  children.push(writers.child);
  await writers.until('a load before the signal', (lines) => lines.length >= 80, 30_000);
  assert.equal((await fetch(`${base}/health/ready`)).status, 200);

  const eventsAtSignal = clients.map((c) => c.events.length);
  first.child.kill('SIGTERM');
  const code = await Promise.race([first.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
  assert.equal(code, 0, `the process exits 0 within the bound; output:\n${first.output().slice(-2000)}`);
  assert.match(first.output(), /SIGTERM: stopping .*\n(.|\n)*stopped/);
  const ackedBeforeRestart = writers.lines.filter((l) => l.ack !== undefined).length;

  const second = await startServerProcess(first.port);
  await writers.until('writes acknowledged by the next process', (lines) => lines.filter((l) => l.ack !== undefined).length >= ackedBeforeRestart + 40, 30_000);
  writers.child.kill('SIGTERM');
  await writers.until('the writers to stop', (lines) => lines.some((l) => l.done === true), 30_000);

  const present = new Set((await syncSites(base, ana, 0)).items.map((s) => s.id as string));
  const acked = writers.lines.filter((l) => l.ack !== undefined).map((l) => l.ack!);
  assert.deepEqual(
    acked.filter((id) => !present.has(id)),
    [],
    'every acknowledged mutation is in the database',
  );

  // Both workers reconnected to the new process (a reconnect runs a catch-up round); a write made after that arrives live.
  await waitFor(
    'both workers reconnected and caught up',
    () => clients.every((c, i) => c.events.slice(eventsAtSignal[i]).some((e) => e.type === 'syncQueriesReady')),
    30_000,
  );
  const live = await gql(base, ana, 'mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }', { i: { id: 'after-restart', name: 'live' } });
  assert.equal(live.body.errors, undefined);
  for (const c of clients) await waitFor('the live record on a worker', async () => (await c.datastore.get('Site', 'after-restart')) !== undefined, 30_000);
  for (const [i, c] of clients.entries()) {
    const rounds = c.events.slice(eventsAtSignal[i]).filter((e) => e.type === 'syncQueriesReady').length;
    assert.equal(rounds, 1, 'the live record came over the subscription, not a later sync round');
  }

  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});
