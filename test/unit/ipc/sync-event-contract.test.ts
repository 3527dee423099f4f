// The contract's `syncEvent` channel carries the worker's typed events: what main forwards
// (worker-events.ts syncEventMessage) passes the contract's schema, with `data` as a JSON copy and
// an absent payload as null; an unknown name does not. Switching on `event` narrows `data`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { events, type EventOf } from '../../../common/ipc/contract.js';
import { SYNC_EVENT_TYPES, type SyncEvent } from '../../../common/sync/sync-events.js';
import { syncEventMessage } from '../../../main/app/worker-events.js';

const samples: SyncEvent[] = [
  { type: 'networkStatus', data: { active: true } },
  { type: 'syncQueriesReady', data: undefined },
  { type: 'modelSynced', data: { model: 'Site', isFullSync: true, isDeltaSync: false, counts: { new: 1, updated: 0, deleted: 0 }, complete: true } },
  { type: 'error', data: { process: 'mutate', message: 'no', errorType: 'Unauthorized', model: 'Site', localModel: { id: 's1', at: undefined } } },
];

test('syncEvent: what main forwards passes the contract, payloads as JSON carries them', () => {
  const forwarded = samples.map(syncEventMessage);
  for (const message of forwarded) assert.equal(events.syncEvent.safeParse(message).success, true, message.event);
  assert.deepEqual(forwarded[1], { event: 'syncQueriesReady', data: null });
  assert.deepEqual(forwarded[3]?.data, { process: 'mutate', message: 'no', errorType: 'Unauthorized', model: 'Site', localModel: { id: 's1' } });
});

test('syncEvent: an unknown event name or a message without data is refused', () => {
  assert.equal(events.syncEvent.safeParse({ event: 'modelSyncProgress', data: {} }).success, false);
  assert.equal(events.syncEvent.safeParse({ event: 'networkStatus' }).success, false);
  assert.equal(events.syncEvent.safeParse('networkStatus').success, false);
  assert.equal(SYNC_EVENT_TYPES.length, new Set(SYNC_EVENT_TYPES).size);
});

test('syncEvent: the renderer switches on `event` and `data` narrows', () => {
  const describe = (message: EventOf<'syncEvent'>): string => {
    switch (message.event) {
      case 'networkStatus':
        return message.data.active ? 'online' : 'offline';
      case 'modelSynced':
        return `${message.data.model}: ${message.data.counts.new} new`;
      case 'syncQueriesReady':
        return String(message.data);
      default:
        return message.event;
    }
  };
  assert.deepEqual(samples.map(syncEventMessage).map(describe), ['online', 'null', 'Site: 1 new', 'error']);
});
