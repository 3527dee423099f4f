// Two server processes' worth of servers (two startServer instances) sharing one PostgreSQL
// database: a client of each converges, with edits crossing servers through the change bus
// (LISTEN/NOTIFY) in real time and conflicts resolved against the shared rows. Skipped with the
// reason when PostgreSQL does not answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../../../server/index.js';
import { TEST_SDL } from '../server/server-harness.js';
import { createTestDatabase, type TestDatabase } from '../realtime/test-database.js';
import { drained, openClient, waitFor, type TestClient } from './sync-clients.js';

let db: TestDatabase | null = null;
let skip: string | undefined;
const servers: RunningServer[] = [];
const clients: TestClient[] = [];
before(async () => {
  const created = await createTestDatabase();
  if ('skip' in created) {
    skip = created.skip;
    return;
  }
  db = created;
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startServer({
        schema: TEST_SDL,
        database: db.url,
        port: 0,
        host: '127.0.0.1',
        models: { Note: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' } },
        reportError: () => undefined,
      }),
    );
  }
});
after(async () => {
  for (const c of clients) await c.dispose();
  for (const s of servers) await s.close();
  await db?.drop();
});

test('clients of two servers on one PostgreSQL database converge, live and after offline edits', async (t) => {
  if (skip !== undefined) return t.skip(skip);
  const { key } = await servers[0].authStore.createApiKey();
  const auth = { type: 'apiKey' as const, apiKey: key };
  const a = openClient(servers[0].url, auth, { models: ['Note'] });
  const b = openClient(servers[1].url, auth, { models: ['Note'] });
  clients.push(a, b);
  await Promise.all([a.worker.start(), b.worker.start()]);

  const id = String((await a.datastore.save('Note', { text: 'from server 1', count: 0 })).id);
  await drained(a);
  await waitFor('b (server 2) to get it live', async () => (await b.datastore.get('Note', id))?.text === 'from server 1');

  await Promise.all([a.worker.stop(), b.worker.stop()]);
  await a.datastore.save('Note', { id, count: 5 });
  await b.datastore.save('Note', { id, text: 'edited on server 2' });
  await a.worker.start();
  await drained(a);
  await b.worker.start();
  await drained(b);
  await waitFor('a to converge', async () => (await a.datastore.get('Note', id))?._version === 3);
  for (const c of [a, b]) {
    const note = await c.datastore.get('Note', id);
    assert.deepEqual([note?.text, note?.count, note?._version], ['edited on server 2', 5, 3]);
  }
  assert.equal((await b.datastore.conflicts.listConflicts()).length, 1, 'the conflict met on server 2 is logged');
});
