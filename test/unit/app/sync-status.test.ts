// The sync bar's status reducer, by table: each row one status, one input, the status after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncStatus } from '../../../common/ipc/contract.js';
import { emptySyncStatus, syncStatusAfter, type SyncStatusInput } from '../../../common/sync/sync-status.js';
import type { SyncEvent } from '../../../common/sync/sync-events.js';

const AT = 1_750_000_000_000;
const server = (patch: Partial<SyncStatus> = {}): SyncStatus => ({ ...emptySyncStatus('server'), ...patch });
const worker = (event: SyncEvent): SyncStatusInput => ({ type: 'worker', event, at: AT });
const capped = { received: 5, synced: false, capped: { limit: 5, total: 9 } };
const counts = (n: number, u = 0, d = 0) => ({ new: n, updated: u, deleted: d });

const rows: ReadonlyArray<readonly [string, SyncStatus, SyncStatusInput, SyncStatus]> = [
  ['online', server(), worker({ type: 'networkStatus', data: { active: true } }), server({ online: true })],
  ['offline', server({ online: true }), worker({ type: 'networkStatus', data: { active: false } }), server()],
  [
    'a round starts: every model it names at zero, the old ones gone',
    server({ models: { Old: { received: 3, synced: true } } }),
    worker({ type: 'syncQueriesStarted', data: { models: ['Site', 'Visit'] } }),
    server({ syncing: true, models: { Site: { received: 0, synced: false }, Visit: { received: 0, synced: false } } }),
  ],
  [
    'progress keeps synced and capped',
    server({ models: { Site: capped } }),
    worker({ type: 'syncProgress', data: { model: 'Site', received: 7, isFullSync: true } }),
    server({ models: { Site: { ...capped, received: 7 } } }),
  ],
  [
    'progress of a model not yet listed',
    server(),
    worker({ type: 'syncProgress', data: { model: 'Site', received: 2, isFullSync: false } }),
    server({ models: { Site: { received: 2, synced: false } } }),
  ],
  [
    'a model synced: received is the larger of progress and counts, the cap gone',
    server({ models: { Site: capped } }),
    worker({ type: 'modelSynced', data: { model: 'Site', isFullSync: true, isDeltaSync: false, counts: counts(1, 1, 1), complete: true } }),
    server({ models: { Site: { received: 5, synced: true } } }),
  ],
  [
    'a model stopped by the cap stays capped and unsynced',
    server({ models: { Site: capped } }),
    worker({ type: 'modelSynced', data: { model: 'Site', isFullSync: true, isDeltaSync: false, counts: counts(6, 2), complete: false } }),
    server({ models: { Site: { received: 8, synced: false, capped: capped.capped } } }),
  ],
  [
    'the cap reached',
    server({ models: { Site: { received: 2, synced: false } } }),
    worker({ type: 'syncLimitReached', data: { model: 'Site', maxRecordsToSync: 5, received: 5.5, leftOut: 4, total: 9 } }),
    server({ models: { Site: { received: 5, synced: false, capped: { limit: 5, total: 9 } } } }),
  ],
  [
    'the cap reached, the server told no usable total and a negative received',
    server({ models: { Site: { received: 2, synced: false } } }),
    worker({ type: 'syncLimitReached', data: { model: 'Site', maxRecordsToSync: 5, received: -1, leftOut: 0, total: 2.5 } }),
    server({ models: { Site: { received: 2, synced: false, capped: { limit: 5, total: null } } } }),
  ],
  ['round done', server({ syncing: true }), worker({ type: 'syncQueriesReady', data: undefined }), server({ lastSyncedAt: AT })],
  ['an edit accepted', server(), worker({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's1' } } }), server({ lastSyncedAt: AT })],
  [
    'opened: empty status of its mode with what the profile recorded',
    server({ running: true, unsynced: 4 }),
    { type: 'opened', mode: 'offline', lastSyncedAt: 17, reviewWaiting: 2 },
    { ...emptySyncStatus('offline'), lastSyncedAt: 17, reviewWaiting: 2 },
  ],
  ['closed', server({ running: true, unsynced: 4 }), { type: 'closed' }, emptySyncStatus('signedOut')],
  ['started', server(), { type: 'started' }, server({ running: true })],
  ['stopped', server({ running: true, online: true, syncing: true, unsynced: 1 }), { type: 'stopped' }, server({ unsynced: 1 })],
  ['counted', server(), { type: 'unsynced', count: 3 }, server({ unsynced: 3 })],
  ['review items counted', server(), { type: 'reviewWaiting', count: 2 }, server({ reviewWaiting: 2 })],
  [
    'cleared',
    server({ lastSyncedAt: 5, models: { Site: { received: 1, synced: true } }, reviewWaiting: 3, running: true }),
    { type: 'cleared', reviewWaiting: 0 },
    server({ running: true }),
  ],
];

for (const [name, before, input, after] of rows) {
  test(`sync status: ${name}`, () => {
    const frozen = structuredClone(before);
    assert.deepEqual(syncStatusAfter(before, input), after);
    assert.deepEqual(before, frozen, 'the input status is not changed');
  });
}

// Inputs that change nothing the bar shows answer the same object, so the holder broadcasts nothing.
const unchanged: ReadonlyArray<readonly [string, SyncStatusInput]> = [
  ['the same review count', { type: 'reviewWaiting', count: 0 }],
  ['outbox enqueued', worker({ type: 'outboxMutationEnqueued', data: { model: 'Site', element: { id: 's1' } } })],
  ['outbox status', worker({ type: 'outboxStatus', data: { isEmpty: false } })],
  ['subscriptions established', worker({ type: 'subscriptionsEstablished', data: undefined })],
  ['ready', worker({ type: 'ready', data: undefined })],
  ['an error', worker({ type: 'error', data: { process: 'mutate', message: 'no', errorType: 'Unauthorized' } })],
  ['an unusable cap', worker({ type: 'syncLimitReached', data: { model: 'Site', maxRecordsToSync: -1, received: 0, leftOut: 0, total: null } })],
];

for (const [name, input] of unchanged) {
  test(`sync status: ${name} changes nothing`, () => {
    const before = server({ unsynced: 2 });
    assert.equal(syncStatusAfter(before, input), before);
  });
}
