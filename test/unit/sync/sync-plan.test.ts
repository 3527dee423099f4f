import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseSync,
  DEFAULT_FULL_SYNC_INTERVAL_MS,
  metadataAfterSync,
  metadataAtStart,
  nextFullSyncDue,
  recordsLeftOut,
  syncPredicateKey,
  syncStart,
  type SyncResume,
  syncRounds,
  type ModelSyncMetadata,
} from '../../../main/sync/core/sync-plan.js';
import { exampleSchema } from './example-schema.js';

const HOUR = 3_600_000;
const base: ModelSyncMetadata = { model: 'Site', lastSync: null, lastFullSync: null, fullSyncInterval: DEFAULT_FULL_SYNC_INTERVAL_MS, lastSyncPredicate: null };

test('a model never synced gets a full sync with lastSync 0', () => {
  const meta = metadataAtStart(null, 'Site', { fullSyncInterval: 24 * HOUR, predicateKey: null });
  assert.deepEqual(meta, { ...base, fullSyncInterval: 24 * HOUR });
  assert.deepEqual(chooseSync(meta, 1_000_000), { lastSync: 0, isFullSync: true });
});

test('within the full-sync interval the next sync is a delta from lastSync', () => {
  const now = 100 * HOUR;
  const synced = metadataAfterSync(base, now - 2 * HOUR, true);
  assert.equal(synced.lastFullSync, now - 2 * HOUR);
  const later = metadataAfterSync(synced, now - HOUR, false);
  assert.equal(later.lastFullSync, now - 2 * HOUR, 'a delta sync keeps lastFullSync');
  assert.deepEqual(chooseSync(later, now), { lastSync: now - HOUR, isFullSync: false });
});

test('past the full-sync interval the next sync is full again', () => {
  const now = 100 * HOUR;
  const meta = { ...metadataAfterSync(base, now - 25 * HOUR, true), lastSync: now - HOUR };
  assert.deepEqual(chooseSync(meta, now), { lastSync: 0, isFullSync: true });
  assert.deepEqual(chooseSync({ ...meta, fullSyncInterval: 48 * HOUR }, now), { lastSync: now - HOUR, isFullSync: false });
});

test('a changed selective-sync predicate resets the sync times; the same predicate in another key order does not', () => {
  const key = syncPredicateKey({ field: 'name', op: 'beginsWith', value: 'A' });
  const synced: ModelSyncMetadata = { ...base, lastSync: 5, lastFullSync: 5, lastSyncPredicate: key };
  const same = metadataAtStart(synced, 'Site', {
    fullSyncInterval: HOUR,
    predicateKey: syncPredicateKey({ value: 'A', op: 'beginsWith', field: 'name' } as never),
  });
  assert.equal(same.lastSync, 5);
  assert.equal(same.fullSyncInterval, HOUR, 'interval is updated at start');
  const changed = metadataAtStart(synced, 'Site', { fullSyncInterval: HOUR, predicateKey: syncPredicateKey({ field: 'name', op: 'beginsWith', value: 'B' }) });
  assert.equal(changed.lastSync, null);
  assert.equal(changed.lastFullSync, null);
  const removed = metadataAtStart(synced, 'Site', { fullSyncInterval: HOUR, predicateKey: null });
  assert.equal(removed.lastFullSync, null, 'dropping the predicate is a change too');
});

test('next full sync due is the earliest over models that have synced', () => {
  assert.equal(nextFullSyncDue([base]), null);
  assert.equal(
    nextFullSyncDue([
      { ...base, lastFullSync: 10, fullSyncInterval: 5 },
      { ...base, lastFullSync: 3, fullSyncInterval: 100 },
    ]),
    15,
  );
});

test('sync rounds put every model after the models it belongs to', () => {
  assert.deepEqual(syncRounds(exampleSchema), [['Site'], ['Inspection'], ['Observation']]);
  assert.deepEqual(syncRounds(exampleSchema, ['Observation', 'Site']), [['Site', 'Observation']], 'an excluded parent does not hold a child back');
  const flat = {
    ...exampleSchema,
    modelOrder: ['Site', 'Inspection', 'Observation', 'Note'],
    models: { ...exampleSchema.models, Note: { ...exampleSchema.models.Site, name: 'Note' } },
  };
  assert.deepEqual(syncRounds(flat), [['Site', 'Note'], ['Inspection'], ['Observation']]);
});

test('syncStart: a capped sync continues from its token with the same predicate; otherwise a fresh sync', () => {
  const now = 100 * HOUR;
  const synced = metadataAfterSync(base, now - 2 * HOUR, true);
  const resume: SyncResume = {
    lastSync: 0,
    isFullSync: true,
    nextToken: 'tok',
    startedAt: now - HOUR,
    received: 50,
    total: 120,
    predicateKey: null,
  };
  const rows: Array<{ name: string; meta: ModelSyncMetadata; resume: SyncResume | undefined; predicateKey: string | null; expected: object }> = [
    {
      name: 'nothing to continue, never synced: full',
      meta: base,
      resume: undefined,
      predicateKey: null,
      expected: { lastSync: 0, isFullSync: true, nextToken: null, startedAt: null, received: 0, total: null, continued: false },
    },
    {
      name: 'nothing to continue, synced: delta',
      meta: synced,
      resume: undefined,
      predicateKey: null,
      expected: { lastSync: now - 2 * HOUR, isFullSync: false, nextToken: null, startedAt: null, received: 0, total: null, continued: false },
    },
    {
      name: 'a capped full sync continues',
      meta: base,
      resume,
      predicateKey: null,
      expected: { lastSync: 0, isFullSync: true, nextToken: 'tok', startedAt: now - HOUR, received: 50, total: 120, continued: true },
    },
    {
      name: 'a capped delta continues with its lastSync',
      meta: synced,
      resume: { ...resume, lastSync: now - 2 * HOUR, isFullSync: false },
      predicateKey: null,
      expected: { lastSync: now - 2 * HOUR, isFullSync: false, nextToken: 'tok', startedAt: now - HOUR, received: 50, total: 120, continued: true },
    },
    {
      name: 'the predicate changed: start over',
      meta: base,
      resume,
      predicateKey: '{"x":1}',
      expected: { lastSync: 0, isFullSync: true, nextToken: null, startedAt: null, received: 0, total: null, continued: false },
    },
  ];
  for (const row of rows) assert.deepEqual(syncStart(row.meta, row.resume, row.predicateKey, now), row.expected, row.name);
});

test('recordsLeftOut: the server count minus what arrived, never negative, null without a count', () => {
  assert.equal(recordsLeftOut(120, 50), 70);
  assert.equal(recordsLeftOut(40, 50), 0, 'records deleted since the count');
  assert.equal(recordsLeftOut(null, 50), null);
});
