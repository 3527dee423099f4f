// An attachment upload through the client's UploadRunner to the real server, through the TCP fault
// proxy, which cuts every connection twice mid-file at seeded byte counts. The runner backs off and
// resumes from the server's offset: the proxy's count of bytes sent up shows that acknowledged
// chunks were not sent again (at most the one chunk in flight per cut, plus the requests' headers),
// and the blob the server serves hashes to the file. On SQLite (disk blobs) and PostgreSQL.
// Seeded: the seed is printed; `SEED=<n>` replays a run.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { loadEntry } from '../../../main/attachments/attachment-tables.js';
import { UploadRunner } from '../../../main/attachments/upload-runner.js';
import { RETRY_POLICIES, seededRandom, tuned } from '../../../main/sync/core/retry-policy.js';
import { pngBytes } from '../../integration/attachments/attachment-harness.js';
import { attach, openProfile, sha256, stateReached, type Profile } from '../../integration/attachments/client/client-harness.js';
import { postgresUnavailable } from '../../integration/server/server-harness.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';
import { startAttachmentServer, type AttachmentServer } from './attachment-server.js';

const MiB = 1024 * 1024;
const FILE_BYTES = 16 * MiB;
const CHUNK_BYTES = MiB;
// Headers of every request the upload makes (HEAD, POST, a PATCH per chunk, HEAD again after each
// cut), each well under 2 KiB with the bearer token and Upload-Metadata: a generous bound.
const PROTOCOL_OVERHEAD_BYTES = 64 * 1024;

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
const pgSkip = await postgresUnavailable();
before(() => console.log(`upload-resume seed: ${seed} (replay with SEED=${seed})`));

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`attachment upload cut mid-file on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : false }, () => {
    let running: AttachmentServer;
    let proxy: FaultProxy;
    let profile: Profile;
    before(async () => {
      running = await startAttachmentServer(dialect, { maxFileBytes: 32 * MiB });
      proxy = await startFaultProxy(running.server.port);
      profile = await openProfile();
    });
    after(async () => {
      await proxy?.close();
      await running?.close();
      profile?.db.close();
      if (profile) await rm(profile.dir, { recursive: true, force: true });
    });

    test(`two cuts: the runner resumes each time without re-sending acknowledged chunks (seed ${seed})`, { timeout: 60_000 }, async () => {
      const recordId = await running.createObservation('cut mid-file');
      const file = pngBytes(FILE_BYTES, seed);
      const ref = await attach(profile, recordId, file);
      // One cut in the first half, one in the second, never within a chunk of either end.
      const cutsAt = [CHUNK_BYTES + random() * (FILE_BYTES / 2 - 2 * CHUNK_BYTES), FILE_BYTES / 2 + random() * (FILE_BYTES / 2 - 2 * CHUNK_BYTES)].map(
        Math.floor,
      );
      console.log(`${dialect}: cutting after ${cutsAt.join(' and ')} bytes sent`);

      const runner = new UploadRunner({
        db: profile.db,
        files: profile.files,
        endpoint: proxy.url('/attachments'),
        headers: () => ({ Authorization: running.authorization }),
        isRecordAccepted: () => true,
        chunkSize: CHUNK_BYTES,
        policy: tuned(RETRY_POLICIES.mutation, { baseMs: 10, jitterMs: 0 }),
      });
      const upBefore = proxy.bytes.up;
      const cuts: Array<{ readonly sentUp: number; readonly connections: number }> = [];
      // The proxy counts bytes as it forwards them; checked every millisecond, the cut lands within
      // a few hundred KiB of its mark, always inside the file.
      const watcher = setInterval(() => {
        const sentUp = proxy.bytes.up - upBefore;
        if (cuts.length < cutsAt.length && sentUp >= cutsAt[cuts.length]) cuts.push({ sentUp, connections: proxy.cutAll() });
      }, 1);
      const failures: string[] = [];
      runner.onFileState((event) => {
        if (event.key === ref.key && event.state === 'queued' && event.reason !== undefined) failures.push(event.reason);
      });
      const done = stateReached(runner, profile, ref.key, 'done');
      try {
        runner.start();
        await done;
      } finally {
        clearInterval(watcher);
        await runner.stop();
      }

      const sentUp = proxy.bytes.up - upBefore;
      console.log(`${dialect}: ${sentUp} bytes sent up for a ${FILE_BYTES}-byte file; cuts ${JSON.stringify(cuts)}; failures ${JSON.stringify(failures)}`);
      assert.equal(cuts.length, 2, 'both cuts happened');
      assert.ok(
        cuts.every((cut) => cut.connections >= 1 && cut.sentUp < FILE_BYTES),
        'each cut closed an open connection mid-file',
      );
      const entry = loadEntry(profile.db, ref.key);
      assert.ok(entry?.state === 'done' && entry.bytesAcked === FILE_BYTES && !entry.localOnly, JSON.stringify(entry));
      assert.ok(entry.attempts >= 1 && entry.attempts <= 2 && failures.length === entry.attempts, `${entry.attempts} failed attempts: ${failures.join('; ')}`);
      assert.ok(sentUp >= FILE_BYTES, 'every byte went up at least once');
      assert.ok(
        sentUp <= FILE_BYTES + cuts.length * CHUNK_BYTES + PROTOCOL_OVERHEAD_BYTES,
        `${sentUp - FILE_BYTES} bytes beyond the file were sent: acknowledged chunks were sent again`,
      );
      const served = await running.download(ref.key);
      assert.deepEqual(served, { status: 200, sha256: sha256(file), bytes: FILE_BYTES }, 'the server holds exactly the file');
    });
  });
}
