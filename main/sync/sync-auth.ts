// How the sync worker proves who it is (PROTOCOL.md §1.8, §6.1): an API key, or a JWT from a token
// provider. The provider refreshes ahead of expiry, refreshes at once when the server says 401,
// and tells listeners (the real-time connection) so they re-authenticate with the new token.
import type { TokenSession } from '../auth/token-session.js';

/** A source of access tokens. `forceRefresh` skips the cache (after a 401). */
export interface TokenProvider {
  getToken(options?: { readonly forceRefresh?: boolean }): Promise<string>;
  /** Called with each new token after a refresh; returns the unsubscribe function. */
  onRefresh(listener: (token: string) => void): () => void;
}

/** API key (`X-Api-Key`) or JWT (`Authorization: <token>`). */
export type SyncAuth = { readonly type: 'apiKey'; readonly apiKey: string } | { readonly type: 'jwt'; readonly tokens: TokenProvider };

/**
 * A TokenProvider over the signed-in user's TokenSession (main/auth): tokens come from the session
 * (which refreshes within its skew of expiry); a timer asks for a token just before expiry so the
 * real-time connection re-authenticates ahead of time; a changed token notifies listeners.
 * `close()` stops the timer.
 */
export function tokenProviderFromSession(
  session: TokenSession,
  options: { readonly refreshAheadMs?: number; readonly now?: () => number } = {},
): TokenProvider & { close(): void } {
  const now = options.now ?? Date.now;
  const ahead = options.refreshAheadMs ?? 30_000;
  const listeners = new Set<(token: string) => void>();
  let last: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const seen = (token: string): string => {
    const changed = last !== null && last !== token;
    last = token;
    schedule();
    if (changed) for (const listener of [...listeners]) listener(token);
    return token;
  };
  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const expiresAt = session.expiresAt();
    if (closed || expiresAt === null || listeners.size === 0) return;
    const wait = Math.min(Math.max(1_000, expiresAt - ahead - now()), 2 ** 31 - 1);
    timer = setTimeout(() => void session.refresh().then(seen, () => undefined), wait);
    timer.unref();
  };

  return {
    async getToken(request) {
      return seen(request?.forceRefresh ? await session.refresh() : await session.accessToken());
    },
    onRefresh(listener) {
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        // Nobody to re-authenticate: no early refresh (e.g. after sign-out stopped sync).
        if (listeners.size === 0 && timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

/** A provider for a fixed token (service tokens, tests); a forced refresh returns the same token. */
export function staticTokenProvider(token: string): TokenProvider {
  return { getToken: async () => token, onRefresh: () => () => undefined };
}

/** HTTP headers for one request (§1.8). */
export async function httpAuthHeaders(auth: SyncAuth, forceRefresh = false): Promise<Record<string, string>> {
  if (auth.type === 'apiKey') return { 'x-api-key': auth.apiKey };
  return { authorization: await auth.tokens.getToken({ forceRefresh }) };
}
