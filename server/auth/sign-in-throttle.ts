// Slows password guessing: after `maxFailures` failed sign-ins for one username from one client
// address within `windowMs`, further attempts are refused (HTTP 429) until the oldest failure ages
// out — without checking the password, so a correct guess during the lock-out teaches nothing.
// Per process and in memory: several server processes each keep their own count.

/** Options of createSignInThrottle. */
export interface SignInThrottleOptions {
  /** Failures allowed within the window; default 5. */
  readonly maxFailures?: number;
  /** Sliding window, ms; default 300 000 (5 min). */
  readonly windowMs?: number;
  /** Keys remembered at most (oldest forgotten first), bounding memory under attack; default 10 000. */
  readonly maxKeys?: number;
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** Failure counting for one kind of attempt. */
export interface SignInThrottle {
  /** Seconds the caller must wait before trying `key` again, or 0 when it may try now. */
  retryAfterSec(key: string): number;
  /** Records a failed attempt for `key`. */
  recordFailure(key: string): void;
  /** Forgets the failures of `key` (after a success). */
  reset(key: string): void;
}

/** Creates an in-memory sliding-window throttle. */
export function createSignInThrottle(options: SignInThrottleOptions = {}): SignInThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 300_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  }

  return {
    retryAfterSec(key) {
      const times = recent(key);
      if (times.length < maxFailures) return 0;
      return Math.max(1, Math.ceil((times[times.length - maxFailures] + windowMs - now()) / 1000));
    },
    recordFailure(key) {
      const times = recent(key);
      times.push(now());
      failures.delete(key); // re-insert so Map order tracks recency for eviction
      failures.set(key, times.slice(-maxFailures));
      while (failures.size > maxKeys) {
        const oldest = failures.keys().next().value;
        if (oldest === undefined) break;
        failures.delete(oldest);
      }
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
