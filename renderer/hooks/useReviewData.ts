// The review inbox's data: review items and the conflict log, loaded again on `review` and
// `conflict` events and after a decision; a failed load or decision leaves its message.
import { useCallback, useEffect, useState } from 'react';
import type { Conflict, ReviewItem } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { useEvent } from './useEvent.js';

/** The inbox's items and conflicts, the last error, and `decide`, which runs a decision then reloads. */
export interface ReviewData {
  readonly items: ReviewItem[];
  readonly conflicts: Conflict[];
  readonly error: string | null;
  /** Runs `run` (a resolve call); on success reloads and calls `onChanged`. */
  decide(run: () => Promise<unknown>): Promise<void>;
}

/** Loads the inbox while mounted; `onChanged` is told after each decision (the badge counts again). */
export function useReviewData(onChanged: () => void): ReviewData {
  const [items, setItems] = useState<ReviewItem[]>([]);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.reviewList().then(setItems, (e: Error) => setError(e.message));
    void api.conflictsList().then(setConflicts, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  useEvent('review', load);
  useEvent('conflict', load);

  const decide = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setError(null);
      load();
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return { items, conflicts, error, decide };
}
