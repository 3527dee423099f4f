// The renderer's only way to main: the one global the preload exposes (`window.outpost`).
import type { OutpostApi } from '../preload/create-api.js';

declare global {
  interface Window {
    readonly outpost: OutpostApi;
  }
}

/** The typed API built from the IPC contract. */
export const api: OutpostApi = window.outpost;
