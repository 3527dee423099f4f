// Child process of sync.bench.ts: a real Outpost server on 127.0.0.1:0 (its own SQLite file) in a
// process of its own, so the benchmark's memory figures are the client's alone. Seeds
// BENCH_SEED_NOTES notes straight into storage (as if written earlier), prints one JSON line
// `{ url, apiKey }` (with BENCH_TLS=1 over HTTPS with a throw-away certificate for 127.0.0.1, and
// `cert`, its PEM file: the official client always opens wss://) and runs until its stdin closes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { TEST_SDL } from '../integration/server/server-harness.js';
import { startTlsServer } from '../integration/compat/amplify-node-client.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-sync-bench-'));
const tls = process.env.BENCH_TLS === '1' ? await startTlsServer(parseSchema(TEST_SDL), { reportError: () => undefined }) : null;
const server: RunningServer =
  tls?.server ??
  (await startServer({ schema: TEST_SDL, database: `sqlite:${join(dir, 'server.db')}`, port: 0, host: '127.0.0.1', reportError: () => undefined }));
const cert = tls === null ? undefined : join(dir, 'cert.pem');
if (tls !== null && cert !== undefined) writeFileSync(cert, tls.cert);
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
process.stdout.write(`${JSON.stringify({ url: server.url, apiKey: key, ...(cert === undefined ? {} : { cert }) })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void (tls ?? server).close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
