// Child process of server.bench.ts: one real Outpost server (schema/schema.graphql) on
// 127.0.0.1:0 over the database given as argv[2], in a process of its own so the load generator's
// JSON work never shares the server's event loop and the server's CPU time can be read apart.
// Adds the user `bench` with a random password, prints one JSON line `{ url, username, password,
// owner }`, then answers one
// JSON line per command line on stdin:
//   {"cmd":"seed","count":N,"updated":M}  N Inspections written through the storage layer (as if
//       synced 2 h ago), then M of them changed again 1 min ago: `{ seconds, deltaSince }`
//   {"cmd":"cpu"}                         process CPU time so far: `{ userUs, systemUs }`
//   {"cmd":"plans"}                       the database's plan for a base page and a delta page
// and stops the server and exits when stdin closes.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sql, type Kysely } from 'kysely';
import { encodeColumnValue } from '../../common/predicates/column-codec.js';
import type { ModelDef } from '../../common/schema/types.js';
import { storedFields } from '../../common/schema/model-fields.js';
import { startServer } from '../../server/index.js';
import { openKyselyStorage } from '../../server/storage/open-storage.js';
import type { StoredItem } from '../../server/storage/storage.js';

const BENCH_USER = 'bench';
const password = randomBytes(12).toString('base64url');

const database = process.argv[2];
if (database === undefined) throw new Error('usage: server-bench-host.ts <sqlite:PATH | postgres://…>');
const schemaText = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
const server = await startServer({ schema: schemaText, database, port: 0, host: '127.0.0.1', reportError: (e) => console.error('server:', e) });
// The seeding and the plans go under the Storage interface, to the database itself: a second
// connection of the bench's own (the server exposes only the interface).
const inspector = await openKyselyStorage(database);
const user = await server.authStore.addUser({ username: BENCH_USER, password });
const owner = `${user.id}::${BENCH_USER}`;

const SEED_BATCH = 500;
const STATUSES = ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'];
const model = server.schema.models.Inspection;
if (model === undefined) throw new Error('schema/schema.graphql has no Inspection model');

function inspection(n: number, version: number, changedAt: number, createdAt: number): StoredItem {
  return {
    id: `seed-${String(n).padStart(6, '0')}`,
    siteID: `site-${n % 100}`,
    title: `Inspection ${n}`,
    status: STATUSES[(n + version) % 4] as string,
    score: (n * 7 + version) % 101,
    notes: n % 3 === 0 ? null : `notes for inspection ${n}, visit ${version}`,
    inspectedAt: new Date(changedAt).toISOString(),
    attachments: null,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(changedAt).toISOString(),
    owner,
    _version: version,
    _lastChangedAt: changedAt,
    _deleted: null,
  };
}

/**
 * Writes what the mutation path writes for each record — its row and a change-log entry — but as
 * multi-row INSERTs in one transaction per 500 records, so 50k records seed in seconds on
 * PostgreSQL rather than a minute of single-row round trips. Columns are encoded with the storage
 * layer's own codec; `seed` reads records back through `storage.get` to prove the rows are
 * exactly what the server would have stored.
 */
async function write(numbers: number[], version: number, changedAt: number, createdAt: number): Promise<void> {
  const dialect = server.storage.dialect;
  const fields = storedFields(model as ModelDef);
  for (let start = 0; start < numbers.length; start += SEED_BATCH) {
    // A few records per millisecond: distinct, ordered change times as real writes have.
    const items = numbers.slice(start, start + SEED_BATCH).map((n, i) => inspection(n, version, changedAt + Math.floor((start + i) / 4), createdAt));
    const rows = items.map((item) => {
      const row: Record<string, unknown> = {};
      for (const field of fields) row[field.name] = encodeColumnValue(field, item[field.name], dialect);
      return { ...row, _version: item._version, _lastChangedAt: item._lastChangedAt, _deleted: null, _ttl: null };
    });
    const changes = items.map((item) => ({
      model: 'Inspection',
      item_id: item.id,
      version: item._version,
      changed_at: item._lastChangedAt,
      item: JSON.stringify(item),
    }));
    const db = inspector.kysely as Kysely<Record<string, Record<string, unknown>>>;
    await db.transaction().execute(async (trx) => {
      const update = Object.fromEntries(
        Object.keys(rows[0] ?? {})
          .filter((c) => c !== 'id')
          .map((c) => [c, sql.ref(`excluded.${c}`)]),
      );
      await trx
        .insertInto('Inspection')
        .values(rows)
        .onConflict((oc) => oc.column('id').doUpdateSet(update))
        .execute();
      await trx.insertInto('_outpost_changes').values(changes).execute();
    });
  }
}

async function seed(count: number, updated: number): Promise<{ seconds: number; deltaSince: number }> {
  const started = performance.now();
  const now = Date.now();
  const synced = now - 2 * 3600_000;
  const all = Array.from({ length: count }, (_, n) => n);
  await write(all, 1, synced, synced);
  // Every (count/updated)-th record changed again a minute ago: what a delta sync after a short absence sees.
  const step = Math.max(1, Math.floor(count / Math.max(1, updated)));
  const changed = all.filter((n) => n % step === 0).slice(0, updated);
  const deltaSince = now - 60_000;
  await write(changed, 2, deltaSince, synced);
  // Statistics as a database that grew to this size under autovacuum would have them.
  if (server.storage.dialect === 'postgres') await sql`analyze`.execute(inspector.kysely);
  const stored = await server.storage.get('Inspection', 'seed-000001');
  const expected = inspection(1, 1, synced, synced);
  if (JSON.stringify(stored) !== JSON.stringify(expected)) {
    throw new Error(`seeded row reads back as ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}`);
  }
  return { seconds: (performance.now() - started) / 1000, deltaSince };
}

async function plans(): Promise<{ base: string[]; delta: string[] }> {
  const db = inspector.kysely;
  const pg = server.storage.dialect === 'postgres';
  const explain = pg ? 'explain' : 'explain query plan';
  const key = pg ? sql`"id" collate "C"` : sql`"id"`;
  const base = await sql<
    Record<string, unknown>
  >`${sql.raw(explain)} select * from "Inspection" where ${key} > ${'seed-025000'} and "owner" in (${owner}) order by ${key} limit 1000`.execute(db);
  const delta = await sql<
    Record<string, unknown>
  >`${sql.raw(explain)} select "seq", "item" from "_outpost_changes" where "model" = ${'Inspection'} and "changed_at" >= ${Date.now() - 60_000} and "seq" > ${0} order by "seq" limit 1000`.execute(
    db,
  );
  const text = (rows: Record<string, unknown>[]) => rows.map((r) => String(r['QUERY PLAN'] ?? r.detail));
  return { base: text(base.rows), delta: text(delta.rows) };
}

process.stdout.write(`${JSON.stringify({ url: server.url, username: BENCH_USER, password, owner })}\n`);
const lines = createInterface({ input: process.stdin });
// One command at a time, in order: a seed must finish before the plans or CPU reading after it.
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    const command = JSON.parse(line) as { cmd: string; count?: number; updated?: number };
    let reply: unknown;
    try {
      if (command.cmd === 'seed') reply = await seed(command.count ?? 0, command.updated ?? 0);
      else if (command.cmd === 'cpu') {
        const usage = process.cpuUsage();
        reply = { userUs: usage.user, systemUs: usage.system };
      } else if (command.cmd === 'plans') reply = await plans();
      else reply = { error: `unknown command ${command.cmd}` };
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
lines.on('close', () => {
  void queue
    .then(() => server.close())
    .then(() => inspector.close())
    .then(() => process.exit(0));
});
