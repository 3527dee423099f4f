// Child process of device-scale.bench.ts: a real Outpost server (example schema, SQLite file) on
// 127.0.0.1:0 in a process of its own, so the bench's memory and CPU figures are the client's.
// Seeds DEVICE_RECORDS records owned by alice straight into the model tables with one prepared
// INSERT per model in large transactions (a base sync reads the model tables; pushing a million
// mutations would measure the server's write path instead). Prints one JSON line
// `{ url, alice, bob, seeded, seedSeconds }` (access tokens), then answers stdin lines:
// `cpu` → `{"cpuMs":…}` (this process's CPU time so far); `delta <n>` → n updates of alice's Observations through the storage's write path (change log
// included, as mutations would leave it), answered `{"delta":n}`. Exits when stdin closes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startServer } from '../../server/index.js';
import { deviceRecord, deviceMix } from './device-scale-data.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sdl = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const total = Number(process.env.DEVICE_RECORDS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'outpost-device-scale-'));
const file = join(dir, 'server.db');
const server = await startServer({ schema: sdl, database: `sqlite:${file}`, port: 0, host: '127.0.0.1', configDir: dir, reportError: () => undefined });

async function signIn(username: string): Promise<{ token: string; owner: string }> {
  await server.authStore.addUser({ username, password: `${username} password 123` });
  const res = await fetch(server.url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (typeof body.accessToken !== 'string') throw new Error(`sign-in of ${username} failed`);
  const user = await server.authStore.getUser(username);
  return { token: body.accessToken, owner: `${user?.id ?? '?'}::${username}` };
}
const alice = await signIn('alice');
const bob = await signIn('bob');

// A second connection on the server's own file (WAL): the server only reads these rows later.
const seedStart = performance.now();
const now = Date.now();
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
const mix = deviceMix(total);
for (const [model, count] of mix) {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(model) as { name: string }[]).map((c) => c.name);
  const insert = db.prepare(`INSERT INTO "${model}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const record = deviceRecord(model, i, mix, alice.owner, now);
      insert.run(columns.map((c) => (c === '_deleted' ? null : c === '_ttl' ? null : storedValue(record[c]))));
    }
  });
  for (let from = 0; from < count; from += 20_000) batch(from, Math.min(count, from + 20_000));
}
db.close();
const seedSeconds = (performance.now() - seedStart) / 1000;

function storedValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

process.stdout.write(`${JSON.stringify({ url: server.url, alice: alice.token, bob: bob.token, seeded: total, seedSeconds })}\n`);

let round = 0;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'cpu') {
    const used = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000 })}\n`);
    return;
  }
  if (command !== 'delta') return;
  const n = Number(arg);
  round++;
  void (async () => {
    const observations = mix.get('Observation') ?? 0;
    for (let done = 0; done < n; done += 500) {
      await server.storage.writeTransaction('Observation', async (tx) => {
        for (let i = done; i < Math.min(n, done + 500); i++) {
          const record = deviceRecord('Observation', (i * 7919) % observations, mix, alice.owner, now);
          const item = { ...record, description: `changed in round ${round}`, _version: 1 + round, _lastChangedAt: Date.now(), _deleted: null };
          await tx.put('Observation', item, null);
          await tx.appendChange('Observation', item, null);
        }
      });
    }
    process.stdout.write(`${JSON.stringify({ delta: n })}\n`);
  })();
});
lines.on('close', () => {
  void server.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
