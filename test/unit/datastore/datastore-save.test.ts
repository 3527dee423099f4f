// save/get/clear/close through the public API, asserting on the SQLite file itself.
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { openTemp, rawOutbox, rawRows } from './temp-datastore.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('save without id creates a record with a client UUID, a row and a Create entry', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { name: 'North yard', tags: ['a', 'b'], location: { latitude: 1.5, longitude: -2 } });
  assert.match(String(site.id), UUID);
  assert.equal(site.name, 'North yard');
  assert.deepEqual(site.tags, ['a', 'b']);
  assert.equal(site.code, null);
  assert.equal(site._version, null);
  assert.deepEqual(await store.get('Site', String(site.id)), site);

  const rows = rawRows(file, 'SELECT * FROM "Site"');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].tags, '["a","b"]');
  const outbox = rawOutbox(file);
  assert.equal(outbox.length, 1);
  assert.equal(outbox[0].operation, 'Create');
  assert.equal(outbox[0].modelId, site.id);
  assert.equal(outbox[0].data.name, 'North yard');
  assert.deepEqual(outbox[0].data.location, { latitude: 1.5, longitude: -2 });
  assert.equal(await store.outbox.outboxCount(), 1);
});

test('save with a given new id creates; get of an unknown id is undefined', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { id: 'site-1', name: 'A' });
  assert.equal((await store.get('Site', 'site-1'))?.name, 'A');
  assert.equal(await store.get('Site', 'nope'), undefined);
});

test('update entry carries only the changed fields plus id and _version; list/object changes by deep equality', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { name: 'A', code: 'C', tags: ['x'], location: { latitude: 1, longitude: 2 } });
  // Pretend the server accepted the create so the next save is a separate Update entry.
  const [create] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(create.id);
  await store.outbox.completeEntry(create.id, { ...site, _version: 1, _lastChangedAt: 1000, _deleted: null });

  // Same values (new array / object instances) and a real change to `code`.
  const updated = await store.save('Site', { id: site.id, name: 'A', tags: ['x'], location: { longitude: 2, latitude: 1 }, code: 'D' });
  assert.equal(updated.code, 'D');
  assert.equal(updated.name, 'A');
  const outbox = rawOutbox(file);
  assert.equal(outbox.length, 1);
  assert.equal(outbox[0].operation, 'Update');
  assert.deepEqual(outbox[0].data, { id: site.id, code: 'D', _version: 1 });

  // A list change is a change.
  await store.save('Site', { id: site.id, tags: ['x', 'y'] });
  const merged = rawOutbox(file);
  assert.equal(merged.length, 1, 'two unsent unconditional updates coalesce');
  assert.deepEqual(merged[0].data, { id: site.id, code: 'D', tags: ['x', 'y'], _version: 1 });
});

test('a save that changes nothing writes no entry and emits no event', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { name: 'A', tags: ['x'] });
  const events: unknown[] = [];
  store.observe('Site').subscribe((e) => events.push(e));
  const again = await store.save('Site', { id: site.id, name: 'A', tags: ['x'] });
  assert.deepEqual(again, site);
  assert.equal(rawOutbox(file).length, 1);
  assert.equal(events.length, 0);
});

test('save is a patch: absent fields keep their value, null clears', async (t) => {
  const { store } = openTemp(t);
  const site = await store.save('Site', { name: 'A', code: 'C' });
  const updated = await store.save('Site', { id: site.id, code: null });
  assert.equal(updated.name, 'A');
  assert.equal(updated.code, null);
});

test('validation errors name Model.field and nothing is written', async (t) => {
  const { store, file } = openTemp(t);
  const bad: [string, Record<string, unknown>, string][] = [
    ['Site', { code: 'no name' }, 'Site.name'],
    ['Site', { name: 5 }, 'Site.name'],
    ['Site', { name: 'x', tags: 'not a list' }, 'Site.tags'],
    ['Site', { name: 'x', location: { latitude: 1 } }, 'Site.location'],
    ['Site', { name: 'x', colour: 'red' }, 'Site.colour'],
    ['Inspection', { siteID: 's', title: 't', status: 'NOPE' }, 'Inspection.status'],
    ['Inspection', { siteID: 's', title: 't', status: 'DRAFT', score: 2 ** 40 }, 'Inspection.score'],
    ['Inspection', { siteID: 's', title: 't', status: 'DRAFT', inspectedAt: 'yesterday' }, 'Inspection.inspectedAt'],
    ['Observation', { inspectionID: 'i', category: 'c', severity: 'LOW', measurements: [1, Infinity] }, 'Observation.measurements'],
    ['Observation', { inspectionID: 'i', category: 'c', severity: 'LOW', photoUrl: 'not a url' }, 'Observation.photoUrl'],
  ];
  for (const [model, record, path] of bad) {
    await assert.rejects(
      store.save(model, record),
      (error: unknown) => error instanceof ValidationError && String(error.path).startsWith(path) && error.message.includes(path),
      `${model} ${JSON.stringify(record)} should be refused naming ${path}`,
    );
  }
  // An update that breaks a rule is refused too, and the stored row is unchanged.
  const site = await store.save('Site', { name: 'kept' });
  await assert.rejects(store.save('Site', { id: site.id, name: null }), /Site\.name/);
  assert.equal((await store.get('Site', String(site.id)))?.name, 'kept');
  for (const model of ['Site', 'Inspection', 'Observation']) {
    assert.equal(rawRows(file, `SELECT * FROM "${model}"`).length, model === 'Site' ? 1 : 0);
  }
  assert.equal(rawOutbox(file).length, 1);
});

test('unknown model and malformed input are ValidationErrors', async (t) => {
  const { store } = openTemp(t);
  await assert.rejects(store.save('Nope', { name: 'x' }), (e: unknown) => e instanceof ValidationError && /Unknown model "Nope"/.test(e.message));
  await assert.rejects(store.save('Site', null as never), ValidationError);
  await assert.rejects(store.save('Site', [] as never), ValidationError);
  await assert.rejects(store.save('Site', { id: 42, name: 'x' }), (e: unknown) => e instanceof ValidationError && e.path === 'Site.id');
  await assert.rejects(store.query('Site', { limit: 0 }), ValidationError);
});

test('server-owned fields on input are ignored', async (t) => {
  const { store } = openTemp(t);
  const site = await store.save('Site', { name: 'A', _version: 99, _deleted: true, createdAt: '2020-01-01T00:00:00.000Z' });
  assert.equal(site._version, null);
  assert.equal(site._deleted, null);
  assert.equal(site.createdAt, null);
});

test('a condition is stored with the update entry and not evaluated locally; a create cannot carry one', async (t) => {
  const { store, file } = openTemp(t);
  await assert.rejects(store.save('Site', { name: 'A' }, { condition: { field: 'name', op: 'eq', value: 'A' } }), ValidationError);
  assert.equal(rawOutbox(file).length, 0);
  const site = await store.save('Site', { name: 'A' });
  const [create] = await store.outbox.peekSendable();
  await store.outbox.markInFlight(create.id);
  await store.outbox.completeEntry(create.id, { ...site, _version: 1, _lastChangedAt: 5 });
  // The local record does NOT satisfy this condition; the save still succeeds (the server decides).
  const condition = { field: 'name', op: 'eq', value: 'something else' } as const;
  await store.save('Site', { id: site.id, name: 'B' }, { condition });
  const [entry] = rawOutbox(file);
  assert.equal(entry.operation, 'Update');
  assert.deepEqual(entry.condition, condition);
  // A malformed condition is refused before anything is written.
  await assert.rejects(store.save('Site', { id: site.id, name: 'C' }, { condition: { field: 'nope', op: 'eq', value: 1 } }), ValidationError);
  assert.equal((await store.get('Site', String(site.id)))?.name, 'B');
});

test('clear removes rows, outbox, sync metadata and reports the discarded count', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { name: 'A' });
  await store.save('Inspection', { siteID: site.id, title: 'T', status: 'DRAFT' });
  await store.save('Site', { name: 'B' });
  await store.syncMetadata.setSyncMetadata('Site', { lastSync: 10, lastFullSync: 10 });
  assert.deepEqual(await store.clear(), { discardedOutboxEntries: 3 });
  assert.deepEqual(await store.query('Site'), []);
  assert.equal(rawRows(file, 'SELECT * FROM "Inspection"').length, 0);
  assert.equal(rawOutbox(file).length, 0);
  assert.equal(await store.syncMetadata.getSyncMetadata('Site'), null);
  assert.deepEqual(await store.clear(), { discardedOutboxEntries: 0 });
});

test('after clear no trace of the data is left in the database file or its WAL', async (t) => {
  const { store, file } = openTemp(t);
  for (let i = 0; i < 50; i++) await store.save('Site', { name: `SECRET-MARKER-${i}`, tags: ['SECRET-TAG'] });
  await store.clear();
  for (const path of [file, `${file}-wal`]) {
    const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    assert.equal(bytes.includes('SECRET-MARKER'), false, `${path} still holds cleared data`);
    assert.equal(bytes.includes('SECRET-TAG'), false, `${path} still holds cleared data`);
  }
  // The store is still usable afterwards.
  await store.save('Site', { name: 'next user' });
  assert.equal((await store.query('Site')).length, 1);
});

test('close: later calls fail; data survives reopening', async (t) => {
  const { store, file } = openTemp(t);
  const site = await store.save('Site', { name: 'A' });
  await store.close();
  await assert.rejects(store.get('Site', String(site.id)), /closed/);
  const { openDatastore } = await import('../../../main/datastore/datastore.js');
  const { exampleSchema } = await import('./temp-datastore.js');
  const again = openDatastore({ file, schema: exampleSchema() });
  t.after(() => again.close());
  assert.equal((await again.get('Site', String(site.id)))?.name, 'A');
  assert.equal(await again.outbox.outboxCount(), 1);
});
