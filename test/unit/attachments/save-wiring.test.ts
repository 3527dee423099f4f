// Attachments in the datastore's save (main/datastore/attachment-staging.ts), on real SQLite files
// and a real file store: a staged file gets its record-scoped key and its upload row in the same
// transaction as the row and the outbox entry; a reference to a file not added here is refused
// naming Model.field[i] with nothing written; a save whose transaction fails (the outbox insert
// aborted by a trigger, as a full disk would) leaves neither the row nor the queue row, and the file
// it had staged is removed by the sweep once old enough; server records are not staged; a delete
// forgets un-uploaded files; an older profile file gets the table when opened.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { ValidationError } from '../../../common/errors.js';
import { attachmentKey } from '../../../common/schema/attachment-ref.js';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { AttachmentSession } from '../../../main/attachments/attachment-session.js';
import { ORPHAN_WINDOW_MS, sweepOrphanFiles } from '../../../main/attachments/attachment-sweep.js';
import { ATTACHMENTS_TABLE, loadEntries } from '../../../main/attachments/attachment-tables.js';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { exampleSchema } from '../datastore/temp-datastore.js';

interface Profile {
  readonly dir: string;
  readonly file: string;
  readonly files: AttachmentFiles;
  readonly store: Datastore;
}

async function openProfile(t: TestContext): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-save-wiring-'));
  const files = await AttachmentFiles.open(dir);
  const file = join(dir, 'outpost.db');
  const store = openDatastore({ file, schema: exampleSchema(), durability: 'NORMAL', attachments: { isPresent: (sha) => files.has(sha) } });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, file, files, store };
}

async function inspection(store: Datastore): Promise<string> {
  const site = await store.save('Site', { name: 'Quarry' });
  const created = await store.save('Inspection', { siteID: site.id, title: 'Walk', status: 'DRAFT', inspectedAt: '2026-12-01T10:00:00.000Z' });
  return String(created.id);
}

async function staged(files: AttachmentFiles, text: string, name = 'site.jpg') {
  const stored = await files.add(Readable.from([Buffer.from(text)]));
  return { key: '', sha256: stored.sha256, size: stored.size, contentType: 'image/jpeg', name };
}

test('save keys a staged file for its record and queues its upload with the row and the outbox entry', async (t) => {
  const { store, files } = await openProfile(t);
  const inspectionID = await inspection(store);
  const photo = await staged(files, 'jpeg bytes one');
  const announced: string[] = [];
  store.attachments.onStaged((list) => announced.push(...list.map((s) => s.ref.key)));
  const saved = await store.save('Observation', { inspectionID, category: 'crack', severity: 'LOW', photos: [photo] });
  const id = String(saved.id);
  const key = attachmentKey('Observation', id, photo.sha256);
  assert.deepEqual(saved.photos, [{ ...photo, key }]);
  const [entry] = loadEntries(store.attachments.db);
  assert.equal(entry?.key, key);
  assert.deepEqual([entry?.model, entry?.recordId, entry?.field, entry?.state, entry?.localOnly], ['Observation', id, 'photos', 'queued', true]);
  assert.deepEqual(announced, [key], 'announced after the commit');
  const [queued] = await store.outbox.listEntries({ model: 'Observation' });
  assert.deepEqual(
    (queued?.data.photos as Array<{ key: string }>).map((p) => p.key),
    [key],
    'the mutation carries the key',
  );
  assert.equal(store.attachments.isRecordAccepted('Observation', id), false, 'not accepted while its create is queued');

  // Saving the same reference again (the form sends every field) adds no second row and announces nothing.
  await store.save('Observation', { id, description: 'wider', photos: saved.photos });
  assert.equal(loadEntries(store.attachments.db).length, 1);
  assert.deepEqual(announced, [key]);
});

test('a reference to a file not added on this device is refused naming the field, and nothing is written', async (t) => {
  const { store, files, file } = await openProfile(t);
  const inspectionID = await inspection(store);
  const here = await staged(files, 'here');
  const elsewhere = { ...here, sha256: 'ab'.repeat(32) };
  const outboxBefore = await store.outbox.outboxCount();
  await assert.rejects(
    store.save('Observation', { inspectionID, category: 'crack', severity: 'LOW', photos: [here, elsewhere] }),
    (error: unknown) => error instanceof ValidationError && /^Observation\.photos\[1\]: the file was not added on this device/.test(error.message),
  );
  await assert.rejects(
    store.save('Observation', { inspectionID, category: 'crack', severity: 'LOW', photos: [{ ...here, sha256: 'nope' }] }),
    (error: unknown) => error instanceof ValidationError && /Observation\.photos\[0\] is not a valid attachment: attachment sha256/.test(error.message),
  );
  assert.equal(await store.outbox.outboxCount(), outboxBefore);
  assert.equal(await store.count('Observation'), 0);
  const raw = new Database(file, { readonly: true });
  assert.equal((raw.prepare(`SELECT COUNT(*) AS n FROM "${ATTACHMENTS_TABLE}"`).get() as { n: number }).n, 0);
  raw.close();
});

test('a save whose transaction fails leaves no queue row, and the file it staged is swept once a day old', async (t) => {
  const { store, files } = await openProfile(t);
  const inspectionID = await inspection(store);
  const lost = await staged(files, 'the save of this one fails');
  const kept = await staged(files, 'this one is saved');
  const unsaved = await staged(files, 'staged for a form that was never saved');
  const db = store.attachments.db;
  // The outbox insert fails as a full disk would, after the row and the queue row were written in the same transaction.
  db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON "_outpost_outbox" BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  await assert.rejects(store.save('Observation', { inspectionID, category: 'lost', severity: 'LOW', photos: [lost] }), /disk is full/);
  db.exec('DROP TRIGGER fail_outbox');
  assert.equal(loadEntries(db).length, 0, 'no queue row');
  assert.equal(await store.count('Observation'), 0, 'no record');
  assert.equal(files.has(lost.sha256), true, 'the file was written before the transaction');

  await store.save('Observation', { inspectionID, category: 'kept', severity: 'LOW', photos: [kept] });
  const now = Date.now();
  assert.deepEqual(await sweepOrphanFiles(db, files, new Set(), now), [], 'nothing is a day old yet: a form may still be open');
  // A day later, seen from the sweep's clock.
  // A draft (or a Trash entry) still holding the unsaved form's file keeps it.
  const later = now + ORPHAN_WINDOW_MS + 60_000;
  assert.deepEqual(await sweepOrphanFiles(db, files, new Set([unsaved.sha256]), later), [lost.sha256], 'a held file stays');
  const removed = [lost.sha256, ...(await sweepOrphanFiles(db, files, new Set(), later))];
  assert.deepEqual(removed.sort(), [lost.sha256, unsaved.sha256].sort());
  assert.equal(files.has(lost.sha256), false);
  assert.equal(files.has(kept.sha256), true, 'a file a row references stays');
});

test('records merged from the server are not staged, a delete forgets files not uploaded, and a copy is keyed for its own record', async (t) => {
  const { store, files } = await openProfile(t);
  const inspectionID = await inspection(store);
  const photo = await staged(files, 'theirs');
  const key = attachmentKey('Observation', 'remote-1', photo.sha256);
  await store.remote.applyRemote('Observation', [
    {
      id: 'remote-1',
      inspectionID,
      category: 'theirs',
      severity: 'LOW',
      photos: [{ ...photo, key }],
      _version: 1,
      _lastChangedAt: Date.now(),
      _deleted: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
  ]);
  assert.equal(loadEntries(store.attachments.db).length, 0, 'a synced record queues no upload');
  assert.equal(store.attachments.isRecordAccepted('Observation', 'remote-1'), true);

  // A copy of that reference in a new record of this device: its file is here, so it is keyed (and uploaded) for the copy.
  const copy = await store.save('Observation', { inspectionID, category: 'copy', severity: 'LOW', photos: [{ ...photo, key }] });
  const copyKey = attachmentKey('Observation', String(copy.id), photo.sha256);
  assert.deepEqual(
    (copy.photos as Array<{ key: string }>).map((p) => p.key),
    [copyKey],
  );
  assert.deepEqual(
    loadEntries(store.attachments.db).map((e) => e.key),
    [copyKey],
  );

  await store.delete('Observation', String(copy.id));
  assert.equal(loadEntries(store.attachments.db).length, 0, 'the deleted record’s upload is forgotten');
});

test('an older profile file gets the attachment table (and its later columns) when opened', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-save-wiring-old-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'outpost.db');
  const first = openDatastore({ file, schema: exampleSchema(), durability: 'NORMAL' });
  await first.save('Site', { name: 'Kept' });
  await first.close();
  // As a file written before attachments: no table. Then as the table's first form: no uploadedAt/reviewId.
  const raw = new Database(file);
  raw.exec(`DROP TABLE "${ATTACHMENTS_TABLE}"`);
  raw.close();
  const second = openDatastore({ file, schema: exampleSchema(), durability: 'NORMAL' });
  assert.equal(await second.count('Site'), 1, 'data kept');
  const columns = (second.attachments.db.prepare(`PRAGMA table_info("${ATTACHMENTS_TABLE}")`).all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(columns.includes('uploadedAt') && columns.includes('reviewId'), columns.join(', '));
  second.attachments.db.exec(`ALTER TABLE "${ATTACHMENTS_TABLE}" DROP COLUMN "reviewId"`);
  await second.close();
  const third = openDatastore({ file, schema: exampleSchema(), durability: 'NORMAL' });
  t.after(() => third.close());
  const again = (third.attachments.db.prepare(`PRAGMA table_info("${ATTACHMENTS_TABLE}")`).all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(again.includes('reviewId'), 'the column an older table lacks is added');
});

test('viewing uses the endpoint last announced to the profile until the server announces one again', async (t) => {
  const { dir, files, store } = await openProfile(t);
  const publish = { state: () => undefined, queue: () => undefined };
  const first = await AttachmentSession.open({ dir, files, datastore: store, publish });
  assert.equal(first.viewing().endpoint, null, 'nothing announced yet: no endpoint');
  await first.useEndpoint({ url: 'http://127.0.0.1:4000/attachments/', headers: () => ({ authorization: 'token' }) });
  assert.equal(first.viewing().endpoint, 'http://127.0.0.1:4000/attachments/');
  await first.close();
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'attachment-endpoint.json'), 'utf8')), { url: 'http://127.0.0.1:4000/attachments/' });

  const next = await AttachmentSession.open({ dir, files, datastore: store, publish });
  t.after(() => next.close());
  assert.equal(next.viewing().endpoint, null, 'without credentials (an offline profile) none');
  next.useCredentials(async () => ({ authorization: 'fresh' }));
  const viewing = next.viewing();
  assert.equal(viewing.endpoint, 'http://127.0.0.1:4000/attachments/', 'the last one, before the first answer of this run');
  assert.deepEqual(await viewing.headers(), { authorization: 'fresh' });
  assert.equal(next.states().queue.uploadsAvailable, false, 'uploads still wait for the announcement');
});
