// No saved string is on disk in the clear: every byte of every file beside an encrypted store
// (the database, its -wal and -shm, an encryption's copy) is searched for distinctive strings the
// test saved, while the store is open with its WAL populated, after close, and after a plain
// store was encrypted in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { encryptingCopyPath, encryptPlainStore } from '../../../main/datastore/store-encryption.js';
import { exampleSchema, tempDir } from './temp-datastore.js';

const schema = exampleSchema();
// Mixed case and a lower-case copy: the search index keeps words folded to lower case.
const SECRETS = ['Wombat-Quasar-7731', 'Kestrel Obsidian Lagoon', 'ZX-Fennel-0042', 'Marmoset Tangerine'];
const NEEDLES = [...SECRETS, ...SECRETS.map((s) => s.toLowerCase()), 'quasar', 'obsidian', 'fennel', 'tangerine'];

/** Saves the secrets as names, codes, tags and an edit (row, outbox entry and search index all hold them). */
async function saveSecrets(store: Datastore): Promise<void> {
  for (const [i, secret] of SECRETS.entries()) {
    const site = await store.save('Site', { name: secret, code: `${secret}-code`, tags: [secret] });
    if (i % 2 === 0) await store.save('Site', { id: site.id, name: `${secret} edited` });
  }
}

/** Names of the files in `dir` that contain any needle, and which. */
function plaintextHits(dir: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    for (const needle of NEEDLES) if (bytes.includes(Buffer.from(needle, 'utf8'))) hits.push(`${name}: ${needle}`);
  }
  return hits;
}

test('an encrypted store writes none of its strings in the clear: database, WAL and WAL index, open and closed', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const store = openDatastore({ file, schema, key: randomBytes(32) });
  await saveSecrets(store);
  assert.ok(statSync(`${file}-wal`).size > 0, 'the WAL holds the saves (not checkpointed yet)');
  assert.ok(
    readdirSync(dir).some((name) => name.endsWith('-shm')),
    'the WAL index exists',
  );
  assert.deepEqual(plaintextHits(dir), [], 'while open');
  await store.close();
  assert.deepEqual(plaintextHits(dir), [], 'after close (WAL checkpointed into the file)');
});

test('the check finds the strings in a plain store (so it would see a leak)', async (t) => {
  const dir = tempDir(t);
  const store = openDatastore({ file: join(dir, 'outpost.db'), schema });
  await saveSecrets(store);
  await store.close();
  assert.ok(plaintextHits(dir).length >= SECRETS.length);
});

test('encrypting a plain store in place leaves no plaintext file: the copy before the swap, and everything after', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'outpost.db');
  const plain = openDatastore({ file, schema });
  await saveSecrets(plain);
  // A deleted record's strings linger in the plain file's free pages: VACUUM INTO copies none.
  const doomed = await plain.save('Site', { name: 'Wombat-Quasar-7731 deleted', tags: [] });
  await plain.delete('Site', String(doomed.id));
  await plain.close();

  const key = randomBytes(32);
  const copyHits: string[] = [];
  encryptPlainStore(file, key, {
    onStep: (step) => {
      if (step !== 'verified') return;
      const bytes = readFileSync(encryptingCopyPath(file));
      for (const needle of NEEDLES) if (bytes.includes(Buffer.from(needle, 'utf8'))) copyHits.push(needle);
    },
  });
  assert.deepEqual(copyHits, [], 'the encrypted copy, before it replaced the original');
  assert.deepEqual(plaintextHits(dir), [], 'after the swap');

  const store = openDatastore({ file, schema, key });
  assert.equal((await store.query('Site')).length, SECRETS.length);
  await store.save('Site', { name: 'Marmoset Tangerine again', tags: [] });
  assert.deepEqual(plaintextHits(dir), [], 'open again, with a new save in the WAL');
  await store.close();
  assert.deepEqual(plaintextHits(dir), []);
});
