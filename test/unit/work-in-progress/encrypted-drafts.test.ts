// Drafts and the Trash with the profile key, on real SQLite files: a draft's values and a deleted
// record's rows are sealed, so no byte of the work-in-progress file (or its WAL) holds them, yet
// they list, hold their files and restore as before; the plain drafts and Trash of a profile made
// before encryption are sealed on the first open with the key and none of their plaintext stays
// in the file; without the key sealed drafts are a clear error, not garbage.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { openWorkInProgress, WORK_IN_PROGRESS_FILE } from '../../../main/work-in-progress/work-in-progress.js';
import { exampleSchema, tempDir } from '../datastore/temp-datastore.js';

const schema = exampleSchema();
const DRAFT_TEXT = 'OUTPOST-DRAFT-PLAINTEXT-unfinished crack survey 83f1';
const TRASH_TEXT = 'OUTPOST-TRASH-PLAINTEXT-deleted site 29ad';
const HELD = 'ab'.repeat(32);

function open(t: TestContext, dir: string, key?: Buffer) {
  const store = openDatastore({ file: join(dir, 'outpost.db'), schema });
  const work = openWorkInProgress({ dir, datastore: store, schema, ...(key === undefined ? {} : { key }) });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await work.close();
    await store.close();
  };
  t.after(close);
  return { store, work, close };
}

/** The bytes of the work-in-progress file and its WAL and shared-memory files, whichever exist. */
function wipBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((name) => name.startsWith(WORK_IN_PROGRESS_FILE))
      .map((name) => readFileSync(join(dir, name))),
  );
}

function assertNoPlaintext(dir: string): void {
  const bytes = wipBytes(dir);
  assert.ok(bytes.length > 0);
  for (const text of [DRAFT_TEXT, TRASH_TEXT]) assert.equal(bytes.includes(Buffer.from(text)), false, `the work-in-progress files hold "${text}"`);
}

async function fill(p: ReturnType<typeof open>): Promise<string> {
  const draft = await p.work.draftSave('Site', null, { name: DRAFT_TEXT, photos: [{ key: 'k', contentType: 'image/png', size: 1, sha256: HELD, name: null }] });
  await p.store.save('Site', { id: 'gone', name: TRASH_TEXT });
  const { trashId } = await p.work.delete('Site', { key: 'gone' }, {});
  assert.ok(trashId !== undefined);
  return draft.id;
}

test('with the key, drafts and the Trash hold no plaintext on disk and work as before', async (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  const first = open(t, dir, key);
  const draftId = await fill(first);
  assertNoPlaintext(dir);
  assert.equal((await first.work.draftsList())[0]?.values.name, DRAFT_TEXT);
  assert.deepEqual([...(await first.work.heldFiles())], [HELD]);
  await first.close();
  assertNoPlaintext(dir);

  const second = open(t, dir, key);
  const [draft] = await second.work.draftsList();
  assert.equal(draft?.id, draftId);
  assert.equal(draft?.values.name, DRAFT_TEXT);
  const [item] = await second.work.trashList();
  assert.equal(item?.record.name, TRASH_TEXT);
  assert.equal((await second.work.trashRestore(item!.id)).name, TRASH_TEXT);
  await second.work.draftSave('Site', null, { name: `${DRAFT_TEXT} edited` });
  assertNoPlaintext(dir);
  await second.close();

  const withoutKey = open(t, dir);
  await assert.rejects(withoutKey.work.draftsList(), /encrypted: they cannot be read without its key/);
});

test('plain drafts and Trash of an older profile are sealed on the first open with the key, leaving none of their plaintext in the file', async (t) => {
  const dir = tempDir(t);
  const plain = open(t, dir);
  await fill(plain);
  await plain.close();
  assert.ok(wipBytes(dir).includes(Buffer.from(DRAFT_TEXT)), 'the plain profile holds its draft in the clear (the test would prove nothing otherwise)');

  const key = randomBytes(32);
  const migrated = open(t, dir, key);
  assertNoPlaintext(dir);
  assert.equal((await migrated.work.draftsList())[0]?.values.name, DRAFT_TEXT);
  assert.equal((await migrated.work.trashList())[0]?.record.name, TRASH_TEXT);
  assert.deepEqual([...(await migrated.work.heldFiles())], [HELD]);
  await migrated.close();
  assertNoPlaintext(dir);
  const again = open(t, dir, key);
  assert.equal((await again.work.draftsList()).length, 1);
});
