// Drafts and the Trash on real SQLite files: a delete by key is recorded with its cascade first,
// restored in place while its Delete is queued, and as a copy (new ids, children re-pointed) once
// the delete reached the server; drafts survive reopening the profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import type { OutboxEntry } from '../../../main/datastore/outbox-entry.js';
import {
  openWorkInProgress,
  relatedCounts,
  restorableInPlace,
  restorePlan,
  TRASH_RETENTION_MS,
  WORK_IN_PROGRESS_FILE,
  type TrashRow,
  type WorkInProgress,
} from '../../../main/work-in-progress/work-in-progress.js';
import { exampleSchema, tempDir } from '../datastore/temp-datastore.js';

const schema = exampleSchema();

function openProfile(t: TestContext, dir = tempDir(t)): { dir: string; store: Datastore; work: WorkInProgress; close(): Promise<void> } {
  const store = openDatastore({ file: join(dir, 'outpost.db'), schema });
  const work = openWorkInProgress({ dir, datastore: store, schema });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await work.close();
    await store.close();
  };
  t.after(close);
  return { dir, store, work, close };
}

/** A Site with 3 Inspections, the first two with observations (4 + 3 = 7). */
async function seed(store: Datastore): Promise<void> {
  await store.save('Site', { id: 's1', name: 'North 1', code: 'N1', tags: ['a'] });
  await store.save('Site', { id: 's2', name: 'Other' });
  for (const i of [1, 2, 3]) await store.save('Inspection', { id: `i${i}`, siteID: 's1', title: `Visit ${i}`, status: 'DRAFT' });
  await store.save('Inspection', { id: 'other', siteID: 's2', title: 'Elsewhere', status: 'DRAFT' });
  for (const o of [1, 2, 3, 4]) await store.save('Observation', { id: `o${o}`, inspectionID: 'i1', category: 'crack', severity: 'LOW' });
  for (const o of [5, 6, 7]) await store.save('Observation', { id: `o${o}`, inspectionID: 'i2', category: 'leak', severity: 'HIGH' });
}

/** Plays the sync worker: every queued entry accepted by a server that answers `_version` 1 (creates) or +1. */
async function drainAsServer(store: Datastore): Promise<void> {
  for (;;) {
    const [entry] = await store.outbox.peekSendable(1);
    if (entry === undefined) return;
    await store.outbox.markInFlight(entry.id);
    const version = typeof entry.data._version === 'number' ? entry.data._version + 1 : 1;
    await store.outbox.completeEntry(entry.id, {
      ...entry.data,
      _version: version,
      _lastChangedAt: Date.now(),
      _deleted: entry.operation === 'Delete',
    });
  }
}

test('deletePreview counts the cascade per model; delete writes it to the Trash first and answers trashId', async (t) => {
  const { store, work } = openProfile(t);
  await seed(store);
  assert.deepEqual(await work.deletePreview('Site', 's1'), {
    related: [
      { model: 'Inspection', count: 3 },
      { model: 'Observation', count: 7 },
    ],
  });
  assert.deepEqual(await work.deletePreview('Observation', 'o1'), { related: [] });
  await assert.rejects(work.deletePreview('Site', 'nope'), /does not exist/);

  const { deleted, trashId } = await work.delete('Site', { key: 's1' }, {});
  assert.deepEqual(
    deleted.map((r) => r.id),
    ['s1'],
  );
  assert.ok(trashId);
  assert.equal(await store.count('Inspection'), 1, 'only the other site’s inspection is left');
  assert.equal(await store.count('Observation'), 0);
  const [item, ...rest] = await work.trashList();
  assert.equal(rest.length, 0);
  assert.equal(item!.id, trashId);
  assert.equal(item!.model, 'Site');
  assert.deepEqual(item!.key, { id: 's1' });
  assert.equal(item!.record.name, 'North 1');
  assert.deepEqual(item!.related, [
    { model: 'Inspection', count: 3 },
    { model: 'Observation', count: 7 },
  ]);
  assert.equal(item!.state, 'pending', 'never synced: nothing reached the server');
});

test('restore while the Delete is still queued brings every record back under its own key; the outbox sends Updates, no Delete', async (t) => {
  const { store, work } = openProfile(t);
  await seed(store);
  await drainAsServer(store); // the records are on the server (version 1)
  const { trashId } = await work.delete('Site', { key: 's1' }, {});
  assert.equal((await store.outbox.listEntries()).filter((e) => e.operation === 'Delete').length, 11);
  assert.equal((await work.trashList())[0]!.state, 'pending');
  const restored = await work.trashRestore(trashId!);
  assert.equal(restored.id, 's1');
  assert.equal(restored.name, 'North 1');
  assert.deepEqual(restored.tags, ['a']);
  assert.equal(await store.count('Inspection', { field: 'siteID', op: 'eq', value: 's1' }), 3);
  assert.equal(await store.count('Observation'), 7);
  const ops = (await store.outbox.listEntries()).map((e) => e.operation);
  assert.equal(ops.length, 11);
  assert.ok(
    ops.every((op) => op === 'Update'),
    `Delete + Create coalesced into Update: ${ops.join(',')}`,
  );
  assert.deepEqual(await work.trashList(), [], 'a restored entry leaves the Trash');
  await assert.rejects(work.trashRestore(trashId!), /no entry/);
});

test('restore after the delete reached the server makes a copy: new ids, children re-pointed to the copy', async (t) => {
  const { store, work } = openProfile(t);
  await seed(store);
  await drainAsServer(store);
  const { trashId } = await work.delete('Site', { key: 's1' }, {});
  await drainAsServer(store); // the deletes reached the server
  const [item] = await work.trashList();
  assert.equal(item!.state, 'synced');
  const copy = await work.trashRestore(trashId!);
  assert.notEqual(copy.id, 's1');
  assert.equal(copy.name, 'North 1');
  assert.equal(await store.get('Site', 's1'), undefined);
  const inspections = await store.query('Inspection', { where: { field: 'siteID', op: 'eq', value: copy.id as string } });
  assert.deepEqual(inspections.map((i) => i.title).sort(), ['Visit 1', 'Visit 2', 'Visit 3']);
  assert.ok(inspections.every((i) => !['i1', 'i2', 'i3'].includes(i.id as string)));
  const visit1 = inspections.find((i) => i.title === 'Visit 1')!;
  assert.equal(await store.count('Observation', { field: 'inspectionID', op: 'eq', value: visit1.id as string }), 4);
  assert.equal(await store.count('Observation'), 7);
  const entries = await store.outbox.listEntries();
  assert.equal(entries.length, 11);
  assert.ok(entries.every((e) => e.operation === 'Create'));
  assert.equal(entries[0]!.model, 'Site', 'the parent is queued before its children');
});

test('a delete the server refused (the record is back in the store) restores in place, never as a duplicate copy', async (t) => {
  const { store, work } = openProfile(t);
  await seed(store);
  await drainAsServer(store);
  const { trashId } = await work.delete('Observation', { key: 'o1' }, {});
  const [entry] = await store.outbox.peekSendable(1);
  await store.outbox.markInFlight(entry!.id);
  const server = { ...entry!.data, _version: 1, _deleted: false };
  await store.outbox.failEntry(entry!.id, server); // refused: the local row goes back to the server's
  assert.equal((await store.get('Observation', 'o1'))?.category, 'crack');
  assert.equal((await work.trashList())[0]!.state, 'pending');
  const restored = await work.trashRestore(trashId!);
  assert.equal(restored.id, 'o1');
  assert.equal(await store.count('Observation'), 7, 'no copy made');
});

test('a delete by predicate just deletes (no Trash entry); a delete of a missing key answers nothing deleted', async (t) => {
  const { store, work } = openProfile(t);
  await seed(store);
  const result = await work.delete('Observation', { where: { field: 'severity', op: 'eq', value: 'HIGH' } }, {});
  assert.equal(result.deleted.length, 3);
  assert.equal(result.trashId, undefined);
  assert.deepEqual(await work.delete('Site', { key: 'missing' }, {}), { deleted: [] });
  assert.deepEqual(await work.trashList(), []);
});

test('drafts: one per record (and one per model for a new record), kept on disk across a reopen, discarded, cleared', async (t) => {
  const dir = tempDir(t);
  const first = openProfile(t, dir);
  const a = await first.work.draftSave('Site', null, { name: 'Half typed' });
  const b = await first.work.draftSave('Site', { id: 's1' }, { code: 'X' });
  const a2 = await first.work.draftSave('Site', null, { name: 'Half typed, more' });
  assert.equal(a2.id, a.id, 'saving again replaces the draft of the same form');
  assert.equal(existsSync(join(dir, WORK_IN_PROGRESS_FILE)), true);
  await first.close();

  const second = openProfile(t, dir);
  const drafts = await second.work.draftsList();
  assert.equal(drafts.length, 2);
  const byId = new Map(drafts.map((d) => [d.id, d]));
  assert.deepEqual(byId.get(a.id)!.values, { name: 'Half typed, more' });
  assert.equal(byId.get(a.id)!.key, null);
  assert.deepEqual(byId.get(b.id)!.key, { id: 's1' });
  assert.deepEqual(await second.work.draftDiscard(b.id), { removed: true });
  assert.deepEqual(await second.work.draftDiscard(b.id), { removed: false });
  assert.deepEqual(
    (await second.work.draftsList()).map((d) => d.id),
    [a.id],
  );
  await second.store.save('Site', { id: 's9', name: 'Gone soon' });
  await second.work.delete('Site', { key: 's9' }, {});
  await second.work.clear();
  assert.deepEqual(await second.work.draftsList(), []);
  assert.deepEqual(await second.work.trashList(), []);
  await assert.rejects(second.work.draftSave('Nope', null, {}), /unknown model 'Nope'/);
});

test('Trash entries older than the retention are purged when the profile opens', async (t) => {
  const dir = tempDir(t);
  let clock = 1_000_000;
  const store = openDatastore({ file: join(dir, 'outpost.db'), schema });
  t.after(() => store.close());
  const first = openWorkInProgress({ dir, datastore: store, schema, now: () => clock });
  await store.save('Site', { id: 'old', name: 'Old' });
  await store.save('Site', { id: 'new', name: 'New' });
  await first.delete('Site', { key: 'old' }, {});
  clock += TRASH_RETENTION_MS / 2;
  await first.delete('Site', { key: 'new' }, {});
  await first.close();
  clock += TRASH_RETENTION_MS / 2 + 1;
  const second = openWorkInProgress({ dir, datastore: store, schema, now: () => clock });
  t.after(() => second.close());
  assert.deepEqual(
    (await second.trashList()).map((i) => i.key.id),
    ['new'],
  );
});

const entry = (operation: OutboxEntry['operation'], inFlight = false): OutboxEntry => ({
  id: 1,
  model: 'Site',
  modelId: 's1',
  operation,
  data: {},
  condition: null,
  inFlight,
  createdAt: 0,
});

test('restorableInPlace: only a queued, unsent Delete or a record the server never had comes back under its key', () => {
  const rows: Array<[string, Record<string, unknown>, OutboxEntry[], boolean]> = [
    ['delete queued', { _version: 3 }, [entry('Delete')], true],
    ['delete being sent', { _version: 3 }, [entry('Delete', true)], false],
    ['delete sent once, answer lost', { _version: 3 }, [{ ...entry('Delete'), sent: true }], false],
    ['delete sent and accepted', { _version: 3 }, [], false],
    ['never synced, create cancelled by the delete', { _version: null }, [], true],
    ['create in flight, delete queued', { _version: null }, [entry('Create', true), entry('Delete')], true],
  ];
  for (const [name, record, entries, expected] of rows) assert.equal(restorableInPlace(record, entries), expected, name);
});

test('restorePlan: copies get new ids and children follow their restored parent; user-keyed copies are refused by name', () => {
  const rows: TrashRow[] = [
    { model: 'Site', record: { id: 's1', name: 'N', createdAt: 'x', _version: 2, owner: 'ana' } },
    { model: 'Inspection', record: { id: 'i1', siteID: 's1', title: 'T', status: 'DRAFT', _version: 1 }, parent: 0, link: { siteID: 'id' } },
    { model: 'Observation', record: { id: 'o1', inspectionID: 'i1', category: 'c', severity: 'LOW' }, parent: 1, link: { inspectionID: 'id' } },
  ];
  let n = 0;
  const newId = () => `new-${++n}`;
  const allCopies = restorePlan(schema, rows, [false, false, false], newId);
  assert.deepEqual(
    allCopies.map((s) => [s.model, s.record.id, s.record.siteID ?? s.record.inspectionID ?? null, s.asCopy]),
    [
      ['Site', 'new-1', null, true],
      ['Inspection', 'new-2', 'new-1', true],
      ['Observation', 'new-3', 'new-2', true],
    ],
  );
  assert.equal(allCopies[0]!.record._version, undefined, 'metadata is not saved');
  assert.equal(allCopies[0]!.record.createdAt, undefined, 'server-set timestamps are not saved');
  const mixed = restorePlan(schema, rows, [true, false, true], newId);
  assert.deepEqual(
    mixed.map((s) => s.record.id),
    ['s1', 'new-4', 'o1'],
  );
  assert.equal(mixed[2]!.record.inspectionID, 'new-4', 'an in-place child of a copied parent points at the copy');
  assert.deepEqual(relatedCounts(schema, rows), [
    { model: 'Inspection', count: 1 },
    { model: 'Observation', count: 1 },
  ]);
});
