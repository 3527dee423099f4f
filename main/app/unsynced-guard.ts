// The unsynced-changes guard shared by sign-out and clear: may the local data go? Attached files
// not uploaded yet count like unsynced changes (clearing removes them). "Sync first" answers at
// once with a reason when it cannot sync now (offline, server unreachable) rather than waiting out
// its time: the dialog says why and offers discard or cancel.
import type { ParsedRequestOf, SyncStatus } from '../../common/ipc/contract.js';
import type { CoreContext, OpenSession } from './core-context.js';
import { hostOf } from './sync-activity-words.js';
import { startSync, stopSync } from './sync-control.js';
import { heardNetwork } from './worker-events.js';

/** The answer when the user must confirm first (the contract's `needsConfirmation`). */
export interface NeedsConfirmation {
  readonly needsConfirmation: true;
  readonly unsynced: number;
  readonly reviewWaiting: number;
  /** Attached files not uploaded yet; absent when there are none. */
  readonly unuploadedFiles?: number;
  /** Why "sync first" could not sync (offline, server unreachable); absent when it tried and time ran out, or was not asked. */
  readonly reason?: string;
}

/** How long "sync first" waits for a paused worker to reach the server before saying it cannot (ms). */
export const SYNC_FIRST_CONNECT_MS = 5_000;

function refusal(unsynced: number, reviewWaiting: number, unuploaded: number, reason: string | null = null): NeedsConfirmation {
  return {
    needsConfirmation: true,
    unsynced,
    reviewWaiting,
    ...(unuploaded > 0 ? { unuploadedFiles: unuploaded } : {}),
    ...(reason !== null ? { reason } : {}),
  };
}

/**
 * Why sync cannot go ahead now, in plain words, or null when it may: `heard` is the worker's last
 * word on the network since it started (false: it could not reach the server or lost it, and is
 * retrying; null: nothing yet); `timedOut`, that it said nothing within SYNC_FIRST_CONNECT_MS.
 */
export function syncFirstBlocker(
  status: Pick<SyncStatus, 'mode' | 'online'>,
  server: string | null,
  facts: { readonly heard: boolean | null; readonly timedOut?: boolean },
): string | null {
  if (status.mode !== 'server' || status.online) return null;
  const host = server === null ? 'the server' : hostOf(server);
  if (facts.heard === false) return `Cannot sync now: ${host} cannot be reached (this computer may be offline). Nothing was deleted.`;
  if (facts.timedOut === true) {
    return `Cannot sync now: ${host} did not answer within ${SYNC_FIRST_CONNECT_MS / 1000} s (this computer may be offline). Nothing was deleted.`;
  }
  return null;
}

/**
 * Starts a paused worker and waits until it reports the server reached, or that it cannot, or
 * SYNC_FIRST_CONNECT_MS pass; answers the reason it cannot sync, or null once online. A running
 * worker that already said it is offline is answered at once.
 */
async function reachServer(ctx: CoreContext, open: OpenSession, deadline: number): Promise<string | null> {
  const server = open.signedIn.profile.server;
  const blocker = (timedOut = false) => syncFirstBlocker(ctx.status.current(), server, { heard: open.syncRunning ? heardNetwork(open) : null, timedOut });
  if (ctx.status.current().online) return null;
  const now = blocker();
  if (now !== null) return now;
  await startSync(ctx, open);
  const until = Math.min(deadline, Date.now() + SYNC_FIRST_CONNECT_MS);
  for (;;) {
    if (ctx.status.current().online) return null;
    const reason = blocker(Date.now() >= until);
    if (reason !== null) return reason;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the outbox is empty, the deadline passes, or the worker goes offline; answers what is left and why it stopped. */
async function drainOutbox(ctx: CoreContext, open: OpenSession, deadline: number): Promise<{ left: number; reason: string | null }> {
  for (;;) {
    const left = await open.datastore.outbox.outboxCount();
    if (left === 0 || Date.now() > deadline) return { left, reason: null };
    const reason = syncFirstBlocker(ctx.status.current(), open.signedIn.profile.server, { heard: heardNetwork(open) });
    if (reason !== null) return { left, reason };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Null when clearing may go ahead. Open review items count as unsynced (clearing removes them);
 * "sync first" cannot settle them, so with any left it asks again. Files not uploaded yet count
 * too: "sync first" waits for them as well (within the same time), and asks again with any left.
 * When it cannot reach the server it answers at once with the reason (a paused worker it started
 * for this is paused again).
 */
export async function unsyncedRefusal(ctx: CoreContext, open: OpenSession, choice: ParsedRequestOf<'clear'>['unsynced']): Promise<NeedsConfirmation | null> {
  const unsynced = await open.datastore.outbox.outboxCount();
  const reviewWaiting = await open.datastore.reviews.openCount();
  const unuploaded = open.attachments.unuploaded().count;
  if ((unsynced === 0 && reviewWaiting === 0 && unuploaded === 0) || choice === 'discard') return null;
  if (choice === 'ask' || !open.sync) return refusal(unsynced, reviewWaiting, unuploaded);
  if (unsynced === 0 && unuploaded === 0) return refusal(0, reviewWaiting, 0);
  const deadline = Date.now() + (ctx.options.syncFirstTimeoutMs ?? 20_000);
  const wasRunning = open.syncRunning;
  const blocked = await reachServer(ctx, open, deadline);
  if (blocked !== null) {
    if (!wasRunning) await stopSync(ctx, open);
    ctx.activity.note(`Sync first did not run: ${blocked.replace(/^Cannot sync now: /, '').replace(/ Nothing was deleted\.$/, '')}`, 'problem');
    return refusal(unsynced, reviewWaiting, unuploaded, blocked);
  }
  const drained = unsynced === 0 ? { left: 0, reason: null } : await drainOutbox(ctx, open, deadline);
  if (drained.reason !== null) return refusal(drained.left, await open.datastore.reviews.openCount(), open.attachments.unuploaded().count, drained.reason);
  const filesLeft = unuploaded === 0 ? 0 : await open.attachments.waitForUploads(deadline);
  const stillWaiting = await open.datastore.reviews.openCount();
  return drained.left === 0 && stillWaiting === 0 && filesLeft === 0 ? null : refusal(drained.left, stillWaiting, filesLeft);
}
