// The sync worker's round loop as a reducer (DESIGN.md "Sync worker", PowerSync-style: the core
// emits instructions, the session performs them). A round: open the subscriptions (later rounds:
// wait until they are up again) with live events buffered → sync queries → buffered events
// applied → outbox started → `ready` after the first. Then the loop waits for a trigger (a
// reconnect, a due full sync, syncNow()); a failed round goes offline, starts the outbox anyway
// (local edits still queue and retry on their own), emits `ready` and backs off. Pure: no I/O,
// no timers.

export interface RoundLoopState {
  /** `round`: a round (or the backoff after one) runs; `waiting`: for a trigger; `stopped`: for good. */
  readonly phase: 'round' | 'waiting' | 'stopped';
  /** The last `networkStatus` emitted (null: none yet). */
  readonly online: boolean | null;
  readonly readyEmitted: boolean;
  /** A trigger came while a round ran: the next round starts without waiting. */
  readonly triggered: boolean;
  /** The subscriptions were opened (by the first round; later rounds wait for them to be up). */
  readonly subscribed: boolean;
}

export const INITIAL_ROUND_LOOP: RoundLoopState = { phase: 'round', online: null, readyEmitted: false, triggered: false, subscribed: false };

export type RoundLoopEvent =
  /** A round begins: the first, one after a backoff, or (`woken`) one after a wait. */
  | { readonly kind: 'roundStarted'; readonly woken: boolean }
  /** The subscriptions are up: the round's sync can run. */
  | { readonly kind: 'connected' }
  /** The round's sync, buffer and outbox start are done. */
  | { readonly kind: 'roundSucceeded' }
  /** The round failed; `unreachable`: the server could not be reached (no error event). */
  | { readonly kind: 'roundFailed'; readonly unreachable: boolean; readonly message: string }
  /** syncNow() or a due full sync: run a round now (or right after the running one). */
  | { readonly kind: 'triggered' }
  /** The real-time connection was lost. */
  | { readonly kind: 'disrupted' }
  /** The real-time connection is back: events published meanwhile are missed, so a delta round runs. */
  | { readonly kind: 'reconnected' }
  | { readonly kind: 'stopped' };

/** What the session does, in order; the last one of a step says which event follows. */
export type RoundLoopAction =
  | { readonly kind: 'networkStatus'; readonly active: boolean }
  | { readonly kind: 'subscriptionsEstablished' }
  /** Hold live events until `applyBuffer`. */
  | { readonly kind: 'bufferEvents' }
  /** → `connected` (or `roundFailed` when the socket cannot connect). */
  | { readonly kind: 'openSubscriptions' }
  /** → `connected` once the socket is up again (or `roundFailed`). */
  | { readonly kind: 'awaitSubscriptions' }
  | { readonly kind: 'syncRound' }
  /** Apply the held live events in arrival order (after those being applied) and apply new ones at once. */
  | { readonly kind: 'applyBuffer' }
  /** The same after a failed round, failures ignored (the next round's sync covers them). */
  | { readonly kind: 'releaseBuffer' }
  | { readonly kind: 'resetBackoff' }
  | { readonly kind: 'startOutbox' }
  | { readonly kind: 'wakeOutbox' }
  /** Wait until the outbox has nothing it can send now (before the first `ready`); → `roundSucceeded`. */
  | { readonly kind: 'awaitOutboxSettled' }
  /** → `roundSucceeded` at once (the outbox runs on). */
  | { readonly kind: 'roundDone' }
  | { readonly kind: 'ready' }
  /** Resolve the syncNow() calls waiting for this round. */
  | { readonly kind: 'releaseWaiters' }
  | { readonly kind: 'reportError'; readonly message: string }
  /** → `roundStarted` (woken) after the full-sync timer or a `wake`. */
  | { readonly kind: 'waitForTrigger' }
  /** End the current `waitForTrigger`. */
  | { readonly kind: 'wake' }
  /** → `roundStarted` (woken) at once. */
  | { readonly kind: 'nextRound' }
  /** → `roundStarted` after the round loop's backoff delay. */
  | { readonly kind: 'backOff' };

export interface RoundLoopStep {
  readonly state: RoundLoopState;
  readonly actions: readonly RoundLoopAction[];
}

const act = <K extends RoundLoopAction['kind']>(kind: K): Extract<RoundLoopAction, { kind: K }> => ({ kind }) as Extract<RoundLoopAction, { kind: K }>;

function networkStatus(state: RoundLoopState, active: boolean): RoundLoopAction[] {
  return state.online === active ? [] : [{ kind: 'networkStatus', active }];
}

/** A trigger: wakes a waiting loop, or marks the running round to be followed at once. */
function trigger(state: RoundLoopState): RoundLoopStep {
  if (state.phase === 'waiting') return { state: { ...state, phase: 'round' }, actions: [act('wake')] };
  return { state: { ...state, triggered: true }, actions: [] };
}

/** The state after `event` and what to do about it. Nothing happens once stopped. */
export function roundLoop(state: RoundLoopState, event: RoundLoopEvent): RoundLoopStep {
  if (state.phase === 'stopped') return { state, actions: [] };
  switch (event.kind) {
    case 'roundStarted': {
      const next = { ...state, phase: 'round' as const, subscribed: true, triggered: event.woken ? false : state.triggered };
      return { state: next, actions: [act('bufferEvents'), act(state.subscribed ? 'awaitSubscriptions' : 'openSubscriptions')] };
    }
    case 'connected': {
      const actions = [...networkStatus(state, true), ...(state.readyEmitted ? [] : [act('subscriptionsEstablished')])];
      actions.push(act('syncRound'), act('applyBuffer'), act('resetBackoff'), act('startOutbox'), act('wakeOutbox'));
      // The first `ready` waits for the outbox to send what it can: the app starts from a settled state.
      actions.push(act(state.readyEmitted ? 'roundDone' : 'awaitOutboxSettled'));
      return { state: { ...state, online: true }, actions };
    }
    case 'roundSucceeded': {
      const actions = [...(state.readyEmitted ? [] : [act('ready')]), act('releaseWaiters'), act(state.triggered ? 'nextRound' : 'waitForTrigger')];
      return { state: { ...state, readyEmitted: true, triggered: false, phase: state.triggered ? 'round' : 'waiting' }, actions };
    }
    case 'roundFailed': {
      const actions: RoundLoopAction[] = event.unreachable ? [] : [{ kind: 'reportError', message: event.message }];
      actions.push(...networkStatus(state, false), act('startOutbox'), act('releaseBuffer'));
      actions.push(...(state.readyEmitted ? [] : [act('ready')]), act('releaseWaiters'), act('backOff'));
      return { state: { ...state, online: false, readyEmitted: true }, actions };
    }
    case 'triggered':
      return trigger(state);
    case 'disrupted':
      return { state: { ...state, online: false }, actions: networkStatus(state, false) };
    case 'reconnected': {
      const woken = trigger({ ...state, online: true });
      return { state: woken.state, actions: [...networkStatus(state, true), act('wakeOutbox'), ...woken.actions] };
    }
    case 'stopped':
      return { state: { ...state, phase: 'stopped' }, actions: [] };
  }
}
