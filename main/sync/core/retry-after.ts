// A server's Retry-After (RFC 9110 §10.2.3) on an overload answer (HTTP 503/429): the worker waits
// at least that long before sending the same request again, instead of its own backoff when that
// is shorter. Pure: the header value and the clock come in, a number of milliseconds goes out.

/** Retry-After as delay-seconds or an HTTP-date → ms from `nowMs` (≥ 0); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its day and month (Date.parse would also take "-1" as a year).
  const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * The wait before retrying a failed request, ms: the backoff's `backoffMs`, or the server's
 * `retryAfterMs` plus `spreadMs` when that is longer; never more than `maxMs` (a server asking for
 * an hour does not park an edit past the policy's cap). `spreadMs` (default 0; the policy's jitter)
 * keeps the clients one overload answer turned away from all coming back in the same instant.
 */
export function waitBeforeRetry(backoffMs: number, retryAfterMs: number | null | undefined, maxMs: number, spreadMs = 0): number {
  if (retryAfterMs === null || retryAfterMs === undefined) return backoffMs;
  return Math.min(Math.max(backoffMs, retryAfterMs + spreadMs), Math.max(backoffMs, maxMs));
}
