// Electron preload: exposes exactly one global, `window.outpost`, built from the IPC contract over
// ipcRenderer. Channels outside the contract are refused here, before they reach main.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannels, requestChannels, wireChannel } from '../common/ipc/contract.js';
import { createBridge, type IpcTransport } from './create-api.js';

const allowedRequests = new Set(requestChannels.map((c) => wireChannel(c)));
const allowedEvents = new Set(eventChannels.map((c) => wireChannel(c)));

function refuse(channel: string): never {
  throw new Error(`Unsupported IPC channel '${channel}'`);
}

const transport: IpcTransport = {
  invoke(channel, payload) {
    if (!allowedRequests.has(channel)) refuse(channel);
    return ipcRenderer.invoke(channel, payload);
  },
  on(channel, listener) {
    if (!allowedEvents.has(channel)) refuse(channel);
    // The Electron event object (sender, ports) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('outpost', createBridge(transport));
