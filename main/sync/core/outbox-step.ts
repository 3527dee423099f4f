// The life of one outbox entry as a reducer (PROTOCOL.md §4.3–4.6): given the entry's state and
// the answer to the previous step, the next step to take. The outbox processor interprets the
// steps (sends, `get`s, waits, the conflict handler, the store's complete/fail transactions) and
// feeds each result back as the next answer; nothing here touches I/O.
//
// An uncertain entry (its request may have reached the server) is checked with a `get` before it
// is sent again, unless the server answers a resent mutation id from its record. Network/5xx
// failures wait per RETRY_POLICIES.mutation, one failure count across sends, checks and fetches.
import type { ModelRecord } from '../../../common/schema/types.js';
import type { OutboxOperation } from '../../datastore/outbox-entry.js';
import type { ConflictResolution } from '../conflict-policy.js';
import type { MutationOutcome } from '../mutation-outcome.js';
import type { Refusal } from '../review-reasons.js';
import { waitBeforeRetry } from './retry-after.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';

/** The entry as the steps name it. */
export interface EntryLabel {
  readonly model: string;
  readonly modelId: string;
  readonly operation: OutboxOperation;
}

/** An `error` event to emit with a failed entry. */
export interface FailureReport {
  readonly errorType: string;
  readonly message: string;
}

/** Why the server's record is being fetched: what the entry's failure then carries. */
type FetchPurpose =
  | { readonly kind: 'rejected'; readonly refusal: Extract<Refusal, { kind: 'rejected' }>; readonly report: FailureReport }
  | { readonly kind: 'discarded'; readonly remote: ModelRecord | null; readonly refusal: Refusal | null; readonly report: FailureReport | null };

export interface OutboxEntryState {
  readonly entry: EntryLabel;
  /** Its last attempt may have been applied: checked (or resent idempotently) before anything else. */
  readonly uncertain: boolean;
  /** Conflicts answered so far (the handler sees 1 at the first). */
  readonly conflictAttempts: number;
  /** Transient failures so far: the next wait is the (failures + 1)-th delay of the policy. */
  readonly failures: number;
  /** The server's record the latest conflict answer carried (null: none). */
  readonly conflictRemote: ModelRecord | null;
  /** Set while the server's record is being fetched (and waited for after a failed fetch). */
  readonly fetching: FetchPurpose | null;
}

/** What the previous step came to (`begin` before the first). */
export type OutboxAnswer =
  | { readonly kind: 'begin' }
  /** The `get` check: the server's record when the write is there, null when it must be sent. */
  | { readonly kind: 'verified'; readonly verdict: ModelRecord | null | 'unreachable' }
  /** The mutation's classified answer, relations already stripped from its records. */
  | { readonly kind: 'sent'; readonly outcome: MutationOutcome }
  /** The server's record (null when it has none or will not show it); `unreachable` on a transient failure. */
  | { readonly kind: 'fetched'; readonly record: ModelRecord | null | 'unreachable' }
  | { readonly kind: 'resolved'; readonly resolution: ConflictResolution }
  | { readonly kind: 'waited' };

/** What the processor does next for the entry; `complete` and `fail` end it. */
export type OutboxStep =
  | { readonly kind: 'verify' }
  | { readonly kind: 'send' }
  | { readonly kind: 'fetchServer' }
  | { readonly kind: 'askConflictHandler'; readonly remote: ModelRecord | null; readonly attempts: number }
  | { readonly kind: 'retryAfter'; readonly ms: number }
  | { readonly kind: 'complete'; readonly record: ModelRecord }
  | { readonly kind: 'fail'; readonly remote: ModelRecord | null; readonly refusal: Refusal | null; readonly report: FailureReport | null };

/** Facts read fresh at every step. */
export interface OutboxFacts {
  /** The server answers a resent mutation id from its record (capability `mutationIds`). */
  readonly resendIsIdempotent: boolean;
  /** The wait after a transient failure (RETRY_POLICIES.mutation, tuned). */
  readonly policy: RetryPolicy;
}

/** The state of an entry about to be processed; `uncertain` when it was in flight before. */
export function initialOutboxState(entry: EntryLabel, uncertain: boolean): OutboxEntryState {
  return { entry, uncertain, conflictAttempts: 0, failures: 0, conflictRemote: null, fetching: null };
}

/** The next step for an entry in `state` after `answer`, and the state it leaves. */
export function nextOutboxStep(state: OutboxEntryState, answer: OutboxAnswer, facts: OutboxFacts): { state: OutboxEntryState; step: OutboxStep } {
  switch (answer.kind) {
    case 'begin':
    case 'waited':
      return state.fetching !== null ? { state, step: { kind: 'fetchServer' } } : attempt(state, facts);
    case 'verified':
      if (answer.verdict === 'unreachable') return retry(state, facts);
      return answer.verdict !== null
        ? { state: { ...state, uncertain: false }, step: { kind: 'complete', record: answer.verdict } }
        : { state: { ...state, uncertain: false }, step: { kind: 'send' } };
    case 'sent':
      return afterSend(state, answer.outcome, facts);
    case 'fetched': {
      const purpose = state.fetching;
      if (purpose === null) throw new Error('outbox step: a fetch answer while not fetching');
      if (answer.record === 'unreachable') return retry(state, facts);
      const done = { ...state, fetching: null };
      if (purpose.kind === 'rejected') return { state: done, step: { kind: 'fail', remote: answer.record, refusal: purpose.refusal, report: purpose.report } };
      return { state: done, step: { kind: 'fail', remote: answer.record ?? purpose.remote, refusal: purpose.refusal, report: purpose.report } };
    }
    case 'resolved':
      return afterResolution(state, answer.resolution, facts);
  }
}

/** The top of the loop: check an uncertain entry first, else send. */
function attempt(state: OutboxEntryState, facts: OutboxFacts): { state: OutboxEntryState; step: OutboxStep } {
  if (!state.uncertain) return { state, step: { kind: 'send' } };
  // The server answers a repeat of this mutation id from its record: resending is the check.
  if (facts.resendIsIdempotent) return { state: { ...state, uncertain: false }, step: { kind: 'send' } };
  return { state, step: { kind: 'verify' } };
}

/** Waits per the policy after one more failure, or the server's Retry-After (`retryAfterMs`) when that is longer. */
function retry(state: OutboxEntryState, facts: OutboxFacts, retryAfterMs?: number): { state: OutboxEntryState; step: OutboxStep } {
  const failures = state.failures + 1;
  const spread = facts.policy.random() * facts.policy.jitterMs;
  const ms = waitBeforeRetry(retryDelay(failures, facts.policy), retryAfterMs, facts.policy.maxDelayMs, spread);
  return { state: { ...state, failures }, step: { kind: 'retryAfter', ms } };
}

function afterSend(state: OutboxEntryState, outcome: MutationOutcome, facts: OutboxFacts): { state: OutboxEntryState; step: OutboxStep } {
  const { entry } = state;
  switch (outcome.kind) {
    case 'success':
      return { state, step: { kind: 'complete', record: outcome.record } };
    case 'retry':
      // The request may have been applied before the answer was lost.
      return retry({ ...state, uncertain: true }, facts, outcome.retryAfterMs);
    case 'authFailure':
      return retry(state, facts);
    case 'rejected': {
      const refusal: Refusal = { kind: 'rejected', reason: outcome.reason, errorType: outcome.errorType, message: outcome.message };
      const report: FailureReport = {
        errorType: outcome.errorType ?? outcome.reason,
        message: `${entry.operation} of ${entry.model} ${entry.modelId} was rejected (${outcome.reason}): ${outcome.message}. The local record was restored to the server's state; this device's version is kept for review.`,
      };
      if (outcome.remote !== null) return { state, step: { kind: 'fail', remote: outcome.remote, refusal, report } };
      return { state: { ...state, fetching: { kind: 'rejected', refusal, report } }, step: { kind: 'fetchServer' } };
    }
    case 'conflict': {
      const attempts = state.conflictAttempts + 1;
      return {
        state: { ...state, conflictAttempts: attempts, conflictRemote: outcome.remote },
        step: { kind: 'askConflictHandler', remote: outcome.remote, attempts },
      };
    }
  }
}

/** After the conflict handler: send the retry, or take the server's current record (a fresh get, as Amplify). */
function afterResolution(state: OutboxEntryState, resolution: ConflictResolution, facts: OutboxFacts): { state: OutboxEntryState; step: OutboxStep } {
  if (resolution.kind === 'retry') return attempt(state, facts);
  const { entry } = state;
  const attempts = state.conflictAttempts;
  const reported = resolution.why !== 'handler' && resolution.why !== 'remoteDeleted';
  // The app's own handler chose the server's version on purpose: nothing to review.
  const refusal: Refusal | null = resolution.why === 'handler' ? null : { kind: 'conflictGivenUp', resolution, attempts };
  const report: FailureReport | null = reported
    ? {
        errorType: 'ConflictUnhandled',
        message: `${entry.operation} of ${entry.model} ${entry.modelId} was given up after ${attempts} conflict(s) (${resolution.why}${resolution.detail ? `: ${resolution.detail}` : ''}); the server's record was kept.`,
      }
    : null;
  return { state: { ...state, fetching: { kind: 'discarded', remote: state.conflictRemote, refusal, report } }, step: { kind: 'fetchServer' } };
}
