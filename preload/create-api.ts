// Builds the renderer's API from the IPC contract over any transport: Electron's ipcRenderer in
// preload/index.ts, a Playwright binding in the e2e tests, a WebSocket in the browser fallback.
// The same code runs in all three, so the tests exercise what ships. The preload exposes the
// bridge (result envelopes); the page wraps it with apiFromBridge (see api-from-bridge.ts).
import { eventChannels, requestChannels, wireChannel, type EventChannel, type IpcResult } from '../common/ipc/contract.js';
import { apiFromBridge, type OutpostApi, type OutpostBridge } from './api-from-bridge.js';

export { IpcRequestError, apiFromBridge, type OutpostApi, type OutpostBridge } from './api-from-bridge.js';

/** How the API reaches main: `invoke` answers one request, `on` delivers pushed events (returns an unsubscribe). */
export interface IpcTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

function isResult(value: unknown): value is IpcResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Builds the bridge object the preload exposes: every request answers with a result envelope, never throws. */
export function createBridge(transport: IpcTransport): OutpostBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of requestChannels) {
    bridge[channel] = async (request: unknown = {}): Promise<IpcResult<unknown>> => {
      try {
        const answer = await transport.invoke(wireChannel(channel), request);
        return isResult(answer) ? answer : { ok: false, error: { code: 'ProtocolError', message: `malformed answer on ${channel}` } };
      } catch (error) {
        return { ok: false, error: { code: 'ProtocolError', message: `${channel} could not reach main: ${(error as Error).message}` } };
      }
    };
  }
  const known = new Set<string>(eventChannels);
  bridge.on = (event: string, listener: (payload: unknown) => void) => {
    if (!known.has(event)) throw new Error(`unknown event ${event}`);
    return transport.on(wireChannel(event as EventChannel), listener);
  };
  return Object.freeze(bridge) as OutpostBridge;
}

/** Builds the typed API over a transport in one world (tests, tools): createBridge + apiFromBridge. */
export function createApi(transport: IpcTransport): OutpostApi {
  return apiFromBridge(createBridge(transport));
}
