// SIGKILL while a plain store (20k synced rows, 500 unsynced saves in the outbox, a WAL left by
// a crash) is encrypted in place: at each step of encryptPlainStore, and at seeded random moments
// of openDatastore({ key }). Whatever the moment, the file left is whole (the plain original
// before the rename, the encrypted copy after it), and reopening with the key gives every row and
// outbox entry with no plaintext file left. Replay a run with OUTPOST_FAULT_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { storeFileKind, type EncryptionStep } from '../../../main/datastore/store-encryption.js';
import { exampleSchema, tempDir } from '../../unit/datastore/temp-datastore.js';

const script = fileURLToPath(new URL('./encrypted-store-child.ts', import.meta.url));
const schema = exampleSchema();
const ROWS = 20_000;
const SAVES = 500;
const MARK = 'Wombat';

/** A plain store as an older Outpost left it, killed mid-work: rows, outbox entries, a populated WAL. */
async function plainTemplate(dir: string): Promise<{ dir: string; siteIds: string[] }> {
  const live = join(dir, 'live');
  mkdirSync(live);
  const store = openDatastore({ file: join(live, 'outpost.db'), schema, durability: 'NORMAL' });
  for (let page = 0; page < ROWS / 1000; page++) {
    const records = [];
    for (let j = 0; j < 1000; j++) {
      const n = page * 1000 + j;
      records.push({
        id: `insp-${n}`,
        siteID: `site-${n % 50}`,
        title: `${MARK} inspection ${n}`,
        status: 'DRAFT',
        score: n % 100,
        notes: null,
        inspectedAt: null,
        _version: 1,
        _lastChangedAt: 1,
        _deleted: null,
      });
    }
    await store.remote.applyRemote('Inspection', records, { isFullSync: true });
  }
  const siteIds: string[] = [];
  for (let i = 0; i < SAVES; i++) siteIds.push(String((await store.save('Site', { name: `${MARK} site ${i}`, tags: [] })).id));
  const template = join(dir, 'template');
  cpSync(live, template, { recursive: true }); // while open: the WAL is in the copy, as after a crash
  await store.close();
  assert.ok(statSync(join(template, 'outpost.db-wal')).size > 0, 'the template has a WAL');
  return { dir: template, siteIds };
}

/** Runs the child until it prints `until` (then kills it after `delayMs`), or kills it at `deadline`. */
function runChild(args: string[], until: (line: string) => number | null): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const delay = until(line);
        if (delay === null) continue;
        if (delay === 0) child.kill('SIGKILL');
        else setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL' || code === 0) resolve({ lines, killed: signal === 'SIGKILL' });
      else reject(new Error(`child failed (code ${code}): ${stderr}`));
    });
  });
}

/** The file the kill left is whole, and opening it with the key gives everything, encrypted, with no plaintext anywhere; returns what the kill left (plain or encrypted). */
async function assertRecovered(
  dir: string,
  key: Buffer,
  siteIds: readonly string[],
  expectKind: 'plain' | 'encrypted' | 'either',
  what: string,
): Promise<string> {
  const file = join(dir, 'outpost.db');
  const kind = storeFileKind(file);
  if (expectKind !== 'either') assert.equal(kind, expectKind, `${what}: the file left is ${expectKind}`);
  assert.ok(kind === 'plain' || kind === 'encrypted', `${what}: the file left is a database (${kind})`);
  if (kind === 'plain') {
    // Until the rename the original is untouched and opens as it did.
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.prepare('SELECT count(*) FROM "Inspection"').pluck().get(), ROWS, `${what}: plain original intact`);
      assert.equal(raw.prepare('SELECT count(*) FROM "_outpost_outbox"').pluck().get(), SAVES, `${what}: plain outbox intact`);
    } finally {
      raw.close();
    }
  }
  const store = openDatastore({ file, schema, key });
  try {
    assert.equal(await store.count('Inspection'), ROWS, `${what}: every synced row`);
    const sites = await store.query('Site');
    assert.deepEqual(sites.map((s) => String(s.id)).sort(), [...siteIds].sort(), `${what}: every saved record`);
    const entries = await store.outbox.listEntries();
    assert.equal(entries.length, SAVES, `${what}: every outbox entry`);
    assert.deepEqual(entries.map((e) => e.modelId).sort(), [...siteIds].sort());
    assert.equal((await store.query('Inspection', { search: 'wombat', limit: 5 })).length, 5, `${what}: the search index`);
  } finally {
    await store.close();
  }
  assert.equal(storeFileKind(file), 'encrypted');
  assert.deepEqual(readdirSync(dir), ['outpost.db'], `${what}: no copy, WAL or key holder left`);
  assert.equal(readFileSync(file).includes(Buffer.from(MARK)), false, `${what}: no plaintext in the file`);
  return kind;
}

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('SIGKILL at any point of encrypting a plain store in place loses nothing and leaves no plaintext', async (t) => {
  const work = tempDir(t);
  const { dir: template, siteIds } = await plainTemplate(work);
  const key = randomBytes(32);
  const keyHex = key.toString('hex');
  let run = 0;
  const fresh = (): string => {
    const dir = join(work, `run-${run++}`);
    cpSync(template, dir, { recursive: true });
    return dir;
  };

  const steps: [EncryptionStep, 'plain' | 'encrypted'][] = [
    ['checkpointed', 'plain'],
    ['copied', 'plain'],
    ['synced', 'plain'],
    ['verified', 'plain'],
    ['plainSidecarsRemoved', 'plain'],
    ['renamed', 'encrypted'],
  ];
  for (const [step, kind] of steps) {
    const dir = fresh();
    const { lines, killed } = await runChild(['migrate', join(dir, 'outpost.db'), keyHex, step], (line) => (line === `at ${step}` ? 0 : null));
    assert.ok(killed && lines.includes(`at ${step}`), `killed at ${step}`);
    await assertRecovered(dir, key, siteIds, kind, `killed after ${step}`);
  }

  // How long opening (and so encrypting) takes here, from an uninterrupted run.
  const timing = fresh();
  const { lines } = await runChild(['migrate', join(timing, 'outpost.db'), keyHex, 'open'], () => null);
  const openedMs = Number(lines.find((line) => line.startsWith('opened '))?.split(' ')[1]);
  assert.ok(Number.isFinite(openedMs), `the child opened the store: ${lines.join(' | ')}`);
  await assertRecovered(timing, key, siteIds, 'encrypted', 'uninterrupted');

  const seed = Number(process.env.OUTPOST_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed} (OUTPOST_FAULT_SEED=${seed} replays it); an uninterrupted open took ${openedMs} ms`);
  const random = seeded(seed);
  for (let i = 0; i < 6; i++) {
    const delay = 1 + Math.floor(random() * openedMs * 1.2);
    const dir = fresh();
    const result = await runChild(['migrate', join(dir, 'outpost.db'), keyHex, 'open'], (line) => (line === 'start' ? delay : null));
    const what = `seed ${seed}, kill ${delay} ms into the open (${result.killed ? 'killed' : 'it finished first'})`;
    t.diagnostic(`${what}: left ${await assertRecovered(dir, key, siteIds, 'either', what)}`);
  }
});
