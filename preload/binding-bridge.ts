// The preload API for a page that has no Electron: the same createApi, over a transport whose
// requests go through a function the host injected (`window.__outpostInvoke`, e.g. a Playwright
// `exposeBinding`) and whose events the host delivers by calling `window.__outpostDeliver`.
// Built as a classic script (dist/bridge/binding-bridge.js) and run before the renderer loads.
import { createBridge, type IpcTransport } from './create-api.js';

type Listener = (payload: unknown) => void;

interface BridgeWindow {
  __outpostInvoke?: (channel: string, payload: unknown) => Promise<unknown>;
  __outpostDeliver?: (channel: string, payload: unknown) => void;
}

const host = window as unknown as BridgeWindow;
const listeners = new Map<string, Set<Listener>>();

host.__outpostDeliver = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

const transport: IpcTransport = {
  invoke(channel, payload) {
    if (!host.__outpostInvoke) return Promise.reject(new Error('no Outpost host is connected to this page'));
    return host.__outpostInvoke(channel, payload);
  },
  on(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  },
};

Object.defineProperty(window, 'outpost', { value: createBridge(transport), enumerable: true });
