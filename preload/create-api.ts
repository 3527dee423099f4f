// Builds the renderer's API object from the IPC contract over any transport: Electron's
// ipcRenderer in preload/index.ts, a Playwright binding in the e2e tests, a WebSocket in the
// browser fallback. The same code runs in all three, so the tests exercise what ships.
import {
  eventChannels,
  requestChannels,
  wireChannel,
  type EventChannel,
  type EventOf,
  type IpcError,
  type IpcResult,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
} from '../common/ipc/contract.js';

/** How the API reaches main: `invoke` answers one request, `on` delivers pushed events (returns an unsubscribe). */
export interface IpcTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

type RequestFn<C extends RequestChannel> = {} extends RequestOf<C>
  ? (request?: RequestOf<C>) => Promise<ResponseOf<C>>
  : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

/** The object the renderer sees as `window.outpost`. */
export type OutpostApi = { readonly [C in RequestChannel]: RequestFn<C> } & {
  /** Listens to a pushed event; returns a function that stops listening. */
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
};

/** A request main refused or failed: carries the typed error's `code` and field `path`. */
export class IpcRequestError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  constructor(error: IpcError) {
    super(error.message);
    this.name = error.code;
    this.code = error.code;
    this.path = error.path;
  }
}

function isResult(value: unknown): value is IpcResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Builds the typed API; every call resolves with the response or rejects with an IpcRequestError. */
export function createApi(transport: IpcTransport): OutpostApi {
  const api: Record<string, unknown> = {};
  for (const channel of requestChannels) {
    api[channel] = async (request: unknown = {}) => {
      const answer = await transport.invoke(wireChannel(channel), request);
      if (!isResult(answer)) {
        throw new IpcRequestError({ code: 'ProtocolError', message: `malformed answer on ${channel}` });
      }
      if (!answer.ok) throw new IpcRequestError(answer.error);
      return answer.value;
    };
  }
  const known = new Set<string>(eventChannels);
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!known.has(event)) throw new IpcRequestError({ code: 'ValidationError', message: `unknown event ${event}` });
    return transport.on(wireChannel(event as EventChannel), listener);
  };
  return Object.freeze(api) as OutpostApi;
}
