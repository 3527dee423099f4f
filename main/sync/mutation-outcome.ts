// What a mutation's answer means for its outbox entry (PROTOCOL.md §3.5, §4.5, §4.6): done,
// a conflict for the conflict policy, rejected for good (removed, local row restored, reported), or
// a transient failure retried with backoff. Pure: the transport hands over a plain answer.
import type { ModelRecord } from '../../common/schema/types.js';
import { valuesEqual } from '../datastore/value-equality.js';
import { CONDITION_TYPES, TOO_LARGE_TYPES, TRANSIENT_ERROR_TYPES, UNAUTHORIZED_TYPES, VALIDATION_MESSAGES, VALIDATION_TYPES } from './appsync-error-types.js';

/** One GraphQL error as AppSync sends it (`errorType`, `data` = current server item). */
export interface GraphqlErrorLike {
  readonly message: string;
  readonly errorType?: string | null;
  readonly errorInfo?: unknown;
  readonly data?: unknown;
  readonly path?: readonly (string | number)[];
}

/** A transport answer reduced to plain data. */
export interface GraphqlAnswer {
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly errors: readonly GraphqlErrorLike[];
  /** Set when no GraphQL answer was read (socket error, refused, timeout, unreadable body). */
  readonly networkError: string | null;
  /** HTTP status, or null when no response arrived. */
  readonly httpStatus: number | null;
  /** The answer's Retry-After as ms from when it arrived (core/retry-after.ts); absent or null: none. */
  readonly retryAfterMs?: number | null;
}

/** `TooLarge`: the item is larger than the server accepts (`PayloadTooLargeException`, HTTP 413). */
export type RejectReason = 'ConditionalCheckFailed' | 'Unauthorized' | 'Validation' | 'TooLarge' | 'Other';

export type MutationOutcome =
  | { readonly kind: 'success'; readonly record: ModelRecord }
  | { readonly kind: 'conflict'; readonly remote: ModelRecord | null; readonly message: string }
  /** Not retried: the entry goes, the local row takes `remote` (or a fresh `get`), an error is reported. */
  | {
      readonly kind: 'rejected';
      readonly reason: RejectReason;
      readonly errorType: string | null;
      readonly message: string;
      readonly remote: ModelRecord | null;
    }
  /** Retried with backoff (at least `retryAfterMs` later when the server said so), never dropped. */
  | { readonly kind: 'retry'; readonly reason: 'network' | 'server' | 'throttled'; readonly message: string; readonly retryAfterMs?: number }
  /**
   * The request's credentials were refused (HTTP 401/403 after a token refresh): nothing is wrong
   * with the record, so it stays queued and the outbox pauses until auth works again.
   */
  | { readonly kind: 'authFailure'; readonly message: string };

function asRecord(value: unknown): ModelRecord | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ModelRecord) : null;
}

/** Classifies the answer to a mutation whose result arrives under root field `field`; a retry keeps the answer's Retry-After. */
export function classifyMutationAnswer(field: string, answer: GraphqlAnswer): MutationOutcome {
  const outcome = classifyAnswer(field, answer);
  const retryAfterMs = answer.retryAfterMs;
  return outcome.kind === 'retry' && retryAfterMs !== undefined && retryAfterMs !== null ? { ...outcome, retryAfterMs } : outcome;
}

function classifyAnswer(field: string, answer: GraphqlAnswer): MutationOutcome {
  const status = answer.httpStatus;
  const first = answer.errors[0];
  if (first === undefined) {
    if (answer.networkError !== null || status === null || status >= 300) {
      if (status === 401 || status === 403) return { kind: 'authFailure', message: answer.networkError ?? `HTTP ${status}` };
      if (status === 429) return { kind: 'retry', reason: 'throttled', message: answer.networkError ?? 'HTTP 429' };
      if (status === 413) return { kind: 'rejected', reason: 'TooLarge', errorType: null, message: answer.networkError ?? 'HTTP 413', remote: null };
      if (status !== null && status >= 400 && status < 500) {
        return { kind: 'rejected', reason: 'Other', errorType: null, message: answer.networkError ?? `HTTP ${status}`, remote: null };
      }
      return { kind: 'retry', reason: status !== null && status >= 500 ? 'server' : 'network', message: answer.networkError ?? `HTTP ${status}` };
    }
    const record = asRecord(answer.data?.[field]);
    if (record !== null) return { kind: 'success', record };
    return { kind: 'rejected', reason: 'Other', errorType: null, message: `the server answered ${field} with no record and no error`, remote: null };
  }

  const errorType = first.errorType ?? null;
  const message = first.message;
  const remote = asRecord(first.data);
  if (errorType === 'ConflictUnhandled') return { kind: 'conflict', remote, message };
  if ((errorType !== null && TOO_LARGE_TYPES.has(errorType)) || status === 413) return { kind: 'rejected', reason: 'TooLarge', errorType, message, remote };
  if (errorType !== null && CONDITION_TYPES.has(errorType)) return { kind: 'rejected', reason: 'ConditionalCheckFailed', errorType, message, remote };
  if (errorType !== null && UNAUTHORIZED_TYPES.has(errorType)) {
    // Request-level refusal (bad/expired credentials) says nothing about this record.
    if (status === 401 || status === 403) return { kind: 'authFailure', message };
    return { kind: 'rejected', reason: 'Unauthorized', errorType, message, remote };
  }
  if ((errorType !== null && TRANSIENT_ERROR_TYPES.has(errorType)) || (status !== null && status >= 500)) {
    return { kind: 'retry', reason: 'server', message };
  }
  if (status === 429) return { kind: 'retry', reason: 'throttled', message };
  if ((errorType !== null && VALIDATION_TYPES.has(errorType)) || VALIDATION_MESSAGES.some((re) => re.test(message))) {
    return { kind: 'rejected', reason: 'Validation', errorType, message, remote };
  }
  return { kind: 'rejected', reason: 'Other', errorType, message, remote };
}

/**
 * True when the server stored exactly what was sent (§4.3 step 3): every sent user field has the
 * same value in the answer. Only then may the answer's `_version` be copied into later queued
 * entries; after an automerge the next entry must meet the conflict path instead.
 */
export function answerEchoesInput(sentInput: Readonly<Record<string, unknown>>, answer: ModelRecord): boolean {
  for (const [key, value] of Object.entries(sentInput)) {
    if (key === '_version' || key === '_lastChangedAt' || key === '_deleted') continue;
    if (!valuesEqual(value, answer[key])) return false;
  }
  return true;
}
