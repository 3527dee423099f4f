// Overload is a clear answer, not a hang (issue 16): a real server with a tiny admission queue, or a
// one-connection PostgreSQL pool whose connection is held up, answers the requests it cannot take
// with HTTP 503, `Retry-After` in seconds and a GraphQL-shaped ServerBusyException; the ones it
// admits succeed. Plus the admission decision and the config file's and CLI's refusals.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { parseServerConfig } from '../../../server/config/server-config.js';
import { admissionDecision, AdmissionGate } from '../../../server/http/admission.js';
import { postgresUnavailable, startHarness, type Harness } from './server-harness.js';

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

const CREATE = 'mutation C($input: CreateNoteInput!) { createNote(input: $input) { id _version } }';

async function createNotes(h: Harness, count: number): Promise<Array<{ status: number; retryAfter: string | null; body: Record<string, unknown> }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const res = await fetch(h.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...h.key.headers },
        body: JSON.stringify({ query: CREATE, variables: { input: { text: `n${i}` } } }),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
    }),
  );
}

function assertOverloadAnswer(answer: { status: number; retryAfter: string | null; body: Record<string, unknown> }): void {
  assert.equal(answer.status, 503);
  assert.equal(answer.retryAfter, '2', 'Retry-After in whole seconds, as configured');
  const errors = answer.body.errors as Array<{ errorType: string; message: string }>;
  assert.equal(answer.body.data, null);
  assert.equal(errors[0]?.errorType, 'ServerBusyException');
  assert.match(errors[0]?.message ?? '', /busy.*retry/i);
}

/**
 * Runs `during` while Note's writer lock is held exclusively from outside (writes of Note wait in
 * their statement, holding their connection and admission turn), then lets them go.
 */
async function whileNoteWritesWait<T>(h: Harness, during: () => Promise<{ readonly pending: Promise<T> }>): Promise<T> {
  const blocker = new pg.Client({ connectionString: h.databaseUrl });
  await blocker.connect();
  try {
    await blocker.query(`select pg_advisory_lock(hashtext('outpost-model:Note'))`);
    const { pending } = await during();
    await blocker.query(`select pg_advisory_unlock(hashtext('outpost-model:Note'))`);
    return await pending;
  } finally {
    await blocker.end();
  }
}

test('admission: run below maxActive, queue below maxQueued, refuse beyond', () => {
  const limits = { maxActive: 2, maxQueued: 1 };
  assert.equal(admissionDecision(0, 0, limits), 'run');
  assert.equal(admissionDecision(1, 0, limits), 'run');
  assert.equal(admissionDecision(2, 0, limits), 'queue');
  assert.equal(admissionDecision(2, 1, limits), 'refuse');
  assert.equal(admissionDecision(5, 0, { maxActive: 5, maxQueued: 0 }), 'refuse');
});

test('admission gate: a queued request gets the slot of the one that ends, or is refused after queueWaitMs', async () => {
  const gate = new AdmissionGate({ maxActive: 1, maxQueued: 1, queueWaitMs: 50, retryAfterSeconds: 1 });
  const first = await gate.enter();
  assert.ok('release' in first);
  const second = gate.enter();
  const third = await gate.enter();
  assert.ok(!('release' in third), 'the queue is full');
  first.release();
  const admitted = await second;
  assert.ok('release' in admitted);
  assert.deepEqual(gate.load, { active: 1, queued: 0 });
  const late = await gate.enter();
  assert.ok(!('release' in late) && /within 50 ms/.test(late.message), 'waited too long');
  admitted.release();
  assert.deepEqual(gate.load, { active: 0, queued: 0 });
});

test('postgres: past maxActive + maxQueued, the server answers 503 with Retry-After at once; the admitted requests succeed', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  const h = await startHarness('postgres', { limits: { maxActiveRequests: 1, maxQueuedRequests: 1, queueWaitMs: 30_000, retryAfterSeconds: 2 } });
  harnesses.push(h);
  // The first request is held up in its write (Note's writer lock taken from outside), the second
  // waits for its turn, every other one is refused without waiting.
  const answers = await whileNoteWritesWait(h, async () => {
    const pending = createNotes(h, 10);
    await new Promise((r) => setTimeout(r, 1000));
    return { pending };
  });
  const statuses = answers.map((a) => a.status);
  assert.deepEqual(
    [...statuses].sort(),
    [200, 200, 503, 503, 503, 503, 503, 503, 503, 503],
    `one ran, one waited, the rest were refused: ${statuses.join(',')}`,
  );
  for (const answer of answers.filter((a) => a.status === 503)) assertOverloadAnswer(answer);
  for (const answer of answers.filter((a) => a.status === 200)) assert.equal((answer.body.data as { createNote: { _version: number } }).createNote._version, 1);
});

test('postgres: a request that waits longer than poolWaitMs for a connection is answered 503 with Retry-After', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  const h = await startHarness('postgres', { limits: { poolSize: 1, poolWaitMs: 200, retryAfterSeconds: 2 } });
  harnesses.push(h);
  // The server's one connection waits in the first write, so the other requests wait for the pool.
  const answers = await whileNoteWritesWait(h, async () => {
    const pending = createNotes(h, 5);
    await new Promise((r) => setTimeout(r, 1000));
    return { pending };
  });
  const refused = answers.filter((a) => a.status === 503);
  assert.ok(refused.length >= 1, `some waited past 200 ms: ${answers.map((a) => a.status).join(',')}`);
  for (const answer of refused) assertOverloadAnswer(answer);
  assert.ok(
    answers.some((a) => a.status === 200),
    'the request holding the connection completes once the lock is free',
  );
  // The pool is whole again.
  const after = await createNotes(h, 1);
  assert.equal(after[0]?.status, 200);
});

test('config: the overload limits are validated with their path named', () => {
  assert.deepEqual(
    parseServerConfig({ limits: { maxActiveRequests: 8, maxQueuedRequests: 0, queueWaitMs: 500, poolSize: 4, poolWaitMs: 250, retryAfterSeconds: 3 } }).limits,
    {
      maxActiveRequests: 8,
      maxQueuedRequests: 0,
      queueWaitMs: 500,
      poolSize: 4,
      poolWaitMs: 250,
      retryAfterSeconds: 3,
    },
  );
  assert.throws(() => parseServerConfig({ limits: { poolWaitMs: 0 } }, 'server.json'), /server\.json: limits\.poolWaitMs: /);
  assert.throws(() => parseServerConfig({ limits: { maxQueuedRequests: -1 } }, 'server.json'), /server\.json: limits\.maxQueuedRequests: /);
  assert.throws(() => parseServerConfig({ limits: { maxActiveRequests: 1.5 } }, 'server.json'), /limits\.maxActiveRequests/);
});
