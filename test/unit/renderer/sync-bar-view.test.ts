// The sync bar's parts never contradict each other: random sequences of what main folds into the
// status (worker events, start/stop, counts, clear, open/close; common/sync/sync-status.ts, the
// real reducer) are shown by syncBarView at random moments, and every combination on screen is
// checked ("Offline · All changes synced · Last synced just now" must not happen). Then tables
// for the parts themselves. The seed is printed; OUTPOST_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Access, SyncStatus } from '../../../common/ipc/contract.js';
import type { AttachmentQueue } from '../../../common/ipc/attachment-contract.js';
import { emptySyncStatus, syncStatusAfter, type SyncStatusInput } from '../../../common/sync/sync-status.js';
import { agoText, syncBarState, syncBarView, type SyncBarView } from '../../../renderer/sync-bar-view.js';

const MODELS = ['Site', 'Inspection'] as const;
const model = fc.constantFrom(...MODELS);
const n = fc.integer({ min: 0, max: 20 });

const input: fc.Arbitrary<SyncStatusInput> = fc.oneof(
  fc.boolean().map((active) => ({ type: 'worker', event: { type: 'networkStatus', data: { active } }, at: 0 }) as SyncStatusInput),
  fc.subarray([...MODELS]).map((models) => ({ type: 'worker', event: { type: 'syncQueriesStarted', data: { models } }, at: 0 }) as SyncStatusInput),
  fc
    .tuple(model, n)
    .map(([m, received]) => ({ type: 'worker', event: { type: 'syncProgress', data: { model: m, received, isFullSync: true } }, at: 0 }) as SyncStatusInput),
  fc.tuple(model, n, fc.boolean()).map(
    ([m, k, complete]) =>
      ({
        type: 'worker',
        event: { type: 'modelSynced', data: { model: m, isFullSync: true, isDeltaSync: false, counts: { new: k, updated: 0, deleted: 0 }, complete } },
        at: 0,
      }) as SyncStatusInput,
  ),
  fc.tuple(model, n).map(
    ([m, k]) =>
      ({
        type: 'worker',
        event: { type: 'syncLimitReached', data: { model: m, maxRecordsToSync: 5, received: 5, leftOut: k, total: 5 + k } },
        at: 0,
      }) as SyncStatusInput,
  ),
  fc.constant({ type: 'worker', event: { type: 'syncQueriesReady', data: undefined }, at: 0 } as SyncStatusInput),
  fc.constant({ type: 'worker', event: { type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's' } } }, at: 0 } as SyncStatusInput),
  fc.constantFrom<SyncStatusInput>({ type: 'started' }, { type: 'stopped' }, { type: 'closed' }),
  fc.constantFrom('offline', 'server').map((mode) => ({ type: 'opened', mode, lastSyncedAt: null, reviewWaiting: 0 }) as SyncStatusInput),
  n.map((count) => ({ type: 'unsynced', count }) as SyncStatusInput),
  fc.integer({ min: 0, max: 3 }).map((count) => ({ type: 'reviewWaiting', count }) as SyncStatusInput),
  fc.constant({ type: 'cleared', reviewWaiting: 0 } as SyncStatusInput),
);

/** One step: an input, how long after the previous one it came (ms), and how long after it the bar is looked at. */
const step = fc.tuple(input, fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 120_000 }));

const queue = fc.option(
  fc.record({
    waiting: fc.integer({ min: 0, max: 3 }),
    failed: fc.integer({ min: 0, max: 1 }),
    bytesWaiting: fc.integer({ min: 0, max: 1e6 }),
    paused: fc.boolean(),
    uploadsAvailable: fc.boolean(),
  }),
  { nil: null },
);

const SYNCED = /^All (changes|records) synced$/;

/** Every contradiction the bar could show, as a list of what is wrong (empty: none). */
function contradictions(s: SyncStatus, v: SyncBarView, q: AttachmentQueue | null, access: Access | null): string[] {
  const wrong: string[] = [];
  const text = v.summary.text;
  if (SYNCED.test(text)) {
    if (v.state !== 'online') wrong.push(`"${text}" while ${v.label}`);
    if (s.unsynced > 0) wrong.push(`"${text}" with ${s.unsynced} unsynced`);
    if (s.reviewWaiting > 0) wrong.push(`"${text}" with review items`);
    if (Object.values(s.models).some((m) => m.capped)) wrong.push(`"${text}" with a capped model`);
    if (text === 'All changes synced' && q !== null && (q.waiting > 0 || q.failed > 0)) wrong.push('"All changes synced" with files waiting');
    if (access !== null && Object.values(access.models).every((m) => !m.read)) wrong.push(`"${text}" for a sign-in that reads nothing`);
  }
  if (v.state !== 'online') {
    if (v.lastSync.includes('just now')) wrong.push(`"${v.lastSync}" while ${v.label}`);
    if (v.progress !== null) wrong.push(`progress while ${v.label}`);
  }
  if (text === 'Reconnecting…' && v.state !== 'offline') wrong.push(`"Reconnecting…" while ${v.label}`);
  if (v.state === 'offline' && !/^(Reconnecting…|[\d,]+ unsynced changes?)$/.test(text)) wrong.push(`"${text}" while Offline`);
  if (v.state === 'paused' && /Reconnecting/.test(text)) wrong.push('reconnecting while paused');
  if ((v.toggle === null) !== (s.mode !== 'server')) wrong.push(`toggle ${v.toggle} in mode ${s.mode}`);
  if (v.toggle === 'Pause sync' && v.state === 'paused') wrong.push('"Pause sync" while paused');
  if (v.toggle === 'Resume sync' && v.state !== 'paused') wrong.push(`"Resume sync" while ${v.label}`);
  if (v.state === 'local' && v.lastSync !== 'This profile never syncs') wrong.push(`"${v.lastSync}" for a local-only profile`);
  if (s.unsynced === 0 && /unsynced/.test(text)) wrong.push(`"${text}" with nothing unsynced`);
  return wrong;
}

test('no event sequence makes the bar contradict itself', () => {
  const seed = Number(process.env.OUTPOST_SEED ?? Date.now() % 2 ** 31);
  console.log(`sync-bar-view property seed: ${seed} (OUTPOST_SEED=${seed} replays it)`);
  const readsNothing: Access = { identity: null, models: { Site: { read: false, create: false, update: false, delete: false } } } as unknown as Access;
  fc.assert(
    fc.property(
      fc.constantFrom<SyncStatus['mode']>('server', 'offline'),
      fc.array(step, { minLength: 1, maxLength: 40 }),
      queue,
      fc.option(fc.constant(readsNothing), { nil: null }),
      (mode, steps, q, access) => {
        let status = { ...emptySyncStatus(mode), running: mode === 'server' };
        let at = 1_750_000_000_000;
        for (const [raw, gap, look] of steps) {
          at += gap;
          const stamped = raw.type === 'worker' ? { ...raw, at } : raw;
          status = syncStatusAfter(status, stamped);
          const view = syncBarView(status, at + look, null, access, q);
          const wrong = contradictions(status, view, q, access);
          assert.deepEqual(wrong, [], `${view.label} · ${view.summary.text} · ${view.lastSync} for ${JSON.stringify(status)}`);
        }
      },
    ),
    { seed, numRuns: 400 },
  );
});

test('the issue’s combination cannot be built: gone offline right after a sync', () => {
  const at = 1_750_000_000_000;
  let s: SyncStatus = { ...emptySyncStatus('server'), running: true };
  for (const input of [
    { type: 'worker', event: { type: 'networkStatus', data: { active: true } }, at },
    { type: 'worker', event: { type: 'syncQueriesStarted', data: { models: ['Site'] } }, at },
    { type: 'worker', event: { type: 'syncQueriesReady', data: undefined }, at },
    { type: 'worker', event: { type: 'networkStatus', data: { active: false } }, at: at + 1 },
  ] as SyncStatusInput[])
    s = syncStatusAfter(s, input);
  const v = syncBarView(s, at + 2000);
  assert.deepEqual([v.label, v.summary.text, v.lastSync], ['Offline', 'Reconnecting…', 'Last synced less than a minute ago']);
});

test('a round cut off by going offline shows no progress', () => {
  const at = 1;
  let s: SyncStatus = { ...emptySyncStatus('server'), running: true, online: true };
  s = syncStatusAfter(s, { type: 'worker', event: { type: 'syncQueriesStarted', data: { models: ['Site'] } }, at });
  assert.deepEqual(syncBarView(s, at).progress, [{ model: 'Site', text: 'Site 0…', synced: false }]);
  s = syncStatusAfter(s, { type: 'worker', event: { type: 'networkStatus', data: { active: false } }, at });
  assert.equal(syncBarView(s, at).progress, null);
});

test('syncBarState and agoText, by table', () => {
  const states: ReadonlyArray<readonly [Pick<SyncStatus, 'mode' | 'running' | 'online'>, string]> = [
    [{ mode: 'signedOut', running: false, online: false }, 'signedOut'],
    [{ mode: 'offline', running: false, online: false }, 'local'],
    [{ mode: 'server', running: false, online: true }, 'paused'],
    [{ mode: 'server', running: true, online: false }, 'offline'],
    [{ mode: 'server', running: true, online: true }, 'online'],
  ];
  for (const [s, expected] of states) assert.equal(syncBarState(s), expected, JSON.stringify(s));
  const agos: ReadonlyArray<readonly [number, boolean, string]> = [
    [0, true, 'just now'],
    [9_000, true, 'just now'],
    [0, false, 'less than a minute ago'],
    [45_000, true, '45 s ago'],
    [45_000, false, 'less than a minute ago'],
    [3 * 60_000, false, '3 min ago'],
    [2 * 3_600_000, true, '2 h ago'],
    [3 * 86_400_000, true, '3 d ago'],
    [-5_000, true, 'just now'],
  ];
  for (const [ms, connected, expected] of agos) assert.equal(agoText(ms, connected), expected, `${ms} ${connected}`);
});

test('syncBarView, by table: label, summary and last sync together', () => {
  const base: SyncStatus = { mode: 'server', running: true, online: true, unsynced: 0, lastSyncedAt: 1000, syncing: false, models: {}, reviewWaiting: 0 };
  const rows: ReadonlyArray<readonly [string, Partial<SyncStatus>, readonly [string, string, string, string | null]]> = [
    ['online, all sent', {}, ['Online', 'All changes synced', 'Last synced just now', 'Pause sync']],
    ['offline', { online: false }, ['Offline', 'Reconnecting…', 'Last synced less than a minute ago', 'Pause sync']],
    ['offline with changes', { online: false, unsynced: 2 }, ['Offline', '2 unsynced changes', 'Last synced less than a minute ago', 'Pause sync']],
    ['paused', { running: false, online: false }, ['Sync paused', 'Nothing waiting to send', 'Last synced less than a minute ago', 'Resume sync']],
    ['never synced', { lastSyncedAt: null }, ['Online', 'All changes synced', 'Not synced yet', 'Pause sync']],
    ['local only', { mode: 'offline', running: false, online: false }, ['Local only', 'No local changes', 'This profile never syncs', null]],
  ];
  for (const [name, patch, expected] of rows) {
    const v = syncBarView({ ...base, ...patch }, 2000);
    assert.deepEqual([v.label, v.summary.text, v.lastSync, v.toggle], expected, name);
  }
});
