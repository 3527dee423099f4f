// Admission of GraphQL requests (issue 16): at most `maxActive` run at once and at most `maxQueued`
// wait for a turn, each for at most `queueWaitMs`; a request beyond that is answered at once with
// HTTP 503 and Retry-After instead of joining a queue whose wait only grows. Keeping the queue short
// is what keeps the latency of admitted requests near that of a server at its comfortable load.
import type { ServerResponse } from 'node:http';
import { SERVER_BUSY_ERROR_TYPE } from '../storage/storage-busy.js';

/** The limits; every count per server process. */
export interface AdmissionLimits {
  /** Requests executing at once; default 64. */
  readonly maxActive: number;
  /** Requests waiting for a turn; default 32. */
  readonly maxQueued: number;
  /** Longest wait for a turn, ms; default 500. */
  readonly queueWaitMs: number;
  /** Retry-After of an overload answer, seconds; default 1. */
  readonly retryAfterSeconds: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxActive: 64, maxQueued: 32, queueWaitMs: 500, retryAfterSeconds: 1 };

/** What to do with a request that arrives while `active` run and `queued` wait. */
export function admissionDecision(active: number, queued: number, limits: Pick<AdmissionLimits, 'maxActive' | 'maxQueued'>): 'run' | 'queue' | 'refuse' {
  if (active < limits.maxActive) return 'run';
  return queued < limits.maxQueued ? 'queue' : 'refuse';
}

/** Why a request was not admitted, for its answer. */
export interface Refusal {
  readonly message: string;
}

/** The gate of one server process. */
export class AdmissionGate {
  private active = 0;
  private readonly waiting: Array<{ readonly admit: () => void }> = [];

  constructor(readonly limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS) {}

  /** Resolves with the release to call when the request ends, or with the refusal. */
  async enter(): Promise<{ readonly release: () => void } | Refusal> {
    const decision = admissionDecision(this.active, this.waiting.length, this.limits);
    if (decision === 'refuse') {
      return { message: `The server is busy: ${this.active} requests are running and ${this.waiting.length} waiting; retry later` };
    }
    if (decision === 'queue') {
      const admitted = await new Promise<boolean>((resolve) => {
        const entry = {
          admit: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          resolve(false);
        }, this.limits.queueWaitMs);
        this.waiting.push(entry);
      });
      if (!admitted) return { message: `The server is busy: no turn within ${this.limits.queueWaitMs} ms; retry later` };
      // The releasing request handed its slot over: `active` already counts this one.
    } else this.active++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next !== undefined) next.admit();
        else this.active--;
      },
    };
  }

  /** Requests running and waiting now. */
  get load(): { readonly active: number; readonly queued: number } {
    return { active: this.active, queued: this.waiting.length };
  }
}

/** Answers an overloaded request: HTTP 503, Retry-After in seconds, a GraphQL-shaped error. */
export function sendOverloaded(res: ServerResponse, retryAfterSeconds: number, message: string, extensions: unknown): void {
  const text = JSON.stringify({ data: null, errors: [{ errorType: SERVER_BUSY_ERROR_TYPE, message }], extensions });
  res.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'retry-after': String(retryAfterSeconds),
  });
  res.end(text);
}
