// The Review badge: how many review items are open (the conflict log is history; every edit it
// cost is a review item), counted again on `review` events and when the sync status says more wait.
import { useCallback, useEffect, useState } from 'react';
import type { CurrentUser } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { useEvent } from './useEvent.js';

/** Open review items while `user` is signed in (counted again for each new user), and `recount` to count them again. */
export function useReviewCount(user: CurrentUser | null | undefined, reviewWaiting: number): { readonly openReviews: number; readonly recount: () => void } {
  const [openReviews, setOpenReviews] = useState(0);
  const recount = useCallback(() => {
    if (!user) return;
    void api.reviewList().then(
      (list) => setOpenReviews(list.filter((i) => i.state === 'open').length),
      () => undefined,
    );
  }, [user]);
  useEffect(recount, [recount]);
  useEvent('review', recount);
  useEffect(recount, [recount, reviewWaiting]);
  return { openReviews, recount };
}
