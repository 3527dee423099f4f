// The server's running upload digests (server/attachments/blob-digest.ts): which digest an append
// continues from — the kept one only for the same upload generation at exactly its offset — and
// that a digest fed in pieces equals one over the whole.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DIGEST_HEAD_BYTES, RunningDigest, RunningDigests, digestOf } from '../../../server/attachments/blob-digest.js';

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('resume hands back the kept digest only for its generation and offset', () => {
  const cases: Array<{ name: string; generation: string; offset: number; expect: 'kept' | 'fresh' | 'none' }> = [
    { name: 'same generation, same offset', generation: 'g1', offset: 3, expect: 'kept' },
    { name: 'same generation, another process moved the offset', generation: 'g1', offset: 5, expect: 'none' },
    { name: 'created again (new generation) at the same offset', generation: 'g2', offset: 3, expect: 'none' },
    { name: 'created again, first append', generation: 'g2', offset: 0, expect: 'fresh' },
  ];
  for (const { name, generation, offset, expect } of cases) {
    const digests = new RunningDigests();
    const kept = new RunningDigest();
    kept.update(Buffer.from('abc'));
    digests.keep('id', 'g1', kept);
    const resumed = digests.resume('id', generation, offset);
    if (expect === 'kept') assert.equal(resumed, kept, name);
    else if (expect === 'fresh') assert.ok(resumed !== null && resumed !== kept && resumed.offset === 0, name);
    else assert.equal(resumed, null, name);
    assert.equal(digests.resume('id', 'g1', 3)?.offset ?? 0, 0, `${name}: a digest is handed out once`);
  }
});

test('a dropped digest is not resumed; an upload never seen resumes only at 0', () => {
  const digests = new RunningDigests();
  const kept = new RunningDigest();
  kept.update(Buffer.from('abc'));
  digests.keep('id', 'g', kept);
  digests.drop('id');
  assert.equal(digests.resume('id', 'g', 3), null);
  assert.equal(digests.resume('other', 'g', 7), null);
  assert.equal(digests.resume('other', 'g', 0)?.offset, 0);
});

test('a digest fed in pieces equals the whole blob’s sha-256 and keeps its first bytes', async () => {
  const whole = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  const running = new RunningDigest();
  for (const [from, to] of [
    [0, 10],
    [10, 10],
    [10, 700],
    [700, 1000],
  ]) {
    running.update(whole.subarray(from, to));
  }
  assert.equal(running.offset, 1000);
  assert.deepEqual(running.finish(), { sha256: sha(whole), head: whole.subarray(0, DIGEST_HEAD_BYTES) });
  assert.deepEqual(await digestOf([whole.subarray(0, 5), whole.subarray(5)]), { sha256: sha(whole), head: whole.subarray(0, DIGEST_HEAD_BYTES) });
  assert.deepEqual(await digestOf([]), { sha256: sha(Buffer.alloc(0)), head: Buffer.alloc(0) });
});
