// What a failed subscription (a `start` answered with an error, or no start_ack) leads to
// (PROTOCOL.md §5, §6.2). Pure: the worker reads the errors and its own state, then acts.

/** The error fields the decision reads (the real-time frame's errors carry more). */
export interface SubscriptionError {
  readonly errorType?: string | null;
}

export interface SubscriptionAttempt {
  /** MULTI_AUTH: another auth mode of the model's READ list is left to try. */
  readonly anotherMode: boolean;
  /** The subscription was sent with the selective-sync filter. */
  readonly filtered: boolean;
  /** The session is stopping. */
  readonly stopping: boolean;
}

/** What to do next for the subscription. */
export type SubscriptionFailureAction =
  /** Subscribe again with the next auth mode (the subscription stays pending). */
  | { readonly kind: 'nextMode' }
  /** The server refused the filter (AppSync's enhanced-filter limits): subscribe without it; events are filtered locally. */
  | { readonly kind: 'withoutFilter' }
  /** Stop waiting for it: `report` an `error` event; `retryLater` re-subscribes after a wait (RETRY_POLICIES.subscription) and runs a delta round. */
  | { readonly kind: 'giveUp'; readonly report: boolean; readonly retryLater: boolean };

/** The action after a subscription failed with `errors` (see SubscriptionFailureAction). */
export function subscriptionFailureAction(errors: readonly SubscriptionError[], attempt: SubscriptionAttempt): SubscriptionFailureAction {
  const unauthorized = errors.some((e) => e.errorType === 'Unauthorized' || e.errorType === 'UnauthorizedException');
  if (unauthorized && attempt.anotherMode && !attempt.stopping) return { kind: 'nextMode' };
  if (attempt.filtered && !unauthorized && !attempt.stopping) return { kind: 'withoutFilter' };
  const disabled = errors.some((e) => e.errorType === 'OperationDisabled');
  // A transient failure (no start_ack, limits): the next delta round covers what was missed meanwhile.
  return { kind: 'giveUp', report: !disabled, retryLater: !unauthorized && !disabled && !attempt.stopping };
}
