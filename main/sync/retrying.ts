// Waiting after failures: the one retry loop (`retrying`), the failure counter the long-lived
// loops keep across attempts (`RetryCounter`), and `sleep`. The delays come from the policies in
// core/retry-policy.ts; nothing here decides a number.
import { retryDelay, type RetryPolicy } from './core/retry-policy.js';

/** What one attempt came to: a value, or a transient failure (`reason` says why) worth another try. */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly reason: string };

/** `retrying` was stopped by its signal before an attempt. */
export class RetryAborted extends Error {
  constructor() {
    super('retry aborted');
    this.name = 'RetryAborted';
  }
}

/** The policy's `maxAttempts` failed; `reason` is the last attempt's. */
export class RetriesExhausted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RetriesExhausted';
  }
}

/** Failures since the last success, and the delay after one more (per its policy). */
export class RetryCounter {
  private failures = 0;

  constructor(readonly policy: RetryPolicy) {}

  /** Delay in ms to wait after one more failure. */
  next(): number {
    this.failures++;
    return retryDelay(this.failures, this.policy);
  }

  /** Forget past failures (after a success). */
  reset(): void {
    this.failures = 0;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** True when one more failure would use up the policy's `maxAttempts`. */
  get lastAttempt(): boolean {
    return this.policy.maxAttempts !== undefined && this.failures + 1 >= this.policy.maxAttempts;
  }
}

export interface RetryingOptions {
  /** Counts failures across calls (an outbox entry's send, check and fetch share one); default: a fresh one. */
  readonly counter?: RetryCounter;
  /** A signal that cuts the current wait short without stopping (read at each wait); default: `signal`. */
  readonly interrupt?: () => AbortSignal;
}

/**
 * Runs `fn` until it is done, waiting per `policy` after each transient failure; rejects with
 * RetryAborted when `signal` aborts (checked before every attempt, a wait ends at once) and with
 * RetriesExhausted after the policy's `maxAttempts`.
 */
export async function retrying<T>(fn: () => Promise<Attempt<T>>, policy: RetryPolicy, signal: AbortSignal, options: RetryingOptions = {}): Promise<T> {
  const counter = options.counter ?? new RetryCounter(policy);
  for (;;) {
    if (signal.aborted) throw new RetryAborted();
    const attempt = await fn();
    if (attempt.done) return attempt.value;
    if (counter.lastAttempt) throw new RetriesExhausted(attempt.reason);
    await sleep(counter.next(), options.interrupt?.() ?? signal);
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
