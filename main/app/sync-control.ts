// Starting, stopping and replacing the open session's sync worker, with the sync bar told each time.
import { OutpostError } from '../../common/errors.js';
import type { CoreContext, OpenSession } from './core-context.js';
import type { AttachmentEndpoint, SyncWorkerPort } from './sync-worker-port.js';
import { hostOf } from './sync-activity-words.js';
import { forgetNetwork, onWorkerEvent } from './worker-events.js';

/** Makes `sync` the session's worker and subscribes the core to its events and its attachment endpoint. */
export function useWorker(ctx: CoreContext, open: OpenSession, sync: SyncWorkerPort | null): void {
  open.sync = sync;
  const useEndpoint = (endpoint: AttachmentEndpoint | null): void => {
    if (ctx.session !== null && ctx.session !== open) return;
    open.attachments.useEndpoint(endpoint).catch((error: unknown) => console.error('attachment endpoint not taken:', error));
  };
  const unlistenEvents = sync ? sync.onEvent((event) => onWorkerEvent(ctx, open, event)) : () => undefined;
  const unlistenEndpoint = sync?.onAttachmentEndpoint?.(useEndpoint) ?? (() => undefined);
  useEndpoint(sync?.attachmentEndpoint?.() ?? null);
  open.attachments.useCredentials(sync?.authHeaders?.bind(sync) ?? null);
  open.unlistenSync = () => {
    unlistenEvents();
    unlistenEndpoint();
  };
}

/** Starts the worker unless it runs; its first round's failure is a notice, never fatal. */
export async function startSync(ctx: CoreContext, open: OpenSession): Promise<void> {
  if (!open.sync || open.syncRunning) return;
  open.syncRunning = true;
  forgetNetwork(open);
  ctx.status.apply({ type: 'started' });
  ctx.activity.note(`Sync started with ${hostOf(open.signedIn.profile.server)}`);
  await open.attachments.setSyncRunning(true);
  // start() resolves after the first sync round; a failure there is reported, never fatal.
  open.sync.start().catch((error: unknown) => {
    ctx.out.notify({ code: error instanceof OutpostError ? error.code : 'SyncError', message: `sync could not start: ${(error as Error).message}` });
  });
}

/** Stops the worker if it runs. */
export async function stopSync(ctx: CoreContext, open: OpenSession): Promise<void> {
  if (!open.sync || !open.syncRunning) return;
  open.syncRunning = false;
  try {
    await open.attachments.setSyncRunning(false);
    await open.sync.stop();
  } finally {
    // Even when stop() fails the worker counts as stopped (syncRunning is false): the bar must
    // say so, or it keeps offering a "Pause sync" that no longer does anything.
    if (ctx.session === open) {
      ctx.status.apply({ type: 'stopped' });
      ctx.activity.note('Sync stopped');
    }
  }
}

/**
 * Replaces the session's sync worker with one built for `maxRecordsToSync`: the old one stopped
 * and unsubscribed, the new one subscribed and started again if the old one was running.
 */
export async function rebuildSync(ctx: CoreContext, open: OpenSession, maxRecordsToSync: number): Promise<void> {
  if (!open.sync) return;
  const wasRunning = open.syncRunning;
  await stopSync(ctx, open);
  open.unlistenSync();
  open.unlistenSync = () => undefined;
  if (ctx.session !== open) return;
  ctx.activity.note(`Sync settings changed: up to ${maxRecordsToSync.toLocaleString('en-US')} records of each kind`);
  useWorker(ctx, open, open.buildSync(maxRecordsToSync));
  if (wasRunning) await startSync(ctx, open);
}
