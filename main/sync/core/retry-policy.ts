// Every retry policy of the sync engine, in one place, and the one delay formula they share
// (PROTOCOL.md §4.5, amplify-js `jitteredBackoff`): after failed attempt n (1-based) wait
// 2^n × base + a random 0..jitter ms, never more than the cap. Pure: the random source is part of
// the policy, so tests replay exact schedules; retrying.ts does the waiting.

/** Tuning a caller may pass over a policy (tests pass a seeded `random`); all durations in ms. */
export interface BackoffOptions {
  /** Base of the exponential term (default 100 ms). */
  readonly baseMs?: number;
  /** Upper bound of the random term added to each delay (default 100 ms). */
  readonly jitterMs?: number;
  /** Longest single delay (default: the policy's cap). */
  readonly maxDelayMs?: number;
  /** Uniform random in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** How one kind of failure is retried; durations in ms. */
export interface RetryPolicy {
  /** Base of the exponential term. */
  readonly baseMs: number;
  /** Upper bound of the random term added to each delay. */
  readonly jitterMs: number;
  /** Longest single delay. */
  readonly maxDelayMs: number;
  /** Attempts in all (the first included) before giving up; undefined: never give up. */
  readonly maxAttempts?: number;
  /** Uniform random in [0, 1). */
  readonly random: () => number;
}

/** Default cap for one delay: 5 minutes (Amplify's mutation cap). */
export const DEFAULT_MAX_DELAY_MS = 5 * 60_000;

const AMPLIFY = { baseMs: 100, jitterMs: 100, random: Math.random } as const;

/** The named policies; each site of the engine that waits after a failure uses one of these. */
export const RETRY_POLICIES = {
  /** An outbox entry's send, its `get` check after an uncertain send, and the server-record fetch: capped at 5 min, never given up. */
  mutation: { ...AMPLIFY, maxDelayMs: DEFAULT_MAX_DELAY_MS },
  /** One page of a sync query: capped at 5 s, 4 attempts, then the round fails as unreachable. */
  syncPage: { ...AMPLIFY, maxDelayMs: 5_000, maxAttempts: 4 },
  /** The round loop after a failed round (offline): capped at 30 s, reset by a good round. */
  syncRound: { ...AMPLIFY, maxDelayMs: 30_000 },
  /** Re-subscribing after a transient subscription failure (no start_ack, limits): capped at 60 s. */
  subscription: { ...AMPLIFY, maxDelayMs: 60_000 },
  /** Reconnecting the real-time socket after a disruption: capped at 5 s, reset by a connection ack. */
  realtimeReconnect: { ...AMPLIFY, maxDelayMs: 5_000 },
  /**
   * One attachment upload after a network failure, a stall or a 5xx (main/attachments): from 2 s,
   * capped at 5 min, never given up — a file the server refuses for good fails at once instead.
   */
  attachmentUpload: { baseMs: 1_000, jitterMs: 500, maxDelayMs: DEFAULT_MAX_DELAY_MS, random: Math.random },
  /** Reading or marking the local outbox failed: a flat 1 s before the next look. */
  outboxStore: { baseMs: 1_000, jitterMs: 0, maxDelayMs: 1_000, random: Math.random },
} as const satisfies Record<string, RetryPolicy>;

/** `policy` with the caller's tuning over it (fields left undefined keep the policy's). */
export function tuned(policy: RetryPolicy, tuning: BackoffOptions | undefined, maxAttempts?: number): RetryPolicy {
  return {
    baseMs: tuning?.baseMs ?? policy.baseMs,
    jitterMs: tuning?.jitterMs ?? policy.jitterMs,
    maxDelayMs: tuning?.maxDelayMs ?? policy.maxDelayMs,
    random: tuning?.random ?? policy.random,
    ...((maxAttempts ?? policy.maxAttempts) !== undefined ? { maxAttempts: maxAttempts ?? policy.maxAttempts } : {}),
  };
}

/** Delay in ms before retrying after failed attempt `attempt` (1-based), never above `policy.maxDelayMs`. */
export function retryDelay(attempt: number, policy: RetryPolicy): number {
  const cap = policy.maxDelayMs;
  const n = Math.max(1, Math.floor(attempt));
  // 2^n overflows to Infinity long before it matters; the cap keeps the result finite.
  const exponential = Math.min(2 ** n * policy.baseMs, cap);
  return Math.min(cap, exponential + Math.floor(policy.random() * policy.jitterMs));
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
