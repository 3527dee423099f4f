// What happens when the server says this device was revoked (a refresh, a GraphQL request or the
// real-time connection refused with `reason: 'deviceRevoked'`): sync stops and the profile is wiped
// at once — its database with the outbox, its files, drafts and Trash, its saved sign-in and its
// entry in the profile registry. Security wins over keeping unsynced edits: a device the
// administrator revoked must not keep the organisation's data, so those edits are lost, and the
// renderer is told in plain words how many (the `deviceRevoked` event) and shows the sign-in screen.
import { existsSync } from 'node:fs';
import { profileDatabaseFile, type ProfileRecord, type ProfileRegistry } from '../auth/profiles.js';
import type { SignInDeps } from '../auth/sign-in.js';
import { keychainProfileKey } from '../crypto/profile-key.js';
import { openDatastore } from '../datastore/datastore.js';
import { closeSession, openProfileDatastore } from './open-session.js';
import { dataKeyStore, type CoreContext } from './core-context.js';
import { forgetProfileDataKey, storeFileState } from './profile-data-key.js';
import type { Serial } from './session-lifecycle.js';
import { stopSync } from './sync-control.js';

/** What the user reads after the wipe: that the device was revoked, its data removed, and how many changes were lost. */
export function revokedMessage(lost: number | null): string {
  const head = 'This device was revoked by your administrator. Its local data was removed';
  if (lost === null) return `${head}.`;
  if (lost === 0) return `${head}: every change had reached the server, none was lost.`;
  const n = lost.toLocaleString('en-US');
  return `${head}: ${n} change${lost === 1 ? '' : 's'} that had not reached the server ${lost === 1 ? 'is' : 'are'} lost.`;
}

/** The outbox count of a profile that is not open (its database opened just to count); null when it cannot be read. */
async function closedProfileUnsynced(ctx: CoreContext, profileId: string): Promise<number | null> {
  const file = profileDatabaseFile(ctx.options.userData, profileId);
  if (!existsSync(file)) return 0;
  try {
    // Only a keychain key can be had without the user: a passphrase profile's count is unknown (null).
    const store = dataKeyStore(ctx);
    const plain = storeFileState(file) === 'plain';
    if (store === 'passphrase' && !plain) return null;
    const datastore =
      store === 'passphrase' || plain
        ? openDatastore({ file, schema: ctx.options.schema })
        : openProfileDatastore(ctx, profileId, await keychainProfileKey(store, profileId, { create: false }));
    try {
      return await datastore.outbox.outboxCount();
    } finally {
      await datastore.close();
    }
  } catch {
    return null;
  }
}

/** Wipes `profileId` now, inside a lifecycle step (see wipeRevokedProfile). */
export async function wipeRevokedNow(ctx: CoreContext, registry: ProfileRegistry, deps: SignInDeps, profileId: string): Promise<number | null> {
  {
    const profile: Omit<ProfileRecord, 'lastUsedAt'> | undefined =
      ctx.session?.signedIn.profile.id === profileId ? ctx.session.signedIn.profile : registry.read().profiles.find((p) => p.id === profileId);
    // Already wiped (the worker and the real-time connection may both report it).
    if (profile === undefined) return null;
    const open = ctx.session?.signedIn.profile.id === profileId ? ctx.session : null;
    let lost: number | null;
    if (open !== null) {
      await stopSync(ctx, open).catch(() => undefined);
      lost = (await open.datastore.clear()).discardedOutboxEntries;
      await open.attachments.clearFiles();
      await open.work.clear();
      await closeSession(ctx);
    } else {
      lost = await closedProfileUnsynced(ctx, profileId);
    }
    // The server already ended the session: only the local copy of the secret goes.
    if (profile.server !== null) await deps.credentials.delete(profile.server, profile.username).catch(() => false);
    registry.remove(profileId);
    await forgetProfileDataKey(dataKeyStore(ctx), profileId);
    const message = revokedMessage(lost);
    ctx.activity.note(message);
    if (open !== null) {
      ctx.out.broadcast('session', null);
      ctx.status.publish();
    } else {
      // Found at sign-in (the profile was closed): the user goes on signed in, so the words come as a notice.
      ctx.out.notify({ code: 'DeviceRevoked', message });
    }
    ctx.out.broadcast('deviceRevoked', { profileId, username: profile.username, server: profile.server ?? '', lost: lost ?? 0, message });
    return lost;
  }
}

/**
 * Wipes the profile `profileId` after its device was revoked and tells the renderer; answers how
 * many unsynced changes were lost (null: not known). Runs in `serial` with the other lifecycle steps.
 */
export function wipeRevokedProfile(ctx: CoreContext, registry: ProfileRegistry, deps: SignInDeps, serial: Serial, profileId: string): Promise<number | null> {
  return serial(() => wipeRevokedNow(ctx, registry, deps, profileId));
}

/** Starts wipeRevokedProfile without waiting (the worker that noticed is stopped by it); a failure is a notice. */
export function wipeWhenRevoked(ctx: CoreContext, registry: ProfileRegistry, deps: SignInDeps, serial: Serial, profileId: string): void {
  void wipeRevokedProfile(ctx, registry, deps, serial, profileId).catch((error: unknown) =>
    ctx.out.notify({ code: 'DeviceRevoked', message: `This device was revoked, but its local data could not all be removed: ${String(error)}` }),
  );
}
