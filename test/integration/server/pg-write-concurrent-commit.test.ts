// PostgreSQL's lock-free write path (issue 16) under commits that race across server processes:
// two storages in child processes (pg-write-storage-child.ts) and the test's own on one database.
// 1. Write A reads its record and the clock, then commits only after write B committed and after a
//    delta sync ran between them; the next delta sync from that sync's watermark delivers A exactly
//    once (A's first try fails the fence the sync raised and runs again with a later change time),
//    paged one entry at a time with no entry twice. The same interleaving on a naive design — the
//    change-log seq as watermark, taken as max(seq) while A's transaction is open — loses A: that
//    half shows what the test would catch.
// 2. Versions stay strictly increasing per record with 2 processes × 15 concurrent updates of one
//    record: every version from 1 to 31 is in the change log once, in seq order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { deploySchema } from '../../../server/storage/deploy-schema.js';
import type { KyselyStorage } from '../../../server/storage/kysely-storage.js';
import { openKyselyStorage } from '../../../server/storage/open-storage.js';
import { createTestDatabase, postgresUnavailable } from './server-harness.js';

const SDL = 'type Note @model @auth(rules: [{ allow: public }]) { id: ID! text: String count: Int }';
const pgSkip = await postgresUnavailable();
const childScript = fileURLToPath(new URL('./pg-write-storage-child.ts', import.meta.url));

type Line = Record<string, unknown>;

/** A storage in its own process. */
interface StorageProcess {
  send(command: Record<string, unknown>): void;
  /** The next reply line that `matches` (replies are taken in order, others wait for their turn). */
  next(matches: (line: Line) => boolean): Promise<Line>;
  stop(): Promise<void>;
}

function startStorageProcess(url: string): StorageProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childScript, url, SDL], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters: Array<{ matches: (line: Line) => boolean; resolve: (line: Line) => void }> = [];
  const offer = () => {
    for (const waiter of [...waiters]) {
      const index = lines.findIndex(waiter.matches);
      if (index < 0) continue;
      const [line] = lines.splice(index, 1);
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line as Line);
    }
  };
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    if (typeof line.error === 'string') throw new Error(`storage process: ${line.error}`);
    lines.push(line);
    offer();
  });
  return {
    send: (command) => child.stdin!.write(`${JSON.stringify(command)}\n`),
    next: (matches) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('storage process did not answer within 60 s')), 60_000);
        waiters.push({
          matches,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        offer();
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await gone;
    },
  };
}

/** A delta sync as the sync resolver runs it: watermark first, then pages of one entry from `since`. */
async function deltaSync(storage: KyselyStorage, since: number): Promise<{ startedAt: number; ids: string[] }> {
  const startedAt = await storage.syncStartTime('Note');
  const ids: string[] = [];
  const seqs = new Set<number>();
  let afterSeq = 0;
  for (let page = 0; page < 100; page++) {
    const entries = await storage.deltaPage('Note', { since, afterSeq, limit: 1 });
    for (const entry of entries) {
      assert.ok(!seqs.has(entry.seq), `change-log entry ${entry.seq} came on two pages`);
      seqs.add(entry.seq);
      ids.push(String(entry.item.id));
    }
    if (entries.length < 1) break;
    afterSeq = entries[entries.length - 1]?.seq ?? afterSeq;
  }
  return { startedAt, ids };
}

let database: { url: string; drop(): Promise<void> } | undefined;
let storage: KyselyStorage | undefined;
const children: StorageProcess[] = [];

before(async () => {
  if (pgSkip) return;
  database = await createTestDatabase();
  storage = await openKyselyStorage(database.url);
  await deploySchema(storage, parseSchema(SDL), false);
  children.push(startStorageProcess(database.url), startStorageProcess(database.url));
});

after(async () => {
  for (const child of children) await child.stop();
  await storage?.close();
  await database?.drop();
});

test('postgres: a write that commits after a later write and a delta sync is delivered by the next delta sync, once', { skip: pgSkip }, async () => {
  const main = storage as KyselyStorage;
  const [a, b] = children as [StorageProcess, StorageProcess];
  const start = await main.syncStartTime('Note');

  a.send({ cmd: 'pausedWrite', id: 'a' });
  const paused = await a.next((l) => l.paused === 'a');
  b.send({ cmd: 'write', id: 'b' });
  const wroteB = await b.next((l) => l.id === 'b');
  assert.ok(Number(wroteB.changedAt) >= Number(paused.clockMs), 'B took its change time after A took its own');

  const first = await deltaSync(main, start);
  assert.deepEqual(first.ids, ['b'], 'A has not committed yet');

  a.send({ cmd: 'release' });
  const wroteA = await a.next((l) => l.id === 'a');
  assert.equal(wroteA.attempts, 2, 'the fence raised by the sync sent A round again');
  assert.ok(Number(wroteA.changedAt) >= first.startedAt, `A's change time ${String(wroteA.changedAt)} is not below the watermark ${first.startedAt}`);

  const second = await deltaSync(main, first.startedAt);
  assert.deepEqual(second.ids, ['a'], 'the next delta sync delivers A, exactly once');
  assert.deepEqual((await main.get('Note', 'a'))?._version, 1);
});

test('postgres: the same interleaving on a naive design (watermark = max(seq) while A is open) loses A', { skip: pgSkip }, async () => {
  // Not Outpost's code: what the test above guards against, shown on raw SQL over the same table.
  const url = (database as { url: string }).url;
  const clientA = new pg.Client({ connectionString: url });
  const clientB = new pg.Client({ connectionString: url });
  await clientA.connect();
  await clientB.connect();
  try {
    const insert = `insert into _outpost_changes (model, item_id, version, changed_at, item) values ('Naive', $1, 1, 0, '{}') returning seq`;
    const watermark = async () =>
      Number((await clientB.query<{ m: string | null }>(`select max(seq)::text as m from _outpost_changes where model = 'Naive'`)).rows[0]?.m ?? 0);
    const since = async (seq: number) =>
      (await clientB.query<{ item_id: string }>(`select item_id from _outpost_changes where model = 'Naive' and seq > $1 order by seq`, [seq])).rows.map(
        (r) => r.item_id,
      );
    const start = await watermark();
    await clientA.query('begin');
    await clientA.query(insert, ['a']);
    await clientB.query(insert, ['b']);
    const firstIds = await since(start);
    const mark = await watermark();
    await clientA.query('commit');
    const secondIds = await since(mark);
    assert.deepEqual(firstIds, ['b']);
    assert.deepEqual(secondIds, [], 'the naive watermark skips A, which committed behind it');
  } finally {
    await clientA.end();
    await clientB.end();
  }
});

test('postgres: versions stay strictly increasing per record under 2 processes × 15 concurrent updates', { skip: pgSkip }, async () => {
  const main = storage as KyselyStorage;
  const [a, b] = children as [StorageProcess, StorageProcess];
  a.send({ cmd: 'write', id: 'hot' });
  await a.next((l) => l.id === 'hot');
  a.send({ cmd: 'updates', id: 'hot', n: 15 });
  b.send({ cmd: 'updates', id: 'hot', n: 15 });
  const [fromA, fromB] = await Promise.all([a.next((l) => Array.isArray(l.versions)), b.next((l) => Array.isArray(l.versions))]);
  const written = [...(fromA.versions as number[]), ...(fromB.versions as number[])].sort((x, y) => x - y);
  assert.deepEqual(
    written,
    Array.from({ length: 30 }, (_, i) => i + 2),
    'each update wrote its own version',
  );
  assert.equal((await main.get('Note', 'hot'))?._version, 31);
  const log = await main.deltaPage('Note', { since: 0, afterSeq: 0, limit: 1000 });
  const versions = log.filter((e) => e.item.id === 'hot').map((e) => e.item._version);
  assert.deepEqual(
    versions,
    Array.from({ length: 31 }, (_, i) => i + 1),
    'the change log holds versions 1…31 once each, in seq order',
  );
});
