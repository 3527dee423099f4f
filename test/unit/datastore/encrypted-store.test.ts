// The encrypted datastore (store-encryption.ts): a keyed store round-trips and stays in WAL mode;
// a wrong key, a missing key and a foreign file are StoreKeyErrors that change nothing on disk; a
// plain store opened with a key is encrypted in place with every row and outbox entry kept; an
// interrupted encryption's copy is removed and the encryption redone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreKeyError, ValidationError } from '../../../common/errors.js';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { classifyStoreHeader, encryptingCopyPath, encryptPlainStore, storeFileKind, type EncryptionStep } from '../../../main/datastore/store-encryption.js';
import { exampleSchema, tempDir } from './temp-datastore.js';

const schema = exampleSchema();

function open(file: string, key?: Buffer): Datastore {
  return openDatastore({ file, schema, ...(key ? { key } : {}) });
}

/** Every file in `dir` with a digest of its bytes, except the WAL index (-shm), which readers rebuild. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('-shm') || statSync(join(dir, name)).isDirectory()) continue;
    out[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return out;
}

function expectKeyError(fn: () => unknown, reason: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StoreKeyError, `a StoreKeyError, got ${String(error)}`);
    assert.equal(error.code, 'ProfileKeyError');
    assert.equal(error.details?.reason, reason);
    assert.equal(typeof error.details?.file, 'string');
    return true;
  });
}

/** Copies the store's files while it is open: what a crash (SIGKILL) would leave, WAL included. */
function crashCopy(dir: string, into: string): void {
  mkdirSync(into);
  for (const name of readdirSync(dir)) if (name.startsWith('outpost.db')) copyFileSync(join(dir, name), join(into, name));
}

test('classifyStoreHeader tells plain, encrypted, empty and foreign headers apart', () => {
  assert.equal(classifyStoreHeader(Buffer.alloc(0)), 'missing');
  assert.equal(classifyStoreHeader(Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8)])), 'plain');
  const encrypted = Buffer.concat([randomBytes(16), Buffer.from([0x10, 0x00, 2, 2, 64, 64, 32, 32])]);
  assert.equal(classifyStoreHeader(encrypted), 'encrypted');
  assert.equal(classifyStoreHeader(Buffer.from('hello, this is not a database at all')), 'notADatabase');
  assert.equal(classifyStoreHeader(Buffer.from('short')), 'notADatabase');
  const badPageSize = Buffer.from(encrypted);
  badPageSize.writeUInt16BE(3000, 16);
  assert.equal(classifyStoreHeader(badPageSize), 'notADatabase');
});

test('a key must be exactly 32 bytes', (t) => {
  const file = join(tempDir(t), 'outpost.db');
  assert.throws(() => open(file, randomBytes(31)), ValidationError);
  assert.throws(() => open(file, 'x'.repeat(32) as unknown as Buffer), ValidationError);
  assert.equal(existsSync(file), false, 'nothing was created');
});

test('an encrypted store round-trips, stays in WAL mode, and its file is not SQLite without the key', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  const key = randomBytes(32);
  const store = open(file, key);
  const site = await store.save('Site', { name: 'Encrypted Hill', tags: ['a'] });
  assert.ok(store.migration.createdModels.includes('Site'));
  await store.close();
  assert.equal(storeFileKind(file), 'encrypted');

  const again = open(file, key);
  t.after(() => again.close());
  assert.equal((await again.get('Site', String(site.id)))?.name, 'Encrypted Hill');
  assert.equal((await again.outbox.listEntries()).length, 1);
  assert.deepEqual(await again.query('Site', { search: 'hill' }).then((rows) => rows.map((r) => r.id)), [site.id], 'the search index works');
  const core = (again as unknown as { core: { conn: { db: Database.Database } } }).core;
  assert.equal(core.conn.db.pragma('journal_mode', { simple: true }), 'wal');
  const raw = new Database(file, { readonly: true });
  t.after(() => raw.close());
  assert.throws(() => raw.prepare('SELECT count(*) FROM sqlite_master').get(), /not a database/);
});

test('a wrong key or no key is a StoreKeyError that leaves the files as they were, with or without a WAL left by a crash', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const key = randomBytes(32);
  const store = open(file, key);
  for (let i = 0; i < 20; i++) await store.save('Site', { name: `site ${i}`, tags: [] });
  crashCopy(dir, join(dir, 'crashed'));
  await store.close();

  for (const where of [dir, join(dir, 'crashed')]) {
    const at = join(where, 'outpost.db');
    const before = snapshot(where);
    if (where !== dir) assert.ok(Object.keys(before).includes('outpost.db-wal'), 'the crash copy has a WAL');
    expectKeyError(() => open(at, randomBytes(32)), 'wrongKey');
    expectKeyError(() => open(at), 'keyNeeded');
    assert.deepEqual(snapshot(where), before, `nothing in ${where} changed`);
    const opened = open(at, key);
    assert.equal((await opened.query('Site')).length, 20);
    assert.equal((await opened.outbox.listEntries()).length, 20, 'the outbox is whole');
    await opened.close();
  }
});

test('a file that is not SQLite is refused with and without a key, and left alone', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  writeFileSync(file, 'these are field notes, not a database\n'.repeat(200));
  const before = snapshot(dir);
  expectKeyError(() => open(file), 'notADatabase');
  expectKeyError(() => open(file, randomBytes(32)), 'notADatabase');
  assert.deepEqual(snapshot(dir), before);
});

test('a plain store opened with a key is encrypted in place: every row, outbox entry and search word kept, no plaintext file left', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const plain = open(file);
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push(String((await plain.save('Site', { name: `Plain Ridge ${i}`, tags: ['x'] })).id));
  await plain.syncMetadata.setSyncMetadata('Site', { lastSync: 1234, lastFullSync: 1234 });
  // Left open-ish: a populated WAL is what a real first open with a key finds after an update.
  crashCopy(dir, join(dir, 'crashed'));
  await plain.close();

  for (const where of [dir, join(dir, 'crashed')]) {
    const at = join(where, 'outpost.db');
    assert.equal(storeFileKind(at), 'plain');
    const key = randomBytes(32);
    const store = open(at, key);
    assert.equal(storeFileKind(at), 'encrypted');
    assert.deepEqual((await store.query('Site')).map((r) => String(r.id)).sort(), [...ids].sort());
    const entries = await store.outbox.listEntries();
    assert.equal(entries.length, 200);
    assert.deepEqual(entries.map((e) => e.modelId).sort(), [...ids].sort());
    assert.equal((await store.syncMetadata.getSyncMetadata('Site'))?.lastSync, 1234);
    assert.equal((await store.query('Site', { search: 'ridge' })).length, 200, 'the search index came along');
    await store.close();
    const left = readdirSync(where).filter((name) => name.startsWith('outpost.db'));
    assert.deepEqual(left, ['outpost.db'], `only the encrypted file is left in ${where}`);
    expectKeyError(() => open(at), 'keyNeeded');
  }
});

test('encryptPlainStore goes through its steps in order; a copy left by a crash is removed and the encryption redone', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const plain = open(file);
  await plain.save('Site', { name: 'Left Behind', tags: [] });
  await plain.close();
  // What a crash during the copy leaves: a partial copy and the key holder's empty main file.
  writeFileSync(encryptingCopyPath(file), randomBytes(5000));
  writeFileSync(`${file}.encrypting-key`, '');

  const key = randomBytes(32);
  const steps: EncryptionStep[] = [];
  encryptPlainStore(file, key, { onStep: (step) => steps.push(step) });
  assert.deepEqual(steps, ['checkpointed', 'copied', 'synced', 'verified', 'plainSidecarsRemoved', 'renamed', 'done']);
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('outpost.db')),
    ['outpost.db'],
  );
  const store = open(file, key);
  t.after(() => store.close());
  assert.equal((await store.query('Site'))[0]?.name, 'Left Behind');

  // A leftover copy beside an already encrypted file goes too, and the file opens as before.
  await store.close();
  writeFileSync(encryptingCopyPath(file), randomBytes(100));
  const reopened = open(file, key);
  t.after(() => reopened.close());
  assert.equal(existsSync(encryptingCopyPath(file)), false);
  assert.equal((await reopened.query('Site')).length, 1);
});

test('clear() on an encrypted store keeps the file encrypted', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  const key = randomBytes(32);
  const store = open(file, key);
  await store.save('Site', { name: 'Gone Soon', tags: [] });
  await store.clear();
  await store.save('Site', { name: 'After Clear', tags: [] });
  await store.close();
  assert.equal(storeFileKind(file), 'encrypted');
  const again = open(file, key);
  t.after(() => again.close());
  assert.deepEqual(
    (await again.query('Site')).map((r) => r.name),
    ['After Clear'],
  );
});

test('a plain store still open in another connection is not encrypted under it (its later writes would be lost)', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const plain = open(file);
  await plain.save('Site', { name: 'Still Open', tags: [] });
  assert.throws(
    () => open(file, randomBytes(32)),
    (error: unknown) => (error as { code?: unknown }).code === 'StoreInUse',
  );
  assert.equal(storeFileKind(file), 'plain');
  await plain.save('Site', { name: 'Written After', tags: [] });
  await plain.close();
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.startsWith('outpost.db')),
    ['outpost.db'],
    'no copy left',
  );
  const key = randomBytes(32);
  const store = open(file, key);
  t.after(() => store.close());
  assert.equal((await store.query('Site')).length, 2);
});
