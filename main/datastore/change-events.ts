// Events the datastore emits after a transaction commits: record changes (observe / observeQuery,
// Amplify's `{ opType, element, model }`) and outbox changes (for the sync worker).
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelRecord } from '../../common/schema/types.js';

export type OpType = 'INSERT' | 'UPDATE' | 'DELETE';

/** One committed change to one record; `element` is the full record (for DELETE, its last state). */
export interface ChangeEvent<R extends ModelRecord = ModelRecord> {
  readonly opType: OpType;
  readonly element: R;
  readonly model: string;
  /** The condition stored with a local save/delete, if any (not evaluated locally). */
  readonly condition?: Predicate;
}

/** The outbox changed: a local mutation was queued (Amplify Hub `outboxMutationEnqueued`). */
export interface OutboxEvent {
  readonly type: 'outboxMutationEnqueued';
  readonly model: string;
  /** The record as saved locally (for deletes, the deleted record). */
  readonly element: ModelRecord;
}

/** A set of listeners; a throwing listener is reported and never stops the others (the write already committed). */
export class Listeners<E> {
  private readonly listeners = new Set<(event: E) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** True when nobody listens (lets writers skip building events). */
  get isEmpty(): boolean {
    return this.listeners.size === 0;
  }

  /** Delivers `event` to every listener, in subscription order. */
  emit(event: E): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('datastore listener failed:', error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
