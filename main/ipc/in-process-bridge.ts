// An IpcHost and matching transports in one process: each `connect()` is one "window". Used by
// tests and by the bridges (Playwright binding, WebSocket) that carry the same calls across a
// process boundary. Payloads are passed through a JSON round trip, as they would be on a wire.
import type { IpcTransport } from '../../preload/create-api.js';
import type { IpcResult } from '../../common/ipc/contract.js';
import type { IpcHost, IpcSender } from './handlers.js';

type Handler = (sender: IpcSender, payload: unknown) => Promise<IpcResult<unknown>>;

export interface InProcessConnection {
  readonly transport: IpcTransport;
  /** The window goes away: main drops its subscriptions. */
  close(): void;
}

export interface InProcessBridge {
  readonly host: IpcHost;
  /** Opens a new sender; `onEvent` also sees every pushed event (for bridging further). */
  connect(onEvent?: (wire: string, payload: unknown) => void): InProcessConnection;
}

function wireCopy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** Creates a bridge; register handlers on `host` before calling `connect`. */
export function createInProcessBridge(): InProcessBridge {
  const handlers = new Map<string, Handler>();
  let nextSender = 1;
  return {
    host: { handle: (wire, fn) => void handlers.set(wire, fn) },
    connect(onEvent) {
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      const goneListeners: Array<() => void> = [];
      let closed = false;
      const sender: IpcSender = {
        id: `in-process-${nextSender++}`,
        send(wire, payload) {
          if (closed) throw new Error('sender closed');
          const copy = wireCopy(payload);
          onEvent?.(wire, copy);
          for (const listener of listeners.get(wire) ?? []) listener(copy);
        },
        onGone: (listener) => void goneListeners.push(listener),
      };
      const transport: IpcTransport = {
        async invoke(wire, payload) {
          const handler = handlers.get(wire);
          if (!handler) return { ok: false, error: { code: 'ValidationError', message: `unknown channel ${wire}` } };
          return wireCopy(await handler(sender, payload));
        },
        on(wire, listener) {
          const set = listeners.get(wire) ?? new Set();
          listeners.set(wire, set);
          set.add(listener);
          return () => set.delete(listener);
        },
      };
      return {
        transport,
        close() {
          if (closed) return;
          closed = true;
          for (const listener of goneListeners.splice(0)) listener();
        },
      };
    },
  };
}
