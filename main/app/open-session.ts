// Opening a signed-in profile (its file store and datastore, attachments, sync worker, settings,
// inbox and drafts, wired to the sync status and the windows) and closing it again.
import { DEFAULT_MAX_ITEM_BYTES } from '../../common/schema/item-size.js';
import type { CurrentUser } from '../../common/ipc/contract.js';
import { AttachmentFiles } from '../attachments/attachment-files.js';
import { AttachmentSession } from '../attachments/attachment-session.js';
import { trackIdentity, type IdentityTracker } from '../auth/identity-claims.js';
import { profileDatabaseFile, profileDirectory } from '../auth/profiles.js';
import type { SignedIn } from '../auth/sign-in.js';
import { openConflictReviews } from '../conflict-reviews.js';
import { openDatastore, type Datastore } from '../datastore/datastore.js';
import type { AttachmentPort } from '../datastore/attachment-staging.js';
import { createSaveGuard } from '../save-guard.js';
import { openSyncSettings } from '../sync-settings.js';
import { openWorkInProgress } from '../work-in-progress/work-in-progress.js';
import { currentUser, dataKeyStore, type CoreContext, type OpenSession } from './core-context.js';
import { profileDataKey } from './profile-data-key.js';
import { OutpostError } from '../../common/errors.js';
import { ProfileKeyError } from '../crypto/profile-key.js';
import { reviewItemView } from './inbox-views.js';
import type { SyncWorkerPort } from './sync-worker-port.js';
import { startSync, stopSync, useWorker } from './sync-control.js';
import { createUnsyncedCount } from './unsynced-count.js';

/** The latest `lastSync` any model recorded (ms since the epoch), or null. */
async function lastSyncedAt(datastore: Datastore): Promise<number | null> {
  const synced = await datastore.syncMetadata.listSyncMetadata().catch(() => []);
  return synced.reduce<number | null>((latest, m) => {
    const at = Number((m as { lastSync?: unknown }).lastSync);
    return Number.isFinite(at) && at > 0 && (latest === null || at > latest) ? at : latest;
  }, null);
}

/** The profile's datastore and attachments, opened together (the datastore asks the file store whether an attached file is here). */
async function openStores(
  ctx: CoreContext,
  dir: string,
  profileId: string,
  key: Buffer,
  isActive: () => boolean,
): Promise<{ datastore: Datastore; attachments: AttachmentSession }> {
  const { options } = ctx;
  const files = await AttachmentFiles.open(dir, { key });
  const datastore = openProfileDatastore(ctx, profileId, key, { isPresent: (sha256) => files.has(sha256) });
  try {
    const attachments = await AttachmentSession.open({
      dir,
      files,
      key,
      datastore,
      publish: {
        state: (state) => {
          if (isActive()) ctx.out.broadcast('attachmentState', state);
        },
        queue: (queue) => {
          if (isActive()) ctx.out.broadcast('attachmentQueue', queue);
        },
      },
      ...(options.attachmentUploads ? { runner: options.attachmentUploads } : {}),
    });
    return { datastore, attachments };
  } catch (error) {
    await datastore.close();
    throw error;
  }
}

/**
 * The profile's datastore opened with its key (a plain one from before encryption is encrypted in place first);
 * a key that does not open it is a ProfileKeyError naming the profile, with nothing created or discarded.
 */
export function openProfileDatastore(ctx: CoreContext, profileId: string, key: Buffer, attachments?: AttachmentPort): Datastore {
  const { options } = ctx;
  try {
    return openDatastore({
      file: profileDatabaseFile(options.userData, profileId),
      schema: options.schema,
      key,
      ...(options.durability ? { durability: options.durability } : {}),
      ...(attachments ? { attachments } : {}),
    });
  } catch (error) {
    throw profileKeyErrorOf(error, profileId) ?? error;
  }
}

/** A store-level key refusal as the profile's ProfileKeyError (the user knows profiles, not files). */
function profileKeyErrorOf(error: unknown, profileId: string): ProfileKeyError | null {
  if (!(error instanceof OutpostError) || error.code !== 'ProfileKeyError' || error instanceof ProfileKeyError) return null;
  const reason = error.details?.reason;
  if (reason === 'notADatabase') {
    return new ProfileKeyError(`Profile ${profileId}'s data file is damaged or not an Outpost database; it was left as it is.`, profileId, 'notADatabase');
  }
  return new ProfileKeyError(
    `Profile ${profileId}'s data does not open with the key this computer keeps for it; it stays on disk, encrypted, and nothing was discarded.`,
    profileId,
    'wrongKey',
  );
}

/** The session of `signedIn`'s profile, its files open and its events wired to the core; not yet the active one. */
async function buildSession(
  ctx: CoreContext,
  signedIn: SignedIn,
  passphrase: string | undefined,
): Promise<{ readonly open: OpenSession; readonly identity: IdentityTracker | null }> {
  const { options } = ctx;
  const profile = signedIn.profile;
  const dir = profileDirectory(options.userData, profile.id);
  const dataKey = await profileDataKey({
    profileId: profile.id,
    dir,
    databaseFile: profileDatabaseFile(options.userData, profile.id),
    store: dataKeyStore(ctx),
    passphrase,
  });
  const { datastore, attachments } = await openStores(ctx, dir, profile.id, dataKey.key, () => ctx.session === open);
  // The worker gets the tracker's credentials, so every token it is handed also tells the guard who this is.
  const identity = profile.server === null ? null : trackIdentity(signedIn.credentials);
  const server = profile.server;
  const createSync = options.createSync;
  const buildSync = (maxRecordsToSync: number): SyncWorkerPort | null =>
    server !== null && createSync
      ? createSync({ datastore, schema: options.schema, server, credentials: identity?.credentials ?? signedIn.credentials, maxRecordsToSync })
      : null;
  const settings = openSyncSettings(dir, { maxRecordsToSync: ctx.defaultMaxRecordsToSync });
  // Read through `open` at each check: the worker is replaced when the sync settings change.
  const guard = createSaveGuard({
    schema: options.schema,
    identity: () => identity?.identity() ?? null,
    maxItemBytes: () => open.sync?.maxItemBytes?.() ?? DEFAULT_MAX_ITEM_BYTES,
  });
  const open: OpenSession = {
    signedIn,
    dataKey,
    datastore,
    sync: null,
    unlistenSync: () => undefined,
    buildSync,
    settings,
    reviews: openConflictReviews(dir),
    work: openWorkInProgress({ dir, datastore, schema: options.schema, key: dataKey.key }),
    guard,
    attachments,
    unsynced: createUnsyncedCount(
      () => datastore.outbox.outboxCount(),
      (unsynced) => {
        if (ctx.session !== open) return;
        ctx.status.apply({ type: 'unsynced', count: unsynced });
        ctx.out.broadcast('outboxStatus', { isEmpty: unsynced === 0, unsynced });
      },
    ),
    stop: [],
    syncRunning: false,
  };
  // Files nothing references go before the profile is in use; those drafts and the Trash hold stay.
  await attachments.sweep(await open.work.heldFiles());
  const sync = buildSync(settings.get().maxRecordsToSync);
  open.stop.push(datastore.onOutboxEvent(() => open.unsynced.request()));
  open.stop.push(
    datastore.reviews.onChange((item) => {
      if (ctx.session !== open) return;
      ctx.out.broadcast('review', reviewItemView(options.schema, item));
      void datastore.reviews
        .openCount()
        .then((count) => ctx.session === open && ctx.status.apply({ type: 'reviewWaiting', count }))
        .catch(() => undefined);
    }),
  );
  useWorker(ctx, open, sync);
  open.stop.push(() => open.unlistenSync());
  return { open, identity };
}

/** Opens `signedIn`'s profile as the session, announces it and starts its sync; answers who is signed in. */
export async function openSession(ctx: CoreContext, signedIn: SignedIn, passphrase?: string): Promise<CurrentUser> {
  const { open, identity } = await buildSession(ctx, signedIn, passphrase);
  const { datastore, guard } = open;
  const profile = signedIn.profile;
  ctx.session = open;
  const mode = profile.server === null ? 'offline' : 'server';
  ctx.status.reset({ type: 'opened', mode, lastSyncedAt: null, reviewWaiting: 0 });
  const lastSync = await lastSyncedAt(datastore);
  ctx.status.reset({ type: 'opened', mode, lastSyncedAt: lastSync, reviewWaiting: await datastore.reviews.openCount() });
  await open.unsynced.now();
  const user = currentUser(ctx)!;
  ctx.out.broadcast('session', user);
  await startSync(ctx, open);
  if (identity !== null) {
    // A credential that can read nothing would sync an empty app: say so once the identity is known.
    const warn = (): void => {
      const message = ctx.session === open ? guard.readsNothingMessage() : null;
      if (message !== null) ctx.out.notify({ code: 'Unauthorized', message });
    };
    open.stop.push(identity.onChange(warn));
    void identity.load().then(warn, () => undefined);
  }
  return user;
}

/** Closes the open session, if any: sync stopped, windows' subscriptions dropped, files closed. */
export async function closeSession(ctx: CoreContext): Promise<void> {
  const open = ctx.session;
  if (!open) return;
  await stopSync(ctx, open).catch(() => undefined);
  ctx.session = null;
  ctx.out.dropSubscriptions();
  for (const stop of open.stop) stop();
  await open.attachments.close();
  await open.work.close();
  await open.datastore.close();
  ctx.status.reset({ type: 'closed' });
}
