// No edit is lost without a trace (issue 9), as a seeded random run under each server strategy:
// 4 devices of alice and 2 of bob share 20 Tasks through a group rule; in every round all devices
// edit offline (overlapping and distinct fields: scalars, a list, an embedded object; now and then
// a delete), then come online one at a time in random order. One round restarts the server while a
// device drains; one device is SIGKILLed mid-drain (some answers lost) and reopened. The oracle
// (nothing-lost-model.ts): per field of every edit, the value is on the server's final record,
// replaced by a later edit on the same device, or in a review inbox — never lost. Every replica
// ends equal to the server. `SEED=<n>` replays a run; `NOTHING_LOST_ROUNDS` sets the rounds (6).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { staticTokenProvider } from '../../../main/sync/sync-auth.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import type { ConfiguredStrategy } from '../../../server/config/server-config.js';
import { drained, openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';
import { describeTally, judge, NOTHING_LOST_SDL, type DeleteRecord, type EditRecord, type FieldIntent, type ReviewLike } from './nothing-lost-model.js';
import { reviewItemsOf } from './review-items-of.js';

// Fixed seeds by default, so whether `npm test` passes never depends on the draw; `SEED=random`
// explores new runs (the seed to replay is printed), `SEED=<n>` replays one.
const baseSeed = process.env.SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.SEED ?? 1000);
const ROUNDS = Number(process.env.NOTHING_LOST_ROUNDS ?? 6);
const RECORDS = 20;
const schema = parseSchema(NOTHING_LOST_SDL);

before(() => console.log(`nothing-lost seed: ${baseSeed} (replay with SEED=${baseSeed})`));

interface World {
  readonly dir: string;
  readonly proxy: FaultProxy;
  server: RunningServer | null;
  readonly boot: () => Promise<RunningServer>;
  readonly tokens: { alice: string; bob: string };
}

async function signIn(url: string, username: string): Promise<string> {
  const res = await fetch(url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (typeof body.accessToken !== 'string') throw new Error(`sign-in of ${username} failed: ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function startWorld(strategy: ConfiguredStrategy): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-nothing-lost-'));
  const database = `sqlite:${join(dir, 'server.db')}`;
  const boot = () => startServer({ schema: NOTHING_LOST_SDL, database, port: 0, host: '127.0.0.1', conflictHandler: strategy, reportError: () => undefined });
  const server = await boot();
  for (const name of ['alice', 'bob']) await server.authStore.addUser({ username: name, password: `${name} password 123`, groups: ['crew'] });
  const tokens = { alice: await signIn(server.url, 'alice'), bob: await signIn(server.url, 'bob') };
  const proxy = await startFaultProxy(server.port);
  return { dir, proxy, server, boot, tokens };
}

async function gql(world: World, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (world.server === null) throw new Error('the server is stopped');
  const res = await fetch(world.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors !== undefined) throw new Error(`server answered ${JSON.stringify(body.errors)}`);
  return body.data ?? {};
}

async function serverTasks(world: World): Promise<Map<string, ModelRecord>> {
  const out = new Map<string, ModelRecord>();
  let nextToken: string | null = null;
  do {
    const data = await gql(
      world,
      world.tokens.alice,
      'query ($t: String) { syncTasks(limit: 1000, nextToken: $t) { items { id title rating tags meta { a b } _version _deleted } nextToken } }',
      { t: nextToken },
    );
    const page = data.syncTasks as { items: ModelRecord[]; nextToken: string | null };
    for (const item of page.items) out.set(String(item.id), item);
    nextToken = page.nextToken;
  } while (nextToken !== null);
  return out;
}

interface Device {
  readonly index: number;
  readonly user: 'alice' | 'bob';
  client: TestClient;
  online: boolean;
}

function openDevice(world: World, index: number, user: 'alice' | 'bob', file?: string): TestClient {
  return openClient(
    world.proxy.url('/graphql'),
    { type: 'jwt', tokens: staticTokenProvider(world.tokens[user]) },
    {
      schema,
      models: ['Task'],
      requestTimeoutMs: 3_000,
      backoff: { maxDelayMs: 300 },
      ...(file === undefined ? {} : { file }),
    },
  );
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

async function run(strategy: ConfiguredStrategy, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const world = await startWorld(strategy);
  const devices: Device[] = [];
  const log: string[] = [];
  const edits: EditRecord[] = [];
  const deletes: DeleteRecord[] = [];
  let seq = 0;
  let unique = 0;
  const context = () => `strategy ${String(strategy)}, seed ${seed}; last steps: ${log.slice(-30).join(' | ')}`;
  try {
    for (let i = 0; i < RECORDS; i++) {
      await gql(world, world.tokens.alice, 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { id } }', {
        input: { id: `task-${i}`, title: `seed ${i}`, rating: i, tags: [`t${i}`], meta: { a: `a${i}`, b: `b${i}` } },
      });
    }
    for (let i = 0; i < 6; i++) {
      const user = i < 4 ? 'alice' : 'bob';
      const client = openDevice(world, i, user);
      devices.push({ index: i, user, client, online: false });
    }
    // Everyone starts with the same 20 records.
    for (const d of devices) {
      await d.client.worker.start();
      await waitFor(`device ${d.index} to sync`, async () => (await d.client.datastore.query('Task', {})).length === RECORDS, 20_000);
      await d.client.worker.stop();
    }

    const restartRound = Math.floor(random() * ROUNDS);
    const killRound = Math.floor(random() * ROUNDS);
    const killDevice = Math.floor(random() * devices.length);

    const editOffline = async (d: Device): Promise<void> => {
      const count = 4 + Math.floor(random() * 6);
      for (let n = 0; n < count; n++) {
        const locals = await d.client.datastore.query('Task', {});
        if (locals.length === 0) return;
        const record = pick(locals) as ModelRecord;
        const id = String(record.id);
        const roll = random();
        const tag = () => `d${d.index}-${++unique}`;
        if (roll < 0.03) {
          await d.client.datastore.delete('Task', id);
          deletes.push({ device: d.index, seq: ++seq, id, seen: record });
          log.push(`d${d.index} delete ${id}`);
          continue;
        }
        const intents: FieldIntent[] = [];
        const patch: ModelRecord = { id };
        if (roll < 0.3) intents.push({ kind: 'set', field: 'title', value: `title d${d.index}-${++unique}` });
        else if (roll < 0.45) intents.push({ kind: 'set', field: 'rating', value: ++unique });
        else if (roll < 0.65) intents.push({ kind: 'add', field: 'tags', value: tag() });
        else if (roll < 0.75) {
          const tags = Array.isArray(record.tags) ? (record.tags as string[]) : [];
          if (tags.length === 0) intents.push({ kind: 'add', field: 'tags', value: tag() });
          else intents.push({ kind: 'remove', field: 'tags', value: pick(tags) });
        } else if (roll < 0.9) intents.push({ kind: 'setKey', field: 'meta', key: random() < 0.6 ? 'a' : 'b', value: `m d${d.index}-${++unique}` });
        else {
          intents.push({ kind: 'set', field: 'title', value: `title d${d.index}-${++unique}` });
          intents.push({ kind: 'add', field: 'tags', value: tag() });
        }
        for (const intent of intents) {
          if (intent.kind === 'set') patch[intent.field] = intent.value;
          else if (intent.kind === 'add') patch.tags = [...((patch.tags ?? record.tags ?? []) as string[]), intent.value];
          else if (intent.kind === 'remove') patch.tags = ((patch.tags ?? record.tags ?? []) as string[]).filter((t) => t !== intent.value);
          else patch.meta = { ...((record.meta ?? {}) as Record<string, unknown>), [intent.key]: intent.value };
        }
        await d.client.datastore.save('Task', patch);
        edits.push({ device: d.index, seq: ++seq, id, intents, seen: record });
        log.push(`d${d.index} ${intents.map((i) => `${i.kind} ${i.field}${i.kind === 'setKey' ? `.${i.key}` : ''}=${String(i.value)}`).join('+')} on ${id}`);
      }
    };

    /** Drains device `d` in a child process and SIGKILLs it after a few answers, some of them dropped. */
    const drainAndKill = async (d: Device): Promise<void> => {
      const file = d.client.file;
      await d.client.close();
      world.proxy.setDelay(20);
      const killAfter = 1 + Math.floor(random() * 3);
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./nothing-lost-child.ts', import.meta.url))], {
        env: { ...process.env, OUTPOST_DB: file, OUTPOST_ENDPOINT: world.proxy.url('/graphql'), OUTPOST_TOKEN: world.tokens[d.user] },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let processed = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/processed (\d+)/g)) processed = Number(match[1]);
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await waitFor('the child to process a few mutations', () => processed >= killAfter || child.exitCode !== null, 20_000).catch(() => undefined);
      // Answers of what is on the wire now are lost: the server applied them, the device never hears.
      world.proxy.setDropResponses(true);
      await new Promise((r) => setTimeout(r, 60));
      child.kill('SIGKILL');
      await exited;
      world.proxy.setDropResponses(false);
      world.proxy.setDelay(0);
      log.push(`d${d.index} SIGKILLed after ${processed} answers`);
      d.client = openDevice(world, d.index, d.user, file);
    };

    for (let round = 0; round < ROUNDS; round++) {
      for (const d of devices) await editOffline(d);
      const order = [...devices].sort(() => random() - 0.5);
      for (const [position, d] of order.entries()) {
        if (round === killRound && d.index === killDevice) await drainAndKill(d);
        await d.client.worker.start();
        if (round === restartRound && position === 2) {
          world.proxy.setDelay(15);
          await new Promise((r) => setTimeout(r, 30 + Math.floor(random() * 80)));
          const s = world.server;
          world.server = null;
          world.proxy.cutAll();
          await s?.close();
          world.server = await world.boot();
          world.proxy.setTarget(world.server.port);
          world.proxy.setDelay(0);
          log.push(`server restarted while d${d.index} drained`);
        }
        await drained(d.client, 30_000).catch((e: Error) => assert.fail(`${context()}: ${e.message}`));
        await d.client.worker.syncNow();
        await d.client.worker.stop();
      }
      log.push(`end of round ${round}`);
    }

    // Everyone online at the end: every replica must equal the server.
    for (const d of devices) await d.client.worker.start();
    for (const d of devices) await drained(d.client, 30_000).catch((e: Error) => assert.fail(`${context()}: ${e.message}`));
    for (const d of devices) await d.client.worker.syncNow();
    const server = await serverTasks(world);
    for (const d of devices) {
      const local = new Map((await d.client.datastore.query('Task', {})).map((r) => [String(r.id), r as ModelRecord]));
      const live = [...server.values()].filter((r) => r._deleted !== true);
      assert.equal(local.size, live.length, `device ${d.index} holds ${local.size} records, the server ${live.length} (${context()})`);
      for (const remote of live) {
        const mine = local.get(String(remote.id));
        assert.ok(mine, `device ${d.index} lacks ${String(remote.id)} (${context()})`);
        for (const field of ['title', 'rating', 'tags', 'meta', '_version']) {
          assert.ok(
            same(mine[field], remote[field]),
            `device ${d.index}, ${String(remote.id)}.${field}: ${JSON.stringify(mine[field])} locally, ${JSON.stringify(remote[field])} on the server (${context()})`,
          );
        }
      }
    }

    const reviews = new Map<number, readonly ReviewLike[]>();
    for (const d of devices) reviews.set(d.index, await reviewItemsOf(d.client.datastore));
    const tally = judge(edits, deletes, server, reviews);
    console.log(describeTally(`nothing-lost ${String(strategy)} seed ${seed}`, tally));
    const lostLines = tally.lost
      .slice(0, 10)
      .map(({ edit, intent }) => `d${edit.device} #${edit.seq} ${edit.id} ${intent.kind} ${intent.field}=${String(intent.value)}`);
    for (const { edit, intent } of tally.lost.slice(0, 3)) {
      // What a replay needs to see: the record's final state and what every inbox holds for it.
      const items = [...reviews.entries()].flatMap(([device, list]) => list.filter((r) => r.modelId === edit.id).map((r) => ({ device, ...r })));
      console.log(
        `lost: d${edit.device} #${edit.seq} ${edit.id} ${intent.kind} ${intent.field}=${String(intent.value)}; server ${JSON.stringify(server.get(edit.id))}; review items ${JSON.stringify(items)}`,
      );
    }
    assert.equal(tally.counts.lost, 0, `${tally.counts.lost} field edits lost without a trace, e.g. ${lostLines.join('; ')} (${context()})`);
  } finally {
    for (const d of devices) await d.client.dispose().catch(() => undefined);
    await world.server?.close().catch(() => undefined);
    await world.proxy.close();
    rmSync(world.dir, { recursive: true, force: true });
  }
}

for (const [i, strategy] of (['FIELD_MERGE', 'AUTOMERGE', 'OPTIMISTIC_CONCURRENCY'] as const).entries()) {
  test(`nothing lost without a trace under ${strategy} (seed ${baseSeed + i})`, { timeout: 240_000 }, async () => {
    await run(strategy as ConfiguredStrategy, baseSeed + i);
  });
}

// Found on 2026-12-02 by a random run (base seed 1008241275): under OPTIMISTIC_CONCURRENCY a device
// SIGKILLed after its conflict retry was applied but before the answer arrived lost the review item
// of the colleague's title the retry overwrote. The item is now kept with the outbox entry before the
// retry is sent; this seed stays as a regression test.
test('nothing lost under OPTIMISTIC_CONCURRENCY, seed 1008241277 (a conflict retry whose answer died with the process)', { timeout: 240_000 }, async () => {
  await run('OPTIMISTIC_CONCURRENCY', 1008241277);
});

after(() => undefined);
