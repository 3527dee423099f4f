// A sync page answered 503 with Retry-After is asked again no sooner than Retry-After (issue 16),
// as an outbox entry is: a real server with room for one request and none waiting
// (maxActiveRequests 1, maxQueuedRequests 0, Retry-After 2 s) whose one slot is held by a request
// whose body never finishes arriving. The worker's first sync query is refused with 503; the same
// query goes out again ≥ 2 s later (its own first backoff would be ~200 ms), and the sync completes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { startHarness, type Harness } from '../server/server-harness.js';
import { authOf, openClient, waitFor, type TestClient } from './sync-clients.js';

let h: Harness | undefined;
let device: TestClient | undefined;
after(async () => {
  await device?.dispose();
  await h?.close();
});

interface Sent {
  readonly query: string;
  readonly at: number;
  readonly answeredAt: number;
  readonly status: number;
  readonly retryAfter: string | null;
}

/** A fetch that records each sync query's send time, answer time, status and Retry-After. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const text = typeof init?.body === 'string' ? init.body : '';
    const name = /^\s*query operation\(\$limit[^{]*\{\s*(sync\w+)/.exec(String((JSON.parse(text || '{}') as { query?: string }).query ?? ''))?.[1];
    if (name === undefined) return fetch(input, init);
    const at = Date.now();
    const response = await fetch(input, init);
    sent.push({ query: name, at, answeredAt: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') });
    return response;
  };
}

/** Takes the server's one request slot: a GraphQL POST whose body stops half way, until `release` sends the rest. */
async function holdTheSlot(url: string, headers: Record<string, string>): Promise<{ release: () => void }> {
  const body = Buffer.from(JSON.stringify({ query: '{ __typename }' }).padEnd(1000, ' '));
  const req: ClientRequest = request(new URL('/graphql', url), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(body.length) },
  });
  req.on('error', () => undefined);
  req.on('response', (res) => res.resume());
  req.write(body.subarray(0, 9));
  // The server admits it when its headers are read; give that a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { release: () => req.end(body.subarray(9)) };
}

test('a sync page answered 503 with Retry-After is asked again no sooner than Retry-After, then the sync completes', async () => {
  h = await startHarness('sqlite', { limits: { maxActiveRequests: 1, maxQueuedRequests: 0, retryAfterSeconds: 2 } });
  const harness = h;
  await harness.gql(harness.key, 'mutation { createNote(input: { text: "on the server" }) { id } }');
  const held = await holdTheSlot(harness.server.url, harness.key.headers);
  const sent: Sent[] = [];
  device = openClient(harness.server.url, authOf(harness.key), {
    models: ['Note'],
    fetch: recordingFetch(sent),
    backoff: { maxDelayMs: 10_000, random: () => 0 },
  });
  const client = device;
  // start() resolves after the first round, which must meet the refusal while the slot is held.
  const started = client.worker.start();
  try {
    await waitFor('the refusal', () => sent.length >= 1, 10_000);
  } finally {
    held.release();
  }
  await started;
  await waitFor('the first sync', () => client.events.some((e) => e.type === 'ready'), 30_000);

  const [refused, ...later] = sent;
  assert.equal(refused?.status, 503, JSON.stringify(sent));
  assert.equal(refused?.retryAfter, '2');
  const again = later.find((s) => s.query === refused?.query);
  assert.equal(again?.status, 200, `then answered: ${JSON.stringify(sent)}`);
  const waited = (again?.at ?? 0) - (refused?.answeredAt ?? 0);
  assert.ok(waited >= 1990, `asked again ${waited} ms after the 503, not before Retry-After's 2 s`);
  const notes = await client.datastore.query('Note');
  assert.deepEqual(
    notes.map((n) => n.text),
    ['on the server'],
  );
});
