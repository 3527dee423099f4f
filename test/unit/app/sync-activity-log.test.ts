// The Sync activity log: newest first, bounded, per-record lines folded into one with a count
// (within FOLD_WINDOW_MS and while nothing else came between), each new or folded line pushed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncActivityEntry } from '../../../common/ipc/contract.js';
import { createSyncActivityLog, FOLD_WINDOW_MS, SYNC_ACTIVITY_LIMIT } from '../../../main/app/sync-activity.js';

function log() {
  const pushed: SyncActivityEntry[] = [];
  const out = { broadcast: (channel: string, entry: unknown) => channel === 'syncActivity' && pushed.push(entry as SyncActivityEntry) };
  return { log: createSyncActivityLog(out as never), pushed };
}
const sent = (id: string) => ({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id, name: id } } }) as const;

test('newest first; session lines beside worker lines; lines without words are not kept', () => {
  const { log: l, pushed } = log();
  l.note('Signed in as ana on host', 'info', 1);
  l.record({ type: 'networkStatus', data: { active: true } }, null, 2);
  l.record({ type: 'syncProgress', data: { model: 'Site', received: 3, isFullSync: true } }, null, 3);
  assert.deepEqual(
    l.list().map((e) => [e.at, e.kind, e.text]),
    [
      [2, 'networkStatus', 'Connected to the server'],
      [1, 'session', 'Signed in as ana on host'],
    ],
  );
  assert.equal(pushed.length, 2);
});

test('a run of accepted changes is one line with a count; another line or a long gap starts a new one', () => {
  const { log: l, pushed } = log();
  for (let i = 0; i < 3; i++) l.record(sent(`s${i}`), null, 1000 + i);
  assert.deepEqual(
    l.list().map((e) => e.text),
    ['Sent 3 changes to sites'],
  );
  assert.equal(l.list()[0]!.at, 1002, 'the folded line is stamped with its newest');
  assert.equal(pushed.length, 3, 'each fold is pushed so the screen shows the count');
  l.record({ type: 'syncQueriesReady', data: undefined }, null, 1003);
  l.record(sent('s9'), null, 1004);
  l.record(sent('s10'), null, 1004 + FOLD_WINDOW_MS + 1);
  assert.deepEqual(
    l.list().map((e) => e.text),
    ['Sent a change to site “#s10”', 'Sent a change to site “#s9”', 'Up to date with the server', 'Sent 3 changes to sites'],
  );
});

test('bounded: the oldest lines drop off; list takes a limit; clear forgets all', () => {
  const { log: l } = log();
  for (let i = 0; i < SYNC_ACTIVITY_LIMIT + 5; i++) l.note(`line ${i}`, 'info', i);
  assert.equal(l.list(SYNC_ACTIVITY_LIMIT + 100).length, SYNC_ACTIVITY_LIMIT);
  assert.equal(l.list(SYNC_ACTIVITY_LIMIT).at(-1)!.text, 'line 5');
  assert.deepEqual(
    l.list(2).map((e) => e.text),
    [`line ${SYNC_ACTIVITY_LIMIT + 4}`, `line ${SYNC_ACTIVITY_LIMIT + 3}`],
  );
  l.clear();
  assert.deepEqual(l.list(), []);
});
