// Child process of realtime.bench.ts: one real Outpost server (schema/schema.graphql) on
// 127.0.0.1:0 over the database given as argv[2], alone in its process so its CPU time and RSS
// are its own. REALTIME_BENCH_MAX_CONNECTIONS (when set) is handed to the server as its
// real-time connection limit. Signs a new user `bench-<hex>` in and prints one JSON line
// `{ url, realtimeUrl, healthUrl, token, owner }`, then answers one JSON line per stdin line:
//   {"cmd":"stats"}  `{ userUs, systemUs, rssBytes, heapUsedBytes, externalBytes }` of this process so far (`"gc":true` collects first)
// and stops the server and exits when stdin closes.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startServer, type StartServerOptions } from '../../server/index.js';

const database = process.argv[2];
if (database === undefined) throw new Error('usage: realtime-server-host.ts <sqlite:PATH | postgres://…>');
const schemaText = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
const maxConnections = process.env.REALTIME_BENCH_MAX_CONNECTIONS;
const realtimeOption: Pick<StartServerOptions, 'realtime'> = maxConnections !== undefined ? { realtime: { maxConnections: Number(maxConnections) } } : {};
const server = await startServer({
  schema: schemaText,
  database,
  port: 0,
  host: '127.0.0.1',
  // Tokens outlive the run so re-checks and expiry never end a subscription mid-measurement.
  auth: { tokens: { accessTokenTtlSec: 6 * 3600 } },
  ...realtimeOption,
  reportError: (e) => console.error('server:', e),
});
const password = randomBytes(12).toString('base64url');
// A name of its own: a second host on the same PostgreSQL database adds its user beside the first's.
const username = `bench-${randomBytes(4).toString('hex')}`;
const user = await server.authStore.addUser({ username, password });
const response = await fetch(server.url.replace(/\/graphql$/, '/auth/token'), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});
const { accessToken } = (await response.json()) as { accessToken?: string };
if (typeof accessToken !== 'string') throw new Error('bench sign-in failed');
process.stdout.write(
  `${JSON.stringify({
    url: server.url,
    realtimeUrl: server.realtimeUrl,
    healthUrl: server.url.replace(/\/graphql$/, '/health'),
    token: accessToken,
    owner: `${user.id}::${username}`,
  })}\n`,
);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string; gc?: boolean };
  if (command.cmd === 'stats') {
    // Started with --expose-gc: the idle figure is what stays live, not a burst's garbage.
    if (command.gc) (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ userUs: cpu.user, systemUs: cpu.system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external + memory.arrayBuffers })}\n`,
    );
  }
});
lines.on('close', () => {
  void server.close().finally(() => process.exit(0));
});
