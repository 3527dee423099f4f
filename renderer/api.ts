// The renderer's only way to main: the one global the preload exposes (`window.outpost`, result
// envelopes), wrapped here in the page's own world so refusals arrive as IpcRequestErrors with
// their `code` and field `path` intact (Errors lose custom fields crossing Electron's contextBridge).
import { apiFromBridge, type OutpostApi, type OutpostBridge } from '../preload/api-from-bridge.js';

declare global {
  interface Window {
    readonly outpost: OutpostBridge;
  }
}

/** The typed API built from the IPC contract. */
export const api: OutpostApi = apiFromBridge(window.outpost);
