// The windows the core pushes events to: every IPC host it was attached to. Pushes go to each
// host's live senders (main/ipc/handlers.ts).
import type { ErrorNotice, EventChannel, EventOf } from '../../common/ipc/contract.js';
import type { IpcHandlers } from '../ipc/handlers.js';

export interface Broadcaster {
  /** Adds the handlers of one IPC host. */
  add(handlers: IpcHandlers): void;
  broadcast<E extends EventChannel>(event: E, payload: EventOf<E>): void;
  /** Pushes an `error` notice stamped with the time now. */
  notify(notice: Omit<ErrorNotice, 'at'>): void;
  /** Stops every window's subscriptions (the store they observe is closing). */
  dropSubscriptions(): void;
}

/** Creates a broadcaster with no hosts yet. */
export function createBroadcaster(): Broadcaster {
  const hosts: IpcHandlers[] = [];
  const broadcast = <E extends EventChannel>(event: E, payload: EventOf<E>): void => {
    for (const host of hosts) host.broadcast(event, payload);
  };
  return {
    add: (handlers) => void hosts.push(handlers),
    broadcast,
    notify: (notice) => broadcast('error', { ...notice, at: Date.now() }),
    dropSubscriptions: () => {
      for (const host of hosts) host.dropSubscriptions();
    },
  };
}
