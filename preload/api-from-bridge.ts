// The renderer-side half of the API. Electron's contextBridge copies values between the preload's
// world and the page's, and an Error crossing it keeps only its message — a ValidationError's
// `code` and field `path` would be lost. So the bridge object answers with plain result envelopes
// (which copy intact) and this wrapper, running in the page, turns refusals into IpcRequestErrors.
// Type-only imports: the page bundle does not carry the contract's zod schemas.
import type { EventChannel, EventOf, IpcError, IpcResult, RequestChannel, RequestOf, ResponseOf } from '../common/ipc/contract.js';

type RequestFn<C extends RequestChannel> =
  {} extends RequestOf<C> ? (request?: RequestOf<C>) => Promise<ResponseOf<C>> : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

type BridgeFn<C extends RequestChannel> = (request?: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;

/** The API the renderer uses: each request resolves with its response or rejects with an IpcRequestError. */
export type OutpostApi = { readonly [C in RequestChannel]: RequestFn<C> } & {
  /** Listens to a pushed event; returns a function that stops listening. */
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
};

/** What the preload exposes as `window.outpost`: the same channels, answering with result envelopes. */
export type OutpostBridge = { readonly [C in RequestChannel]: BridgeFn<C> } & {
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
};

/** A request main refused or failed: carries the typed error's `code`, field `path` and `reason`. */
export class IpcRequestError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  /** `details.reason` of the typed error (e.g. ProfileKeyError's `passphraseNeeded`), when it has one. */
  readonly reason: string | undefined;
  constructor(error: IpcError) {
    super(error.message);
    this.name = error.code;
    this.code = error.code;
    this.path = error.path;
    this.reason = error.reason;
  }
}

/** Wraps the exposed bridge into the throwing, typed API (call it in the page's own world). */
export function apiFromBridge(bridge: OutpostBridge): OutpostApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(bridge)) {
    if (channel === 'on') continue;
    const call = (bridge as unknown as Record<string, (request?: unknown) => Promise<IpcResult<unknown>>>)[channel];
    api[channel] = async (request?: unknown) => {
      const answer = await call(request);
      if (!answer.ok) throw new IpcRequestError(answer.error);
      return answer.value;
    };
  }
  api.on = (event: EventChannel, listener: (payload: unknown) => void) => bridge.on(event, listener);
  return Object.freeze(api) as OutpostApi;
}
