// The desktop sync worker honours the server's Retry-After (issue 16) against a real server pushed
// into overload: one request may run and none wait (maxActiveRequests 1, maxQueuedRequests 0), and
// the one slot is held by a write kept waiting on Note's writer lock from outside. The worker's
// create is answered 503 with Retry-After: 2; it is sent again no sooner than 2 s later (its own
// first backoff would be 200 ms), succeeds once the server has room, and nothing is lost.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresUnavailable, startHarness, type Harness } from './server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from '../sync/sync-clients.js';

let h: Harness | undefined;
let device: TestClient | undefined;
after(async () => {
  await device?.dispose();
  await h?.close();
});

interface Sent {
  readonly at: number;
  readonly answeredAt: number;
  readonly status: number;
  readonly retryAfter: string | null;
}

/** A fetch that records each mutation request's send time, answer time, status and Retry-After. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const text = typeof init?.body === 'string' ? init.body : '';
    if (!text.includes('"mutation')) return fetch(input, init);
    const at = Date.now();
    const response = await fetch(input, init);
    sent.push({ at, answeredAt: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') });
    return response;
  };
}

test('postgres: a mutation answered 503 with Retry-After is sent again no sooner than Retry-After, then succeeds', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  h = await startHarness('postgres', { limits: { maxActiveRequests: 1, maxQueuedRequests: 0, retryAfterSeconds: 2 } });
  const harness = h;
  const sent: Sent[] = [];
  device = openClient(harness.server.url, authOf(harness.key), {
    models: ['Note'],
    fetch: recordingFetch(sent),
    backoff: { maxDelayMs: 10_000, random: () => 0 },
  });
  await device.worker.start();
  await waitFor('the first sync', () => device?.events.some((e) => e.type === 'ready') === true, 30_000);

  const blocker = new pg.Client({ connectionString: harness.databaseUrl });
  await blocker.connect();
  try {
    await blocker.query(`select pg_advisory_lock(hashtext('outpost-model:Note'))`);
    // Holds the server's one slot: its write waits for the lock.
    const held = harness.gql(harness.key, 'mutation { createNote(input: { text: "held" }) { id } }');
    await new Promise((r) => setTimeout(r, 300));
    await device.datastore.save('Note', { text: 'from the device', count: 1 });
    await waitFor('the refusal', () => sent.length >= 1, 10_000);
    await blocker.query(`select pg_advisory_unlock(hashtext('outpost-model:Note'))`);
    assert.equal((await held).status, 200);
  } finally {
    await blocker.end();
  }
  await drained(device, 20_000);

  const [refused, retried] = sent;
  assert.equal(refused?.status, 503);
  assert.equal(refused?.retryAfter, '2');
  assert.equal(retried?.status, 200, `then accepted: ${JSON.stringify(sent)}`);
  const waited = (retried?.at ?? 0) - (refused?.answeredAt ?? 0);
  assert.ok(waited >= 1990, `sent again ${waited} ms after the 503, not before Retry-After's 2 s`);
  const notes = (await harness.gql(harness.key, 'query { listNotes { items { text } } }')).body.data?.listNotes as { items: Array<{ text: string }> };
  assert.deepEqual(notes.items.map((n) => n.text).sort(), ['from the device', 'held']);
});
