// The round loop's reducer (main/sync/core/round-loop.ts): each row is a state, an event, and the
// state and actions that must follow; then whole sessions driven event by event.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { INITIAL_ROUND_LOOP, roundLoop, type RoundLoopEvent, type RoundLoopState } from '../../../main/sync/core/round-loop.js';

const at = (over: Partial<RoundLoopState>): RoundLoopState => ({ ...INITIAL_ROUND_LOOP, ...over });
const kinds = (state: RoundLoopState, event: RoundLoopEvent): string[] =>
  roundLoop(state, event).actions.map((a) => (a.kind === 'networkStatus' ? `networkStatus:${a.active}` : a.kind));

const settled = at({ online: true, readyEmitted: true, subscribed: true });
const ROWS: ReadonlyArray<{
  readonly name: string;
  readonly state: RoundLoopState;
  readonly event: RoundLoopEvent;
  readonly actions: string[];
  readonly after?: Partial<RoundLoopState>;
}> = [
  {
    name: 'first round opens the subscriptions',
    state: INITIAL_ROUND_LOOP,
    event: { kind: 'roundStarted', woken: false },
    actions: ['bufferEvents', 'openSubscriptions'],
    after: { subscribed: true },
  },
  { name: 'later rounds wait for them', state: settled, event: { kind: 'roundStarted', woken: true }, actions: ['bufferEvents', 'awaitSubscriptions'] },
  {
    name: 'a woken round forgets the trigger',
    state: at({ ...settled, triggered: true }),
    event: { kind: 'roundStarted', woken: true },
    actions: ['bufferEvents', 'awaitSubscriptions'],
    after: { triggered: false },
  },
  {
    name: 'a round after a backoff keeps it',
    state: at({ ...settled, triggered: true }),
    event: { kind: 'roundStarted', woken: false },
    actions: ['bufferEvents', 'awaitSubscriptions'],
    after: { triggered: true },
  },
  {
    name: 'first connection: online, established, sync, outbox settled',
    state: at({ subscribed: true }),
    event: { kind: 'connected' },
    actions: ['networkStatus:true', 'subscriptionsEstablished', 'syncRound', 'applyBuffer', 'resetBackoff', 'startOutbox', 'wakeOutbox', 'awaitOutboxSettled'],
    after: { online: true },
  },
  {
    name: 'later connection: no events, no outbox wait',
    state: settled,
    event: { kind: 'connected' },
    actions: ['syncRound', 'applyBuffer', 'resetBackoff', 'startOutbox', 'wakeOutbox', 'roundDone'],
  },
  {
    name: 'first success: ready, then wait',
    state: at({ online: true, subscribed: true }),
    event: { kind: 'roundSucceeded' },
    actions: ['ready', 'releaseWaiters', 'waitForTrigger'],
    after: { readyEmitted: true, phase: 'waiting' },
  },
  {
    name: 'success with a trigger pending: next round at once',
    state: at({ ...settled, triggered: true }),
    event: { kind: 'roundSucceeded' },
    actions: ['releaseWaiters', 'nextRound'],
    after: { triggered: false, phase: 'round' },
  },
  {
    name: 'first failure, unreachable: offline, outbox anyway, ready, backoff',
    state: at({ subscribed: true }),
    event: { kind: 'roundFailed', unreachable: true, message: 'x' },
    actions: ['networkStatus:false', 'startOutbox', 'releaseBuffer', 'ready', 'releaseWaiters', 'backOff'],
    after: { online: false, readyEmitted: true },
  },
  {
    name: 'failure with an error: reported first',
    state: settled,
    event: { kind: 'roundFailed', unreachable: false, message: 'sync round failed: boom' },
    actions: ['reportError', 'networkStatus:false', 'startOutbox', 'releaseBuffer', 'releaseWaiters', 'backOff'],
  },
  {
    name: 'trigger while waiting wakes the loop',
    state: at({ ...settled, phase: 'waiting' }),
    event: { kind: 'triggered' },
    actions: ['wake'],
    after: { phase: 'round', triggered: false },
  },
  { name: 'trigger during a round is kept', state: settled, event: { kind: 'triggered' }, actions: [], after: { triggered: true } },
  { name: 'disrupted goes offline once', state: settled, event: { kind: 'disrupted' }, actions: ['networkStatus:false'], after: { online: false } },
  { name: 'disrupted while offline says nothing', state: at({ ...settled, online: false }), event: { kind: 'disrupted' }, actions: [] },
  {
    name: 'reconnected while waiting: online, outbox, wake',
    state: at({ ...settled, online: false, phase: 'waiting' }),
    event: { kind: 'reconnected' },
    actions: ['networkStatus:true', 'wakeOutbox', 'wake'],
    after: { online: true, phase: 'round' },
  },
  {
    name: 'reconnected during a round: marks the trigger',
    state: at({ ...settled, online: false }),
    event: { kind: 'reconnected' },
    actions: ['networkStatus:true', 'wakeOutbox'],
    after: { triggered: true },
  },
  { name: 'stopped', state: settled, event: { kind: 'stopped' }, actions: [], after: { phase: 'stopped' } },
  { name: 'nothing after stopped', state: at({ ...settled, phase: 'stopped' }), event: { kind: 'connected' }, actions: [] },
  { name: 'no trigger after stopped', state: at({ ...settled, phase: 'stopped' }), event: { kind: 'reconnected' }, actions: [] },
];

for (const row of ROWS) {
  test(`round loop: ${row.name}`, () => {
    assert.deepEqual(kinds(row.state, row.event), row.actions);
    const { state } = roundLoop(row.state, row.event);
    for (const [key, value] of Object.entries(row.after ?? {})) assert.equal(state[key as keyof RoundLoopState], value, key);
  });
}

test('round loop: a failed error round carries its message', () => {
  const [first] = roundLoop(settled, { kind: 'roundFailed', unreachable: false, message: 'sync round failed: boom' }).actions;
  assert.deepEqual(first, { kind: 'reportError', message: 'sync round failed: boom' });
});

/** Drives a session: each event in turn, collecting the actions. */
function drive(events: readonly RoundLoopEvent[]): string[] {
  let state = INITIAL_ROUND_LOOP;
  const out: string[] = [];
  for (const event of events) {
    const step = roundLoop(state, event);
    state = step.state;
    out.push(...step.actions.map((a) => (a.kind === 'networkStatus' ? `networkStatus:${a.active}` : a.kind)));
  }
  return out;
}

test('round loop: an online start emits established before the sync and ready once', () => {
  const actions = drive([
    { kind: 'roundStarted', woken: false },
    { kind: 'connected' },
    { kind: 'roundSucceeded' },
    { kind: 'triggered' },
    { kind: 'roundStarted', woken: true },
    { kind: 'connected' },
    { kind: 'roundSucceeded' },
  ]);
  assert.equal(actions.filter((a) => a === 'subscriptionsEstablished').length, 1);
  assert.equal(actions.filter((a) => a === 'ready').length, 1);
  assert.equal(actions.filter((a) => a === 'networkStatus:true').length, 1);
  assert.ok(actions.indexOf('subscriptionsEstablished') < actions.indexOf('syncRound'));
  assert.ok(actions.indexOf('syncRound') < actions.indexOf('ready'));
});

test('round loop: an offline start is ready offline, and the first good round never says established', () => {
  const actions = drive([
    { kind: 'roundStarted', woken: false },
    { kind: 'roundFailed', unreachable: true, message: 'down' },
    { kind: 'roundStarted', woken: false },
    { kind: 'connected' },
    { kind: 'roundSucceeded' },
  ]);
  assert.deepEqual(actions.slice(0, 8), [
    'bufferEvents',
    'openSubscriptions',
    'networkStatus:false',
    'startOutbox',
    'releaseBuffer',
    'ready',
    'releaseWaiters',
    'backOff',
  ]);
  assert.ok(!actions.includes('subscriptionsEstablished'));
  assert.ok(actions.includes('networkStatus:true'));
  assert.equal(actions.filter((a) => a === 'ready').length, 1);
  assert.ok(actions.includes('awaitSubscriptions'));
});
