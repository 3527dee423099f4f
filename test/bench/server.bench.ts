// Sync server throughput over real HTTP on 127.0.0.1, SQLite vs PostgreSQL side by side:
// create mutations/s with 1, 8 and 64 concurrent clients, and records/s served by full-sync pages.
// Prints a table and writes bench-results/server.json. Numbers only; nothing passes or fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { postgresUnavailable, startHarness, type Dialect, type Harness } from '../integration/server/server-harness.js';

const MUTATIONS_PER_LEVEL = 640;
const CONCURRENCY = [1, 8, 64];
const SYNC_RECORDS = 3000;
const SYNC_PAGE = 1000;

const CREATE = 'mutation($input: CreateNoteInput!){ createNote(input: $input){ id text count _version _lastChangedAt _deleted } }';
const SYNC = 'query($limit: Int, $nextToken: String, $lastSync: AWSTimestamp){ syncNotes(limit: $limit, nextToken: $nextToken, lastSync: $lastSync){ items { id text count _version _lastChangedAt _deleted } nextToken startedAt } }';

async function mutationsPerSecond(h: Harness, clients: number, tag: string): Promise<number> {
  const perClient = Math.ceil(MUTATIONS_PER_LEVEL / clients);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) {
        const res = await h.gql(h.key, CREATE, { input: { id: `${tag}-${clients}-${c}-${i}`, text: 'bench', count: i } });
        if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
      }
    }),
  );
  return (perClient * clients) / ((performance.now() - started) / 1000);
}

async function syncRecordsPerSecond(h: Harness): Promise<number> {
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    let records = 0;
    let nextToken: string | null = null;
    do {
      const res = await h.gql(h.key, SYNC, { limit: SYNC_PAGE, nextToken, lastSync: 0 });
      const page = res.body.data?.syncNotes as { items: unknown[]; nextToken: string | null };
      records += page.items.length;
      nextToken = page.nextToken;
    } while (nextToken !== null);
    best = Math.max(best, records / ((performance.now() - started) / 1000));
  }
  return best;
}

const results: Record<string, Record<string, number | string>> = {};
const pgSkip = await postgresUnavailable();
for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  if (dialect === 'postgres' && pgSkip) {
    results[dialect] = { skipped: pgSkip };
    continue;
  }
  const h = await startHarness(dialect);
  try {
    const row: Record<string, number> = {};
    for (const clients of CONCURRENCY) row[`mutations/s (${clients} clients)`] = Math.round(await mutationsPerSecond(h, clients, 'm'));
    const existing = CONCURRENCY.reduce((n, c) => n + Math.ceil(MUTATIONS_PER_LEVEL / c) * c, 0);
    for (let i = existing; i < SYNC_RECORDS; i += 64) {
      await Promise.all(Array.from({ length: 64 }, (_, j) => h.gql(h.key, CREATE, { input: { id: `s-${i + j}`, text: 'sync', count: j } })));
    }
    row[`sync records/s (pages of ${SYNC_PAGE})`] = Math.round(await syncRecordsPerSecond(h));
    results[dialect] = row;
  } finally {
    await h.close();
  }
}

console.table(results);
const sqlite = results.sqlite ?? {};
const postgres = results.postgres ?? {};
for (const key of Object.keys(sqlite)) {
  const a = sqlite[key];
  const b = postgres[key];
  if (typeof a === 'number' && typeof b === 'number' && b > 0) console.log(`${key}: SQLite / PostgreSQL = ${(a / b).toFixed(2)}`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/server.json', `${JSON.stringify({ at: new Date().toISOString(), mutationsPerLevel: MUTATIONS_PER_LEVEL, results }, null, 2)}\n`);
