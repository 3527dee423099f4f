// The attachment queue's decisions, table-driven, plus a seeded property for eviction (seed
// printed; replay with ATTACHMENT_QUEUE_SEED=<n>).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RETRY_POLICIES, tuned } from '../../../../main/sync/core/retry-policy.js';
import {
  bytesWaiting,
  cachedFiles,
  evictionPlan,
  nextDueAt,
  uploadsToStart,
  uploadVerdict,
  type AttachmentEntry,
  type CachedFile,
  type StartContext,
  type UploadOutcome,
} from '../../../../main/attachments/upload-queue-core.js';

const seed = Number(process.env.ATTACHMENT_QUEUE_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`upload-queue-core property seed: ${seed} (replay with ATTACHMENT_QUEUE_SEED=${seed})`);

function entry(key: string, over: Partial<AttachmentEntry> = {}): AttachmentEntry {
  return {
    key,
    model: 'Observation',
    recordId: `rec-${key}`,
    field: 'photos',
    sha256: key.padEnd(64, '0'),
    size: 100,
    contentType: 'image/png',
    name: null,
    state: 'queued',
    bytesAcked: 0,
    uploadUrl: null,
    attempts: 0,
    nextAttemptAt: 0,
    failureReason: null,
    localOnly: true,
    present: true,
    lastAccessAt: 0,
    ...over,
  };
}

const context = (over: Partial<StartContext> = {}): StartContext => ({
  isRecordAccepted: () => true,
  paused: false,
  now: 1_000,
  maxConcurrent: 2,
  running: new Set(),
  ...over,
});

test('uploadsToStart: accepted records, not paused, backoff due, at most N at once', () => {
  const cases: [string, AttachmentEntry[], Partial<StartContext>, string[]][] = [
    ['queued entries start in table order', [entry('a'), entry('b'), entry('c')], {}, ['a', 'b']],
    ['paused: none', [entry('a')], { paused: true }, []],
    ['record not accepted yet: waits', [entry('a'), entry('b')], { isRecordAccepted: (r) => r.recordId !== 'rec-a' }, ['b']],
    ['backoff not due', [entry('a', { nextAttemptAt: 2_000 }), entry('b', { nextAttemptAt: 1_000 })], {}, ['b']],
    ['running ones count against the limit and are not started twice', [entry('a'), entry('b'), entry('c')], { running: new Set(['a']) }, ['b']],
    ['limit reached', [entry('a'), entry('b')], { running: new Set(['x', 'y']) }, []],
    ['done, failed and synced entries never start', [entry('a', { state: 'done' }), entry('b', { state: 'failed' }), entry('c', { localOnly: false })], {}, []],
    ['an `uploading` row a stopped runner left resumes', [entry('a', { state: 'uploading', uploadUrl: 'http://x/a' })], {}, ['a']],
  ];
  for (const [name, entries, over, expected] of cases) {
    assert.deepEqual(
      uploadsToStart(entries, context(over)).map((e) => e.key),
      expected,
      name,
    );
  }
});

test('nextDueAt: the earliest backoff of an accepted, waiting entry', () => {
  const entries = [
    entry('a', { nextAttemptAt: 5_000 }),
    entry('b', { nextAttemptAt: 3_000 }),
    entry('c', { nextAttemptAt: 2_000, state: 'failed' }),
    entry('d', { nextAttemptAt: 500 }),
  ];
  assert.equal(nextDueAt(entries, context()), 3_000);
  assert.equal(nextDueAt(entries, context({ isRecordAccepted: () => false })), null);
  assert.equal(nextDueAt([entry('a')], context()), null);
});

test('uploadVerdict: done, retried with backoff, or refused for good with the server reason', () => {
  const policy = tuned(RETRY_POLICIES.mutation, { baseMs: 100, jitterMs: 0 });
  const cases: [string, UploadOutcome, number, unknown][] = [
    ['uploaded', { kind: 'uploaded' }, 3, { state: 'done' }],
    ['aborted (pause) counts no attempt', { kind: 'aborted' }, 2, { state: 'queued', attempts: 2, nextAttemptAt: 0, reason: null }],
    [
      '503 retried after 2^1 × 100 ms',
      { kind: 'http', status: 503, body: 'busy\n' },
      0,
      { state: 'queued', attempts: 1, nextAttemptAt: 1_200, reason: 'server answered 503: busy' },
    ],
    [
      '500 on the third failure waits 2^3 × 100 ms',
      { kind: 'http', status: 500, body: '' },
      2,
      { state: 'queued', attempts: 3, nextAttemptAt: 1_800, reason: 'server answered 500' },
    ],
    [
      '409 offset conflict is retried (HEAD again)',
      { kind: 'http', status: 409, body: 'offset' },
      0,
      { state: 'queued', attempts: 1, nextAttemptAt: 1_200, reason: 'server answered 409: offset' },
    ],
    [
      'network error retried',
      { kind: 'network', message: 'socket hang up' },
      0,
      { state: 'queued', attempts: 1, nextAttemptAt: 1_200, reason: 'socket hang up' },
    ],
    ['stall retried', { kind: 'timeout' }, 0, { state: 'queued', attempts: 1, nextAttemptAt: 1_200, reason: 'the upload stalled' }],
    ['the local file is gone: for good', { kind: 'file-missing' }, 0, { state: 'failed', reason: 'the file is no longer on this device' }],
    [
      '401 retried: the sign-in renews its token',
      { kind: 'http', status: 401, body: '' },
      0,
      { state: 'queued', attempts: 1, nextAttemptAt: 1_200, reason: 'not signed in: retried with the renewed sign-in' },
    ],
    ['403 for good', { kind: 'http', status: 403, body: 'you may read but not write\n' }, 0, { state: 'failed', reason: 'you may read but not write' }],
    ['404 for good', { kind: 'http', status: 404, body: '' }, 0, { state: 'failed', reason: 'the server has no such record, or you may not read it' }],
    ['413 names the limit', { kind: 'http', status: 413, body: 'the limit per file is 8 MB\n' }, 0, { state: 'failed', reason: 'the limit per file is 8 MB' }],
    ['422 mismatch', { kind: 'http', status: 422, body: 'Upload refused: sha\n' }, 4, { state: 'failed', reason: 'Upload refused: sha' }],
  ];
  for (const [name, outcome, attempts, expected] of cases) assert.deepEqual(uploadVerdict(outcome, attempts, 1_000, policy), expected, name);
  const limited = { ...policy, maxAttempts: 2 };
  assert.deepEqual(uploadVerdict({ kind: 'timeout' }, 1, 0, limited), { state: 'failed', reason: 'gave up after 2 attempts: the upload stalled' });
});

test('cachedFiles groups entries by sha-256; one un-uploaded entry pins the file', () => {
  const files = cachedFiles([
    entry('a', { sha256: 'f'.repeat(64), localOnly: false, lastAccessAt: 5 }),
    entry('b', { sha256: 'f'.repeat(64), localOnly: true, lastAccessAt: 9 }),
    entry('c', { localOnly: false, present: false }),
    entry('d', { localOnly: false, lastAccessAt: 3, size: 7 }),
  ]);
  assert.deepEqual(files, [
    { sha256: 'f'.repeat(64), size: 100, lastAccessAt: 9, pinned: true },
    { sha256: 'd'.padEnd(64, '0'), size: 7, lastAccessAt: 3, pinned: false },
  ]);
});

test('evictionPlan: least recently used synced files until under the limit', () => {
  const file = (sha256: string, size: number, lastAccessAt: number, pinned = false): CachedFile => ({ sha256, size, lastAccessAt, pinned });
  const cases: [string, CachedFile[], number, string[]][] = [
    ['under the limit: nothing', [file('a', 10, 1), file('b', 10, 2)], 20, []],
    ['oldest first until under', [file('a', 10, 3), file('b', 10, 1), file('c', 10, 2)], 15, ['b', 'c']],
    ['un-uploaded files are skipped even when oldest', [file('a', 50, 1, true), file('b', 10, 2), file('c', 10, 3)], 60, ['b']],
    ['only un-uploaded left: over the limit, nothing evicted', [file('a', 50, 1, true), file('b', 50, 2, true)], 10, []],
    ['evicts every synced file when pinned ones alone exceed the limit', [file('a', 50, 1, true), file('b', 5, 2)], 10, ['b']],
  ];
  for (const [name, files, limit, expected] of cases) assert.deepEqual(evictionPlan(files, limit), expected, name);
});

test('property: eviction never picks an un-uploaded file and gets under the limit when possible', () => {
  const arbFile = fc.record({
    sha256: fc.integer({ min: 0, max: 0xffff_ffff }).map((n) => n.toString(16).padStart(8, '0')),
    size: fc.nat({ max: 1_000 }),
    lastAccessAt: fc.nat({ max: 10_000 }),
    pinned: fc.boolean(),
  });
  const arbFiles = fc.uniqueArray(arbFile, { selector: (f) => f.sha256, maxLength: 30 });
  fc.assert(
    fc.property(arbFiles, fc.nat({ max: 20_000 }), (files, limit) => {
      const evicted = new Set(evictionPlan(files, limit));
      const bySha = new Map(files.map((f) => [f.sha256, f]));
      for (const sha of evicted) assert.equal(bySha.get(sha)?.pinned, false, 'evicted an un-uploaded file');
      const left = files.filter((f) => !evicted.has(f.sha256));
      const usage = left.reduce((sum, f) => sum + f.size, 0);
      const pinnedUsage = files.filter((f) => f.pinned).reduce((sum, f) => sum + f.size, 0);
      if (pinnedUsage <= limit) assert.ok(usage <= limit, `usage ${usage} over limit ${limit}`);
      else assert.equal(left.filter((f) => !f.pinned).length, 0, 'over the limit with a synced file left');
      // LRU: every synced file kept was used no earlier than every evicted one.
      const oldestKept = Math.min(...left.filter((f) => !f.pinned).map((f) => f.lastAccessAt));
      for (const sha of evicted) assert.ok((bySha.get(sha)?.lastAccessAt ?? 0) <= oldestKept);
    }),
    { seed, numRuns: 500 },
  );
});

test('bytesWaiting: unacknowledged bytes of files still to upload', () => {
  const entries = [
    entry('a', { size: 100, bytesAcked: 40 }),
    entry('b', { state: 'uploading', size: 10 }),
    entry('c', { state: 'failed' }),
    entry('d', { state: 'done', localOnly: false }),
  ];
  assert.equal(bytesWaiting(entries), 70);
});
