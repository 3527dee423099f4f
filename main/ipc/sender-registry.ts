// The renderers (windows) the IPC handlers have heard from, and each one's live observe
// subscriptions: pushes go only to senders still alive, and a sender that goes away takes its
// subscriptions with it.
import { ValidationError } from '../../common/errors.js';

/** One renderer (window) that talks to main. */
export interface IpcSender {
  /** Stable for the sender's lifetime. */
  readonly id: string;
  send(wire: string, payload: unknown): void;
  /** Called once when the sender goes away (window closed, page reloaded or crashed). */
  onGone(listener: () => void): void;
}

/** Most live observe/observeQuery subscriptions one sender may hold. */
export const MAX_SUBSCRIPTIONS_PER_SENDER = 200;

/** One sender and the stop functions of its live subscriptions, by subscription id. */
export interface SenderState {
  readonly sender: IpcSender;
  readonly subscriptions: Map<string, () => void>;
}

/** Every sender seen so far that has not gone away. */
export class SenderRegistry {
  private readonly senders = new Map<string, SenderState>();
  private nextSubscription = 1;

  /** The state of `sender`, registered (and cleaned up when it goes) on first sight. */
  stateOf(sender: IpcSender): SenderState {
    let state = this.senders.get(sender.id);
    if (!state) {
      state = { sender, subscriptions: new Map() };
      this.senders.set(sender.id, state);
      sender.onGone(() => {
        const gone = this.senders.get(sender.id);
        this.senders.delete(sender.id);
        for (const stop of gone?.subscriptions.values() ?? []) stop();
      });
    }
    return state;
  }

  /** Sends to one sender; a sender that died meanwhile is skipped. */
  push(state: SenderState, wire: string, payload: unknown): void {
    try {
      state.sender.send(wire, payload);
    } catch {
      // The window died between the event and the send; its onGone cleans up.
    }
  }

  /** Starts a subscription of `state`'s sender under a new id; `start` returns its stop function. */
  subscribe(state: SenderState, start: (id: string) => () => void): { subscriptionId: string } {
    if (state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SENDER) {
      throw new ValidationError(`too many live subscriptions (at most ${MAX_SUBSCRIPTIONS_PER_SENDER}); unobserve some`);
    }
    const id = `s${this.nextSubscription++}`;
    state.subscriptions.set(id, start(id));
    return { subscriptionId: id };
  }

  /** Sends to every live sender. */
  pushAll(wire: string, payload: unknown): void {
    for (const state of this.senders.values()) this.push(state, wire, payload);
  }

  /** Stops every subscription of every sender. */
  dropSubscriptions(): void {
    for (const state of this.senders.values()) {
      for (const stop of state.subscriptions.values()) stop();
      state.subscriptions.clear();
    }
  }

  /** Live subscriptions per sender id. */
  subscriptionCounts(): Record<string, number> {
    return Object.fromEntries([...this.senders].map(([id, state]) => [id, state.subscriptions.size]));
  }
}
