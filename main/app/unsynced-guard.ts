// The unsynced-changes guard shared by sign-out and clear: may the local data go? Attached files
// not uploaded yet count like unsynced changes (clearing removes them).
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import type { CoreContext, OpenSession } from './core-context.js';
import { startSync, waitForEmptyOutbox } from './sync-control.js';

/** The answer when the user must confirm first (the contract's `needsConfirmation`). */
export interface NeedsConfirmation {
  readonly needsConfirmation: true;
  readonly unsynced: number;
  readonly reviewWaiting: number;
  /** Attached files not uploaded yet; absent when there are none. */
  readonly unuploadedFiles?: number;
}

function refusal(unsynced: number, reviewWaiting: number, unuploaded: number): NeedsConfirmation {
  return { needsConfirmation: true, unsynced, reviewWaiting, ...(unuploaded > 0 ? { unuploadedFiles: unuploaded } : {}) };
}

/**
 * Null when clearing may go ahead. Open review items count as unsynced (clearing removes them);
 * "sync first" cannot settle them, so with any left it asks again. Files not uploaded yet count
 * too: "sync first" waits for them as well (within the same time), and asks again with any left.
 */
export async function unsyncedRefusal(ctx: CoreContext, open: OpenSession, choice: ParsedRequestOf<'clear'>['unsynced']): Promise<NeedsConfirmation | null> {
  const unsynced = await open.datastore.outbox.outboxCount();
  const reviewWaiting = await open.datastore.reviews.openCount();
  const unuploaded = open.attachments.unuploaded().count;
  if ((unsynced === 0 && reviewWaiting === 0 && unuploaded === 0) || choice === 'discard') return null;
  if (choice === 'ask' || !open.sync) return refusal(unsynced, reviewWaiting, unuploaded);
  const deadline = Date.now() + (ctx.options.syncFirstTimeoutMs ?? 20_000);
  const left = unsynced === 0 ? 0 : await waitForEmptyOutbox(ctx, open);
  if (unuploaded > 0) await startSync(ctx, open);
  const filesLeft = unuploaded === 0 ? 0 : await open.attachments.waitForUploads(deadline);
  const stillWaiting = await open.datastore.reviews.openCount();
  return left === 0 && stillWaiting === 0 && filesLeft === 0 ? null : refusal(left, stillWaiting, filesLeft);
}
