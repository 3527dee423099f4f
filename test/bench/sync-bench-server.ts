// Child process of sync.bench.ts: a real Outpost server on 127.0.0.1:0 (its own SQLite file) in a
// process of its own, so the benchmark's memory figures are the client's alone. Seeds
// BENCH_SEED_NOTES notes straight into storage (as if written earlier), prints one JSON line
// `{ url, apiKey }` and runs until its stdin closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from '../../server/index.js';
import { TEST_SDL } from '../integration/server/server-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-sync-bench-'));
const server = await startServer({ schema: TEST_SDL, database: `sqlite:${join(dir, 'server.db')}`, port: 0, host: '127.0.0.1', reportError: () => undefined });
const { key } = await server.authStore.createApiKey();
const seed = Number(process.env.BENCH_SEED_NOTES ?? 0);
const now = Date.now();
const iso = new Date(now).toISOString();
for (let done = 0; done < seed;) {
  const batch = Math.min(1000, seed - done);
  await server.storage.writeTransaction('Note', async (tx) => {
    for (let i = 0; i < batch; i++) {
      const n = done + i;
      await tx.put(
        'Note',
        { id: randomUUID(), text: `note ${n} ${'x'.repeat(40)}`, count: n, createdAt: iso, updatedAt: iso, _version: 1, _lastChangedAt: now, _deleted: null },
        null,
      );
    }
  });
  done += batch;
}
process.stdout.write(`${JSON.stringify({ url: server.url, apiKey: key })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
