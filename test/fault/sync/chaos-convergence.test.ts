// A seeded random schedule of edits on two devices while the proxy in front of one of them delays,
// cuts, refuses and drops answers. At the end every device and the server hold the same records,
// every queued edit was answered, the last write of every field is on the server, and nothing was
// reported as an error. The seed is printed;
// `SEED=<n>` replays a run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { drained, openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { seedNotes, serverNotes, startFaultServer, type FaultServer } from './fault-server.js';

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
let fs: FaultServer;
const clients: TestClient[] = [];
before(async () => {
  console.log(`chaos-convergence seed: ${seed} (replay with SEED=${seed})`);
  fs = await startFaultServer();
});
after(async () => {
  for (const c of clients) await c.dispose();
  await fs.close();
});

test(`two devices converge after edits under random network faults (seed ${seed})`, async () => {
  const ids = await seedNotes(fs, 12);
  const auth = { type: 'apiKey' as const, apiKey: fs.apiKey };
  const faulty = openClient(fs.endpoint, auth, { models: ['Note'], requestTimeoutMs: 2_000, backoff: { maxDelayMs: 300, random } });
  const steady = openClient(fs.server!.url, auth, { models: ['Note'], backoff: { maxDelayMs: 300, random } });
  clients.push(faulty, steady);
  await Promise.all([faulty.worker.start(), steady.worker.start()]);
  const log: string[] = [];
  // Each field is written by one device only, so its last write must be the final value.
  const lastCount = new Map<string, number>();
  const lastText = new Map<string, string>();

  for (let step = 0; step < 40; step++) {
    const roll = random();
    if (roll < 0.35) {
      const id = pick(ids);
      const count = Math.floor(random() * 1000);
      await faulty.datastore.save('Note', { id, count });
      lastCount.set(id, count);
      log.push(`faulty ${id.slice(0, 4)} count=${count}`);
    } else if (roll < 0.7) {
      const id = pick(ids);
      const text = `steady ${step}`;
      await steady.datastore.save('Note', { id, text });
      lastText.set(id, text);
      log.push(`steady ${id.slice(0, 4)} text=${text}`);
    } else if (roll < 0.78) {
      log.push(`cut ${fs.proxy.cutAll()}`);
    } else if (roll < 0.86) {
      const ms = Math.floor(random() * 60);
      fs.proxy.setDelay(ms);
      log.push(`delay ${ms}`);
    } else if (roll < 0.93) {
      fs.proxy.setMode('refuse');
      await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 300)));
      fs.proxy.setMode('pass');
      log.push('refused a while');
    } else {
      fs.proxy.setDropResponses(true);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 150)));
      fs.proxy.setDropResponses(false);
      log.push('dropped answers a while');
    }
    await new Promise((r) => setTimeout(r, Math.floor(random() * 80)));
  }

  fs.proxy.setDelay(0);
  fs.proxy.setMode('pass');
  fs.proxy.setDropResponses(false);
  const context = `seed ${seed}; schedule: ${log.join(' | ')}`;
  await drained(faulty, 30_000).catch((e: Error) => assert.fail(`${context}: ${e.message}`));
  await drained(steady, 30_000);
  // Anything missed while the faulty device's socket was down comes with a sync round.
  await faulty.worker.syncNow();
  await steady.worker.syncNow();

  const server = await serverNotes(fs);
  const shape = (r: Record<string, unknown> | undefined) => r && { text: r.text, count: r.count, _version: r._version };
  await waitFor(
    'both devices to equal the server',
    async () => {
      for (const id of ids) {
        const want = JSON.stringify(shape(server.get(id)));
        if (JSON.stringify(shape(await faulty.datastore.get('Note', id))) !== want) return false;
        if (JSON.stringify(shape(await steady.datastore.get('Note', id))) !== want) return false;
      }
      return true;
    },
    15_000,
  ).catch(async (e: Error) => {
    const diff = await Promise.all(
      ids.map(
        async (id) =>
          `${id.slice(0, 4)} server=${JSON.stringify(shape(server.get(id)))} faulty=${JSON.stringify(shape(await faulty.datastore.get('Note', id)))} steady=${JSON.stringify(shape(await steady.datastore.get('Note', id)))}`,
      ),
    );
    assert.fail(`${context}: ${e.message}\n${diff.join('\n')}`);
  });
  for (const [id, count] of lastCount) assert.equal(server.get(id)?.count, count, `${context}: last count of ${id} lost`);
  for (const [id, text] of lastText) assert.equal(server.get(id)?.text, text, `${context}: last text of ${id} lost`);
  const errors = [...faulty.events, ...steady.events].filter((e) => e.type === 'error');
  assert.deepEqual(errors, [], context);
});
