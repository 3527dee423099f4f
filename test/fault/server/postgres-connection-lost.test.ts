// PostgreSQL drops the server's connections (a restart, failover or an administrator): the pool's
// idle clients fail outside any request. pg emits that on the pool, and an unhandled 'error' event
// would end the server process; instead it is reported and the next request opens a new connection.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PG_ADMIN, postgresUnavailable, startHarness, type Harness } from '../../integration/server/server-harness.js';

let h: Harness | undefined;
after(async () => {
  await h?.close();
});

test('idle PostgreSQL connections terminated by the database are reported; the server keeps answering', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  const reported: unknown[] = [];
  h = await startHarness('postgres', { reportError: (error) => reported.push(error) });
  const create = async (text: string) => (await h!.gql(h!.key, `mutation { createNote(input: { text: "${text}" }) { id text } }`)).body;
  // Several requests at once leave several idle connections in the pool.
  await Promise.all([1, 2, 3, 4].map((i) => create(`before ${i}`)));

  const database = new URL(h.databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  try {
    const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    assert.ok((killed.rowCount ?? 0) > 0, 'the server had connections to terminate');
  } finally {
    await admin.end();
  }
  const deadline = Date.now() + 5_000;
  while (reported.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(reported.length > 0, 'the lost connections were reported');
  assert.match(String(reported[0]), /terminat/i);

  // Every idle client learns of its termination on its own; one not yet told may still be handed
  // to the next request, which then answers 503 InternalFailure — retried by clients, as here.
  let after = await create('after');
  for (let attempt = 0; attempt < 3 && JSON.stringify(after).includes('InternalFailure'); attempt++) {
    await new Promise((r) => setTimeout(r, 100));
    after = await create('after');
  }
  assert.equal((after.data as { createNote?: { text?: string } } | undefined)?.createNote?.text, 'after', JSON.stringify(after));
});
