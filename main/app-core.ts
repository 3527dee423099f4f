// The main-process core without Electron: profiles and sign-in, the open profile's datastore, its
// sync worker, conflict inbox and the sync status the renderer shows — exposed as AppServices for
// the IPC handlers. main/index.ts instantiates it inside Electron; the e2e tests and the browser
// fallback instantiate the very same core in Node. This file only composes the parts in main/app/:
// the session lifecycle, the sync status, the review inbox, the profiles and the store adapter.
import { OutpostError, ValidationError } from '../common/errors.js';
import type { CurrentUser } from '../common/ipc/contract.js';
import { createProfileRegistry } from './auth/profiles.js';
import { PendingSignIn } from './auth/oidc-profile.js';
import type { SignInDeps } from './auth/sign-in.js';
import type { AppServices } from './ipc/app-services.js';
import { registerHandlers, type IpcHandlers, type IpcHost } from './ipc/handlers.js';
import { DESKTOP_MAX_RECORDS_TO_SYNC } from './sync-worker-binding.js';
import { maxRecordsToSyncProblem } from './sync-settings.js';
import { createBroadcaster } from './app/broadcaster.js';
import { currentSession, currentUser, type AppCoreOptions, type CoreContext } from './app/core-context.js';
import { attachmentServices } from './app/attachment-services.js';
import { deviceList } from './app/device-list.js';
import { wipeWhenRevoked } from './app/device-revocation.js';
import { exportList } from './app/export-service.js';
import { localStore } from './app/local-store.js';
import { listProfiles } from './app/profiles.js';
import { reviewInbox } from './app/review-inbox.js';
import { createSerial, sessionLifecycle } from './app/session-lifecycle.js';
import { rebuildSync, startSync, stopSync } from './app/sync-control.js';
import { createSyncStatusHolder } from './app/sync-status.js';
import { createSyncActivityLog } from './app/sync-activity.js';
import { NO_FORM_HINTS } from '../common/schema/form-hints.js';

export type { AppCoreOptions } from './app/core-context.js';
export type { SyncWorkerPort, SyncWorkerPortFactory } from './app/sync-worker-port.js';

export interface AppCore {
  readonly services: AppServices;
  /** Registers the IPC handlers on `host`; pushed events go to every sender seen there. */
  attach(host: IpcHost): IpcHandlers;
  /** Reopens the profile that was active at the last exit (no network needed); null if none. */
  restore(): Promise<CurrentUser | null>;
  /** Graceful shutdown: sync stopped, database closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * An identity provider stopped accepting the profile's refresh token: sync stops and the user is
 * told to sign in again; the profile stays open with its unsynced edits (unlike a revoked device).
 */
function signInEndedHandler(ctx: CoreContext, serial: ReturnType<typeof createSerial>): (profileId: string, message: string) => void {
  return (profileId, message) => {
    void serial(async () => {
      const open = ctx.session;
      if (!open || open.signedIn.profile.id !== profileId) return;
      await stopSync(ctx, open);
      ctx.activity.note(`Signed out of the server: ${message}`);
      ctx.out.notify({ code: 'SignInEnded', message: `${message}. Your unsynced changes are kept on this computer and will sync after you sign in again.` });
    }).catch(() => undefined);
  };
}

/** Identity-provider sign-ins' deps: the host's browser, the waiting sign-in (cancelSignIn), a refused refresh. */
function oidcSignInDeps(
  ctx: CoreContext,
  serial: ReturnType<typeof createSerial>,
): Pick<SignInDeps, 'openBrowser' | 'allowHttpIssuer' | 'pendingSignIn' | 'onSignInEnded'> {
  return { ...(ctx.options.oidcHost ?? {}), pendingSignIn: new PendingSignIn(), onSignInEnded: signInEndedHandler(ctx, serial) };
}

/** signIn, and cancelSignIn stopping the identity-provider sign-in waiting for the browser (outside `serial`). */
function signInServices(lifecycle: Pick<AppServices, 'signIn'>, deps: SignInDeps): Pick<AppServices, 'signIn' | 'cancelSignIn'> {
  return { signIn: lifecycle.signIn, cancelSignIn: async () => ({ cancelled: deps.pendingSignIn?.cancel() ?? false }) };
}

/** Creates the core; nothing is opened until sign-in or `restore()`. */
export function createAppCore(options: AppCoreOptions): AppCore {
  const defaultMaxRecordsToSync = options.maxRecordsToSync ?? DESKTOP_MAX_RECORDS_TO_SYNC;
  const problem = maxRecordsToSyncProblem(defaultMaxRecordsToSync);
  if (problem !== null) throw new ValidationError(`createAppCore: ${problem}`, 'maxRecordsToSync');

  const out = createBroadcaster();
  const ctx: CoreContext = { options, defaultMaxRecordsToSync, out, status: createSyncStatusHolder(out), activity: createSyncActivityLog(out), session: null };
  const registry = createProfileRegistry(options.userData);
  const serial = createSerial();
  const deps: SignInDeps = {
    credentials: options.credentials,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // A secret the store refused: this run stays signed in; say so, and where the sign-in is kept now.
    onNotKept: (message: string): void => {
      out.notify({ code: 'CredentialNotSaved', message });
      if (ctx.session) out.broadcast('session', currentUser(ctx));
    },
    // The server refused a refresh: this device was revoked; its profile is wiped at once.
    onDeviceRevoked: (profileId: string): void => revoked(profileId),
    ...oidcSignInDeps(ctx, serial),
  };
  const revoked = (profileId: string): void => wipeWhenRevoked(ctx, registry, deps, serial, profileId);
  const lifecycle = sessionLifecycle(ctx, registry, deps, serial);
  const work = () => currentSession(ctx).work;

  const services: AppServices = {
    schema: options.schema,
    store: () => localStore(options.schema, currentSession(ctx)),
    syncStatus: () => ctx.status.current(),
    startSync: async () => {
      const open = currentSession(ctx);
      if (!open.sync) {
        throw new OutpostError(
          'SyncUnavailable',
          open.signedIn.profile.server === null ? 'this is an offline profile: it has no server to sync with' : 'sync is not available in this build',
        );
      }
      await startSync(ctx, open);
      return ctx.status.current();
    },
    stopSync: async () => {
      await stopSync(ctx, currentSession(ctx));
      return ctx.status.current();
    },
    ...reviewInbox(ctx),
    access: async () => currentSession(ctx).guard.access(),
    formHints: async () => options.formHints ?? NO_FORM_HINTS,
    syncActivity: async ({ limit }) => ctx.activity.list(limit),
    syncSettings: async () => currentSession(ctx).settings.get(),
    setSyncSettings: (request) =>
      serial(async () => {
        const open = currentSession(ctx);
        const before = open.settings.get().maxRecordsToSync;
        const saved = open.settings.set(request);
        // An offline profile has no worker: the setting is only stored.
        if (saved.maxRecordsToSync !== before) await rebuildSync(ctx, open, saved.maxRecordsToSync);
        return saved;
      }),
    deletePreview: (model, key) => work().deletePreview(model, key),
    draftSave: (model, key, values) => work().draftSave(model, key, values),
    draftsList: () => work().draftsList(),
    draftDiscard: ({ id }) => work().draftDiscard(id),
    trashList: () => work().trashList(),
    trashRestore: ({ id }) => work().trashRestore(id),
    ...signInServices(lifecycle, deps),
    openProfile: lifecycle.openProfile,
    signOut: lifecycle.signOut,
    clear: lifecycle.clear,
    currentUser: () => currentUser(ctx),
    profiles: async () => listProfiles(registry, ctx.session?.signedIn.profile.id ?? null),
    ...deviceList(ctx, { onRevoked: revoked }),
    attachments: attachmentServices(ctx),
    exportList: (request) => exportList(ctx, request),
  };

  return {
    services,
    attach(host) {
      const handlers = registerHandlers(host, services);
      out.add(handlers);
      return handlers;
    },
    restore: lifecycle.restore,
    close: lifecycle.close,
  };
}
