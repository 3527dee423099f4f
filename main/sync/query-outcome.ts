// What the answer to a sync query means for the page it asked for (PROTOCOL.md §2.4, §3.5): a
// page, a transient failure retried with backoff, a partial page (items plus errors, accepted as
// Amplify does), or a refusal for good (reported; the model's sync ends this round). Pure: the
// transport hands over a plain answer. Mutations have their own classification (mutation-outcome.ts).
import { CONDITION_TYPES, TOO_LARGE_TYPES, TRANSIENT_ERROR_TYPES, UNAUTHORIZED_TYPES, VALIDATION_MESSAGES, VALIDATION_TYPES } from './appsync-error-types.js';
import type { GraphqlAnswer } from './mutation-outcome.js';

export type SyncQueryOutcome =
  /** No error: the page is read from `data`. */
  | { readonly kind: 'page' }
  /** Network, 5xx, throttling, or the request's credentials refused: try the page again later. */
  | { readonly kind: 'transient'; readonly message: string }
  /** Errors next to a page: the items are kept, the errors reported as `errorType`. */
  | { readonly kind: 'partial'; readonly errorType: string; readonly message: string }
  /** Refused for good, reported as `errorType`. */
  | { readonly kind: 'refused'; readonly errorType: string; readonly message: string };

/** Classifies the answer to a sync query whose page arrives under root field `field`. */
export function classifySyncQueryAnswer(field: string, answer: GraphqlAnswer): SyncQueryOutcome {
  if (answer.errors.length === 0 && answer.networkError === null) return { kind: 'page' };
  const first = answer.errors[0];
  const message = first?.message ?? answer.networkError ?? `HTTP ${answer.httpStatus}`;
  const refusal = first === undefined ? requestRefusal(answer.httpStatus) : errorRefusal(first.errorType ?? null, first.message, answer.httpStatus);
  if (refusal === null) return { kind: 'transient', message };
  if (refusal.partialAllowed && answer.data?.[field] != null) return { kind: 'partial', errorType: refusal.errorType, message };
  return { kind: 'refused', errorType: refusal.errorType, message };
}

/** How a query refuses: as `errorType`, keeping a page that came with the errors or not. */
interface Refusal {
  readonly errorType: string;
  readonly partialAllowed: boolean;
}

/** True when a failed query (a sync page or a `get`) is worth another try: network, 5xx, throttling. */
export function isRetryableQueryFailure(answer: GraphqlAnswer): boolean {
  return classifySyncQueryAnswer('', answer).kind === 'transient';
}

/** No GraphQL error, no answer read: the HTTP status decides (null: transient — network, 5xx, 401/403, 429). */
function requestRefusal(status: number | null): Refusal | null {
  if (status === 413) return { errorType: 'TooLarge', partialAllowed: true };
  if (status !== null && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429)
    return { errorType: 'Other', partialAllowed: true };
  return null;
}

/** What the first GraphQL error refuses as (null: transient); a conflict keeps no partial page. */
function errorRefusal(errorType: string | null, message: string, status: number | null): Refusal | null {
  if (errorType === 'ConflictUnhandled') return { errorType: 'Unknown', partialAllowed: false };
  if ((errorType !== null && TOO_LARGE_TYPES.has(errorType)) || status === 413) return { errorType: errorType ?? 'TooLarge', partialAllowed: true };
  if (errorType !== null && CONDITION_TYPES.has(errorType)) return { errorType, partialAllowed: true };
  if (errorType !== null && UNAUTHORIZED_TYPES.has(errorType)) {
    // Request-level refusal (bad/expired credentials) says nothing about the page: try again.
    return status === 401 || status === 403 ? null : { errorType, partialAllowed: true };
  }
  if ((errorType !== null && TRANSIENT_ERROR_TYPES.has(errorType)) || (status !== null && status >= 500) || status === 429) return null;
  if ((errorType !== null && VALIDATION_TYPES.has(errorType)) || VALIDATION_MESSAGES.some((re) => re.test(message)))
    return { errorType: errorType ?? 'Validation', partialAllowed: true };
  return { errorType: errorType ?? 'Other', partialAllowed: true };
}
