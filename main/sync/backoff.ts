// Jittered exponential backoff (PROTOCOL.md §4.5, amplify-js `jitteredBackoff`): after failed
// attempt n (1-based) wait 2^n × 100 ms + a random 0..100 ms, never more than the cap. Random
// source and clock are injectable so tests replay exact schedules.

/** Backoff tuning; all durations in milliseconds. */
export interface BackoffOptions {
  /** Base of the exponential term (default 100 ms). */
  readonly baseMs?: number;
  /** Upper bound of the random term added to each delay (default 100 ms). */
  readonly jitterMs?: number;
  /** Longest single delay (default 5 min, Amplify's mutation cap; the socket reconnect uses 5 s). */
  readonly maxDelayMs?: number;
  /** Uniform random in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** Default cap for one delay: 5 minutes. */
export const DEFAULT_MAX_DELAY_MS = 5 * 60_000;

/** Delay in ms before retrying after failed attempt `attempt` (1-based), capped at `maxDelayMs`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 100;
  const jitter = options.jitterMs ?? 100;
  const cap = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const random = options.random ?? Math.random;
  const n = Math.max(1, Math.floor(attempt));
  // 2^n overflows to Infinity long before it matters; the cap keeps the result finite.
  const exponential = Math.min(2 ** n * base, cap);
  return Math.min(cap, exponential + Math.floor(random() * jitter));
}

/** A retry counter: `next()` gives the delay after one more failure, `reset()` after a success. */
export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions = {}) {}

  /** Delay in ms to wait after one more failure. */
  next(): number {
    this.failures++;
    return backoffDelay(this.failures, this.options);
  }

  /** Forget past failures (after a success). */
  reset(): void {
    this.failures = 0;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }
}

/** Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A seeded uniform random in [0, 1) (mulberry32), for replayable schedules in tests and benches. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
