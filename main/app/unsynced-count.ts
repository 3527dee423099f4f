// Counts the open profile's outbox for the sync bar. One save reaches the core as several signals
// in the same turn (the datastore's outbox event, then the worker's `outboxStatus` for the same
// entry; a delete with children one event per record): they are coalesced into one count and one
// broadcast, taken after the turn's signals. An answer from the server arrives with the count the
// processor took for it, published as it is. That count is read synchronously from SQLite and
// handed over before any later save's own count runs, so it is never older than one published.

export interface UnsyncedCount {
  /** Asks for a count after the current turn's other signals (one count for all of them). */
  request(): void;
  /**
   * Publishes a count someone else just took (the outbox processor's, after an answer) instead of
   * counting again; when a count is already requested this turn, that fresher one wins.
   */
  known(unsynced: number): void;
  /** Counts now; resolves with the count once it is published. */
  now(): Promise<number>;
}

/**
 * `count` reads the outbox; `publish` shows the result (skipped by the caller when the session
 * has closed meanwhile). A failed count is dropped: the next signal counts again.
 */
export function createUnsyncedCount(count: () => Promise<number>, publish: (unsynced: number) => void): UnsyncedCount {
  let requested = false;
  const now = async (): Promise<number> => {
    const unsynced = await count();
    publish(unsynced);
    return unsynced;
  };
  return {
    request: () => {
      if (requested) return;
      requested = true;
      queueMicrotask(() => {
        requested = false;
        now().catch(() => undefined);
      });
    },
    known: (unsynced) => {
      if (!requested) publish(unsynced);
    },
    now,
  };
}
