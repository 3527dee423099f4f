// The client process is SIGKILLed while draining its outbox (requests in flight, some answers
// lost), and in one run the server is restarted mid-request first: after a restart every edit
// reaches the server, and none is applied twice — checked by exact server `_version`s and values —
// under FIELD_MERGE, AUTOMERGE and OPTIMISTIC_CONCURRENCY. Seeded: the seed is printed; `SEED=<n>` replays a run.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { drained, openClient, testSchema, waitFor } from '../../integration/sync/sync-clients.js';
import { seedNotes, serverNotes, startFaultServer, type FaultServer } from './fault-server.js';

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
before(() => console.log(`sigkill-outbox seed: ${seed} (replay with SEED=${seed})`));

const runs = [
  { strategy: 'OPTIMISTIC_CONCURRENCY', restartServer: false },
  { strategy: 'AUTOMERGE', restartServer: true },
  { strategy: 'FIELD_MERGE', restartServer: false },
  { strategy: 'FIELD_MERGE', restartServer: true },
] as const;

for (const { strategy, restartServer } of runs) {
  test(`SIGKILL while draining the outbox${restartServer ? ', the server restarted mid-request first' : ''}: no edit lost, none applied twice under ${strategy} (seed ${seed})`, async () => {
    const fs: FaultServer = await startFaultServer(strategy);
    try {
      const ids = await seedNotes(fs, 40);
      const auth = { type: 'apiKey' as const, apiKey: fs.apiKey };
      const first = openClient(fs.endpoint, auth, { models: ['Note'] });
      await first.worker.start();
      await first.close();

      // Offline edits: an update of every seeded note, ten new notes, and deletes of four seeded notes.
      const store = openDatastore({ file: first.file, schema: testSchema });
      const expected = new Map<string, { text: string; count: number; _version: number; _deleted: boolean | null }>();
      for (const [i, id] of ids.entries()) {
        await store.save('Note', { id, text: `edited ${i}`, count: 1000 + i });
        expected.set(id, { text: `edited ${i}`, count: 1000 + i, _version: 2, _deleted: null });
      }
      for (let i = 0; i < 10; i++) {
        const id = String((await store.save('Note', { text: `new ${i}`, count: i })).id);
        expected.set(id, { text: `new ${i}`, count: i, _version: 1, _deleted: null });
      }
      for (const [i, id] of ids.slice(0, 4).entries()) {
        await store.delete('Note', id);
        // The queued update and this delete coalesce into one delete: the server only tombstones.
        expected.set(id, { text: `seed ${i}`, count: i, _version: 2, _deleted: true });
      }
      const queued = await store.outbox.outboxCount();
      await store.close();

      // Slow answers keep requests in flight; with dropResponses the server applies them but the child never hears.
      fs.proxy.setDelay(25);
      const killAfter = 3 + Math.floor(random() * 20);
      const dropBeforeKill = random() < 0.7;
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./outbox-drain-child.ts', import.meta.url))], {
        env: { ...process.env, OUTPOST_DB: first.file, OUTPOST_ENDPOINT: fs.endpoint, OUTPOST_API_KEY: fs.apiKey },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let processed = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/processed (\d+)/g)) processed = Number(match[1]);
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await waitFor(`the child to process ${killAfter} mutations`, () => processed >= killAfter, 30_000);
      if (restartServer) {
        // Requests on the wire when the server goes down: applied or not, their answers are lost.
        await fs.restart();
        await waitFor(`the child to process a mutation after the server restart`, () => processed > killAfter, 30_000);
      }
      if (dropBeforeKill) {
        fs.proxy.setDropResponses(true);
        await new Promise((r) => setTimeout(r, 60));
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      fs.proxy.setDropResponses(false);
      fs.proxy.setDelay(0);

      const restarted = openClient(fs.endpoint, auth, { models: ['Note'], file: first.file });
      try {
        await restarted.worker.start();
        await drained(restarted, 30_000);
        const server = await serverNotes(fs);
        const context = `seed ${seed}, killed after ${processed} of ${queued} (drop answers: ${dropBeforeKill})`;
        for (const [id, want] of expected) {
          const got = server.get(id);
          assert.deepEqual(got && { text: got.text, count: got.count, _version: got._version, _deleted: got._deleted }, want, `${context}: note ${id}`);
          const local = await restarted.datastore.get('Note', id);
          if (want._deleted) assert.equal(local, undefined, `${context}: ${id} deleted locally`);
          else assert.deepEqual([local?.text, local?.count, local?._version], [want.text, want.count, want._version], `${context}: local ${id}`);
        }
        assert.deepEqual(
          restarted.events.filter((e) => e.type === 'error' || e.type === 'conflict'),
          [],
          `${context}: no conflicts or errors`,
        );
      } finally {
        await restarted.close();
      }
    } finally {
      await fs.close();
    }
  });
}
