// get/delete by a composite primary key through the real IPC handlers and core (real SQLite in a
// temp dir): a key object reaches the record; a key with a missing, extra or mistyped field, or a
// string for a composite key, is a ValidationError naming `Model.field` and touches nothing; error
// notices and conflicts carry the key object the renderer opens the record with.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventOf } from '../../../common/ipc/contract.js';
import { keyFromModelId, keyOf, modelIdOf } from '../../../common/schema/record-key.js';
import { createAppCore, type SyncWorkerPort } from '../../../main/app-core.js';
import type { SyncEvent } from '../../../common/sync/sync-events.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { createApi, IpcRequestError } from '../../../preload/create-api.js';
import { visitSchema as schema } from './visit-schema.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A sync engine that never talks to a server: the test emits its events and reaches its datastore. */
interface FakeSync {
  datastore?: Datastore;
  emit(event: SyncEvent): void;
}

function setup() {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-key-'));
  dirs.push(userData);
  const listeners = new Set<(event: SyncEvent) => void>();
  const sync: FakeSync = { emit: (event) => listeners.forEach((l) => l(event)) };
  const core = createAppCore({
    userData,
    schema,
    credentials: memoryCredentialStore(),
    durability: 'NORMAL',
    fetch: async () => new Response(JSON.stringify({ data: { __typename: 'Query' } }), { status: 200 }),
    createSync: ({ datastore }): SyncWorkerPort => {
      sync.datastore = datastore;
      return {
        start: async () => undefined,
        stop: async () => undefined,
        onEvent: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    },
  });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const api = createApi(bridge.connect().transport);
  return { core, api, sync };
}

async function rejection(promise: Promise<unknown>): Promise<IpcRequestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IpcRequestError, `expected an IpcRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be refused');
}

/** An offline profile holding one Site, one Visit of it (key: site id, date, shift) and one Reading of the Visit. */
async function seeded() {
  const ctx = setup();
  await ctx.api.signIn({ mode: 'offline', username: 'field' });
  const site = await ctx.api.save({ model: 'Site', record: { name: 'North quarry' } });
  const key = { siteID: String(site.id), visitedOn: '2026-03-04', shift: 2 };
  await ctx.api.save({ model: 'Visit', record: { ...key, notes: 'windy', weather: 'RAIN' } });
  await ctx.api.save({
    model: 'Reading',
    record: { label: 'pH', visitSiteID: key.siteID, visitVisitedOn: key.visitedOn, visitShift: key.shift, value: 7.1 },
  });
  return { ...ctx, site, key };
}

test('a composite key object gets and deletes the record (field order does not matter; children go too)', async () => {
  const { api, core, key } = await seeded();
  const visit = await api.get({ model: 'Visit', id: key });
  assert.equal(visit?.notes, 'windy');
  assert.equal((await api.get({ model: 'Visit', id: { shift: 2, visitedOn: '2026-03-04', siteID: key.siteID } }))?.notes, 'windy');
  assert.equal(await api.get({ model: 'Visit', id: { ...key, shift: 3 } }), null, 'another shift is another record');

  const edited = await api.save({ model: 'Visit', record: { ...key, notes: 'calm' } });
  assert.equal(edited.notes, 'calm');
  assert.equal((await api.query({ model: 'Visit' })).items.length, 1, 'a save with the same key updates, not duplicates');

  const { deleted } = await api.delete({ model: 'Visit', id: key });
  assert.deepEqual(
    deleted.map((v) => keyOf(schema.models.Visit, v)),
    [key],
  );
  assert.equal(await api.get({ model: 'Visit', id: key }), null);
  assert.equal((await api.query({ model: 'Reading' })).items.length, 0, 'the Visit’s readings were deleted with it');
  await core.close();
});

test('an id-keyed model still takes its id as a string, and as { id }', async () => {
  const { api, core, site } = await seeded();
  assert.equal((await api.get({ model: 'Site', id: String(site.id) }))?.name, 'North quarry');
  assert.equal((await api.get({ model: 'Site', id: { id: String(site.id) } }))?.name, 'North quarry');
  const error = await rejection(api.get({ model: 'Site', id: { id: String(site.id), name: 'North quarry' } }));
  assert.equal(error.path, 'Site.name');
  await core.close();
});

test('bad keys are ValidationErrors naming Model.field, and a bad key deletes nothing', async () => {
  const { api, core, key } = await seeded();
  const unsyncedBefore = (await api.syncStatus()).unsynced;
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['missing field', { siteID: key.siteID, visitedOn: key.visitedOn }, 'Visit.shift', /key field shift is missing.*siteID, visitedOn, shift/],
    ['extra key field', { ...key, notes: 'windy' }, 'Visit.notes', /not a key field/],
    ['unknown field', { ...key, colour: 'red' }, 'Visit.colour', /not a key field/],
    ['wrong type: string for an Int', { ...key, shift: '2' }, 'Visit.shift', /Int/],
    ['wrong type: fraction for an Int', { ...key, shift: 2.5 }, 'Visit.shift', /integer/],
    ['wrong type: not a date', { ...key, visitedOn: 'yesterday' }, 'Visit.visitedOn', /AWSDate/],
    ['wrong type: empty ID', { ...key, siteID: '' }, 'Visit.siteID', /non-empty/],
    ['string for a composite key', key.siteID, 'Visit', /key is siteID, visitedOn, shift.*as an object/],
  ];
  for (const [what, id, path, message] of cases) {
    for (const request of [api.get({ model: 'Visit', id: id as string }), api.delete({ model: 'Visit', id: id as string })]) {
      const error = await rejection(request);
      assert.equal(error.code, 'ValidationError', `${what}: ${error.message}`);
      assert.equal(error.path, path, `${what}: ${error.message}`);
      assert.match(error.message, message, what);
    }
  }
  // Shapes the contract itself refuses, before the schema is consulted.
  const shapes: Array<[string, unknown, RegExp]> = [
    ['a boolean value', { ...key, shift: true }, /key field 'shift' must be a string .* or a finite number/],
    ['a nested object', { ...key, siteID: { id: key.siteID } }, /key field 'siteID'/],
    ['a number as the key', 42, /its id string, or an object of its primary-key fields/],
    ['a list', [key.siteID, key.visitedOn, key.shift], /its id string, or an object/],
    ['an empty object', {}, /1 to 16 key fields/],
    ['an overlong value', { ...key, siteID: 'x'.repeat(501) }, /at most 500 characters/],
  ];
  for (const [what, id, message] of shapes) {
    const error = await rejection(api.get({ model: 'Visit', id: id as string }));
    assert.equal(error.path, 'get.id', `${what}: ${error.message}`);
    assert.match(error.message, message, what);
  }
  // Delete keeps its "exactly one of key or where" rule.
  const both = await rejection(api.delete({ model: 'Visit', id: key, where: { field: 'notes', op: 'eq', value: 'windy' } }));
  assert.equal(both.path, 'delete.id');
  assert.match(both.message, /exactly one of id \(the record key\) or where/);
  assert.equal((await rejection(api.delete({ model: 'Visit' }))).path, 'delete.id');

  assert.equal((await api.query({ model: 'Visit' })).items.length, 1, 'nothing was deleted');
  assert.equal((await api.syncStatus()).unsynced, unsyncedBefore, 'nothing was queued');
  await core.close();
});

test('the shared key helpers: modelId as the outbox builds it, and back only when it splits unambiguously', () => {
  const visit = schema.models.Visit;
  const key = { siteID: 'abc', visitedOn: '2026-03-04', shift: 2 };
  assert.equal(modelIdOf(visit, key), 'abc-2026-03-04-2');
  assert.equal(keyFromModelId(visit, 'abc-2026-03-04-2'), undefined, 'a date holds the separator: the string cannot be split back');
  const site = schema.models.Site;
  assert.deepEqual(keyFromModelId(site, 'a-b-c'), { id: 'a-b-c' }, 'a one-field key is the whole string');
  const order = { ...visit, primaryKey: ['siteID', 'shift'] };
  assert.deepEqual(keyFromModelId(order, 'abc-7'), { siteID: 'abc', shift: 7 }, 'numeric key fields come back as numbers');
  assert.equal(keyFromModelId(order, 'abc-x'), undefined);
  assert.equal(keyOf(visit, { siteID: 'abc', visitedOn: '2026-03-04' }), undefined);
});

test('conflicts and error notices of a composite-key record carry its key; resolving works by that key', async () => {
  const ctx = setup();
  const { api, core, sync } = ctx;
  await api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  // Straight into the datastore: this owner-only schema lets an API key save nothing (the save guard
  // refuses it), and what is under test is how conflicts and notices name a composite key.
  const site = await sync.datastore!.save('Site', { name: 'Quarry' });
  const key = { siteID: String(site.id), visitedOn: '2026-03-04', shift: 1 };
  await sync.datastore!.save('Visit', { ...key, notes: 'mine' });
  const visitDef = schema.models.Visit;
  const modelId = modelIdOf(visitDef, key);

  const notices: Array<EventOf<'error'>> = [];
  const conflicts: Array<EventOf<'conflict'>> = [];
  api.on('error', (n) => notices.push(n));
  api.on('conflict', (c) => conflicts.push(c));

  // The worker's error event names the record by modelId and carries the values it tried to write.
  sync.emit({
    type: 'error',
    data: {
      process: 'mutate',
      errorType: 'ConditionalCheckFailed',
      message: 'rejected',
      model: 'Visit',
      recordId: modelId,
      localModel: { ...key, notes: 'mine' },
    },
  });
  assert.deepEqual(notices.at(-1)?.key, key);
  assert.equal(notices.at(-1)?.recordId, modelId);
  assert.equal((await api.get({ model: 'Visit', id: notices.at(-1)!.key! }))?.notes, 'mine', 'the notice’s key opens the record');

  // A conflict logged by the worker: the inbox entry carries the key, and both choices resolve by it.
  await sync.datastore!.conflicts.insertConflict({
    model: 'Visit',
    modelId,
    operation: 'Update',
    local: { ...key, notes: 'mine', _version: 1 },
    remote: { ...key, notes: 'theirs', _version: 2 },
    resolution: 'retried',
  });
  sync.emit({
    type: 'conflict',
    data: {
      model: 'Visit',
      recordId: modelId,
      operation: 'UPDATE',
      attempts: 1,
      localModel: { ...key, notes: 'mine', _version: 1 },
      remoteModel: { ...key, notes: 'theirs', _version: 2 },
      resolution: { kind: 'retry', data: { ...key, notes: 'mine', _version: 2 } },
    },
  });
  for (let i = 0; i < 200 && conflicts.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(conflicts.at(-1)?.key, key);
  const [listed] = await api.conflictsList();
  assert.deepEqual(listed?.key, key);
  await api.conflictsResolve({ id: listed!.id, choice: 'keepTheirs' });
  assert.equal((await api.get({ model: 'Visit', id: key }))?.notes, 'theirs');

  await sync.datastore!.conflicts.insertConflict({
    model: 'Visit',
    modelId,
    operation: 'Update',
    local: { ...key, notes: 'mine again' },
    remote: { ...key, _deleted: true },
    resolution: 'discarded',
  });
  const [deletedRemotely] = await api.conflictsList();
  await api.conflictsResolve({ id: deletedRemotely!.id, choice: 'keepTheirs' });
  assert.equal(await api.get({ model: 'Visit', id: key }), null, 'keep theirs of a server delete deletes the record by its key');
  await core.close();
});
