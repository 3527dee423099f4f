// The preload API for the browser fallback (`npm run start:browser`): the same createApi, over a
// WebSocket to the main-process core running in Node on 127.0.0.1. Built as a classic script
// (dist/bridge/websocket-bridge.js) that runs before the renderer's module script.
import { createBridge, type IpcTransport } from './create-api.js';

type Listener = (payload: unknown) => void;
type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const listeners = new Map<string, Set<Listener>>();
const pending = new Map<number, Pending>();
let nextId = 1;
const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve());
  socket.addEventListener('error', () => reject(new Error('cannot reach the Outpost core on this computer')));
});

socket.addEventListener('message', (message) => {
  const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; event?: string; payload?: unknown };
  if (typeof data.id === 'number') {
    pending.get(data.id)?.resolve(data.result);
    pending.delete(data.id);
  } else if (typeof data.event === 'string') {
    for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
  }
});
socket.addEventListener('close', () => {
  for (const p of pending.values()) p.reject(new Error('the Outpost core closed the connection; reload the page'));
  pending.clear();
});

const transport: IpcTransport = {
  async invoke(channel, payload) {
    await opened;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, channel, payload }));
    });
  },
  on(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  },
};

Object.defineProperty(window, 'outpost', { value: createBridge(transport), enumerable: true });
