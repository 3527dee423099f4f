// Opening a real file written for schema v1 with schema v2: additive changes in place, other
// changes re-create the model from the server without losing unsynced outbox entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { rawOutbox, rawRows, tempDir } from './temp-datastore.js';

const v1Sdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
// v2: Site gains an optional field and an index (additive); Inspection.notes changes type and
// Observation loses photoUrl (both re-create); a new model appears.
const v2Sdl = v1Sdl
  .replace('  code: String\n', '  code: String @index(name: "byCode")\n  region: String\n')
  .replace('  notes: String\n', '  notes: AWSEmail\n')
  .replace('  photoUrl: AWSURL\n', '')
  .concat('\ntype Photo @model @auth(rules: [{ allow: owner }]) {\n  id: ID!\n  caption: String\n}\n');

test('v1 → v2: additive changes keep data, incompatible ones keep unsynced entries and their valid rows', async (t) => {
  const v1 = parseSchema(v1Sdl, 'v1.graphql');
  const v2 = parseSchema(v2Sdl, 'v2.graphql');
  assert.notEqual(v1.version, v2.version);
  const file = join(tempDir(t), 'outpost.db');

  const before = openDatastore({ file, schema: v1 });
  const synced = (id: string, extra: Record<string, unknown>) => ({ id, _version: 1, _lastChangedAt: 10, _deleted: null, ...extra });
  await before.remote.applyRemote('Site', [synced('s1', { name: 'synced site', code: 'K1' })], { isFullSync: true });
  await before.save('Site', { id: 's2', name: 'local site' });
  await before.remote.applyRemote('Inspection', [
    synced('i-synced', { siteID: 's1', title: 'from server', status: 'DRAFT' }),
    synced('i-edited', { siteID: 's1', title: 'edited here', status: 'DRAFT', notes: 'a@b.example' }),
  ]);
  await before.save('Inspection', { id: 'i-edited', score: 7 });
  await before.save('Inspection', { id: 'i-new-valid', siteID: 's1', title: 't', status: 'DRAFT', notes: 'ok@example.com' });
  await before.save('Inspection', { id: 'i-new-invalid', siteID: 's1', title: 't', status: 'DRAFT', notes: 'not an email' });
  await before.save('Observation', { id: 'o1', inspectionID: 'i-new-valid', category: 'c', severity: 'LOW', photoUrl: 'https://x.example/p.jpg' });
  for (const model of ['Site', 'Inspection', 'Observation']) {
    await before.syncMetadata.setSyncMetadata(model, { lastSync: 500, lastFullSync: 500, fullSyncInterval: 86_400_000 });
  }
  const entriesBefore = rawOutbox(file);
  assert.equal(entriesBefore.length, 5);
  await before.close();

  const after = openDatastore({ file, schema: v2 });
  t.after(() => after.close());
  const report = after.migration;
  assert.equal(report.fromVersion, v1.version);
  assert.equal(report.toVersion, v2.version);
  assert.deepEqual(report.createdModels, ['Photo']);
  assert.deepEqual(report.addedFields, [{ model: 'Site', field: 'region' }]);
  assert.deepEqual(
    report.recreatedModels.map((r) => [r.model, r.keptEntries, r.keptRows, r.invalidRows, r.droppedSyncedRows]),
    [
      ['Inspection', 3, 2, 1, 1],
      ['Observation', 1, 1, 0, 0],
    ],
  );
  assert.match(report.recreatedModels[0].reason, /Inspection\.notes/);
  assert.match(report.recreatedModels[1].reason, /Observation\.photoUrl/);

  // Additive: every Site row, its entry and its sync metadata are intact; the new column and index exist.
  assert.deepEqual(
    (await after.query('Site')).map((r) => `${r.id} ${r.name} ${r.region}`),
    ['s1 synced site null', 's2 local site null'],
  );
  assert.equal((await after.syncMetadata.getSyncMetadata('Site'))?.lastSync, 500);
  assert.equal(rawRows(file, `SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'Site__byCode'`).length, 1);
  await after.save('Site', { id: 's1', region: 'north' });
  assert.equal((await after.get('Site', 's1'))?.region, 'north');

  // Re-created: synced-only rows gone (the full sync brings them back), pending rows kept when valid.
  assert.deepEqual(
    (await after.query('Inspection')).map((r) => r.id),
    ['i-edited', 'i-new-valid'],
  );
  assert.equal((await after.get('Inspection', 'i-edited'))?.score, 7);
  assert.equal(await after.syncMetadata.getSyncMetadata('Inspection'), null, 'forces a full sync');
  assert.equal(await after.syncMetadata.getSyncMetadata('Observation'), null);

  // No unsynced entry was dropped; removed fields are stripped from entry data.
  const entriesAfter = rawOutbox(file).filter((e) => !(e.model === 'Site' && e.modelId === 's1'));
  assert.deepEqual(
    entriesAfter.map((e) => e.id),
    entriesBefore.map((e) => e.id),
  );
  const observationEntry = entriesAfter.find((e) => e.model === 'Observation');
  assert.equal(observationEntry?.data.category, 'c');
  assert.equal('photoUrl' in (observationEntry?.data ?? {}), false);
  assert.equal(entriesAfter.find((e) => e.modelId === 'i-new-invalid')?.data.notes, 'not an email', 'entry kept as queued');

  // The new model works.
  await after.save('Photo', { caption: 'hello' });
  assert.equal((await after.query('Photo')).length, 1);
});

test('reopening with the same schema changes nothing; going back to v1 re-creates what v2 changed', async (t) => {
  const v1 = parseSchema(v1Sdl);
  const v2 = parseSchema(v2Sdl);
  const file = join(tempDir(t), 'outpost.db');
  const first = openDatastore({ file, schema: v2 });
  await first.save('Site', { id: 's', name: 'A', region: 'r' });
  await first.close();

  const same = openDatastore({ file, schema: v2 });
  assert.deepEqual([same.migration.createdModels, same.migration.addedFields, same.migration.recreatedModels], [[], [], []]);
  await same.close();

  const back = openDatastore({ file, schema: v1 });
  t.after(() => back.close());
  // Site lost `region` and notes changed type back: re-created; photoUrl is a new optional field again.
  assert.deepEqual(back.migration.recreatedModels.map((r) => r.model).sort(), ['Inspection', 'Site']);
  assert.deepEqual(back.migration.addedFields, [{ model: 'Observation', field: 'photoUrl' }]);
  assert.deepEqual(back.migration.orphanedModels, ['Photo']);
  assert.equal((await back.get('Site', 's'))?.name, 'A');
  const [entry] = await back.outbox.listEntries();
  assert.equal('region' in entry.data, false);
  assert.deepEqual(await back.outbox.peekSendable(), [entry]);
});

test('a required field added re-creates the model; a row that lacks it is not kept but its entry is', async (t) => {
  const base = 'type Note @model { id: ID!\n  text: String!\n}\n';
  const v1 = parseSchema(base);
  const v2 = parseSchema(base.replace('text: String!', 'text: String!\n  author: String!'));
  const file = join(tempDir(t), 'outpost.db');
  const first = openDatastore({ file, schema: v1 });
  await first.save('Note', { id: 'n', text: 'hi' });
  await first.close();
  const second = openDatastore({ file, schema: v2 });
  t.after(() => second.close());
  assert.match(second.migration.recreatedModels[0].reason, /required field Note\.author was added/);
  assert.equal(await second.get('Note', 'n'), undefined);
  assert.equal(await second.outbox.outboxCount(), 1);
});

test('an index added or removed between versions is created or dropped in place, data untouched', async (t) => {
  const withIndex = 'type Note @model { id: ID!\n  text: String @index(name: "byText")\n}\n';
  const v1 = parseSchema(withIndex.replace(' @index(name: "byText")', ''));
  const v2 = parseSchema(withIndex);
  const file = join(tempDir(t), 'outpost.db');
  const indexes = () =>
    // The schema's @index indexes only: not SQLite's own, nor Outpost's (the recency index for 'newest first').
    rawRows(
      file,
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Note' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_outpost\\_%' ESCAPE '\\'`,
    ).map((r) => r.name);
  const a = openDatastore({ file, schema: v1 });
  await a.save('Note', { id: 'n', text: 'hi' });
  await a.close();
  assert.deepEqual(indexes(), []);
  const b = openDatastore({ file, schema: v2 });
  assert.deepEqual([b.migration.recreatedModels, b.migration.addedFields], [[], []]);
  await b.close();
  assert.deepEqual(indexes(), ['Note__byText']);
  const c = openDatastore({ file, schema: v1 });
  t.after(() => c.close());
  assert.deepEqual(indexes(), []);
  assert.equal((await c.get('Note', 'n'))?.text, 'hi');
  assert.equal(await c.outbox.outboxCount(), 1);
});
