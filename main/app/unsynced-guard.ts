// The unsynced-changes guard shared by sign-out and clear: may the local data go?
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import type { CoreContext, OpenSession } from './core-context.js';
import { waitForEmptyOutbox } from './sync-control.js';

/** The answer when the user must confirm first (the contract's `needsConfirmation`). */
export interface NeedsConfirmation {
  readonly needsConfirmation: true;
  readonly unsynced: number;
  readonly reviewWaiting: number;
}

/**
 * Null when clearing may go ahead. Open review items count as unsynced (clearing removes them);
 * "sync first" cannot settle them, so with any left it asks again.
 */
export async function unsyncedRefusal(ctx: CoreContext, open: OpenSession, choice: ParsedRequestOf<'clear'>['unsynced']): Promise<NeedsConfirmation | null> {
  const unsynced = await open.datastore.outbox.outboxCount();
  const reviewWaiting = await open.datastore.reviews.openCount();
  if ((unsynced === 0 && reviewWaiting === 0) || choice === 'discard') return null;
  if (choice === 'ask' || !open.sync) return { needsConfirmation: true, unsynced, reviewWaiting };
  const left = unsynced === 0 ? 0 : await waitForEmptyOutbox(ctx, open);
  const stillWaiting = await open.datastore.reviews.openCount();
  return left === 0 && stillWaiting === 0 ? null : { needsConfirmation: true, unsynced: left, reviewWaiting: stillWaiting };
}
