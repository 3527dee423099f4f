// Sign-in, reopening a saved profile, sign-out, clearing the local data (attached files included),
// restore at start and close at exit — one at a time (`serial`), so two windows cannot interleave them.
import { Unauthorized, ValidationError } from '../../common/errors.js';
import type { CurrentUser, ParsedRequestOf, ResponseOf } from '../../common/ipc/contract.js';
import { deviceClaimFor, isDeviceRevoked } from '../auth/device-identity.js';
import { normaliseServer, profileIdFor, type ProfileRegistry } from '../auth/profiles.js';
import { forgetSignIn, resumeSignIn, signIn, type SignedIn, type SignInDeps } from '../auth/sign-in.js';
import type { AppServices } from '../ipc/app-services.js';
import { currentSession, currentUser, dataKeyStore, type CoreContext } from './core-context.js';
import { ProfileKeyError } from '../crypto/profile-key.js';
import { forgetProfileDataKey } from './profile-data-key.js';
import { wipeRevokedNow } from './device-revocation.js';
import { closeSession, openSession } from './open-session.js';
import { hostOf } from './sync-activity-words.js';
import { startSync, stopSync } from './sync-control.js';
import { unsyncedRefusal } from './unsynced-guard.js';

/** The activity line when a profile opens: `how` it opened ("Signed in as", "Reopened") and whose it is. */
export function openedText(how: string, profile: { readonly username: string; readonly server: string | null }): string {
  return profile.server === null
    ? `${how} ${profile.username} (offline profile: data stays on this computer)`
    : `${how} ${profile.username} on ${hostOf(profile.server)}`;
}

/** The activity line after a sign-out or clear that discarded `discarded` unsynced changes. */
export function discardedText(what: string, discarded: number): string {
  return discarded === 0 ? what : `${what}: ${discarded.toLocaleString('en-US')} unsynced change${discarded === 1 ? '' : 's'} discarded`;
}

/** Starts the activity log of a profile being opened: another profile's lines are not this one's. */
function noteOpened(ctx: CoreContext, profileId: string, text: string): void {
  if (lastProfile.get(ctx) !== profileId) ctx.activity.clear();
  lastProfile.set(ctx, profileId);
  ctx.activity.note(text);
}
const lastProfile = new WeakMap<CoreContext, string>();

/**
 * Signs in naming this profile's device. A device id the server says was revoked means the profile
 * kept on this computer belongs to a revoked device: it is wiped first (wipeRevokedNow) and the
 * sign-in made again as a new device — the user proved who they are with the password.
 */
async function signInAsDevice(ctx: CoreContext, registry: ProfileRegistry, deps: SignInDeps, request: ParsedRequestOf<'signIn'>): Promise<SignedIn> {
  if (request.mode !== 'password') return signIn(request, deps);
  const id = profileIdFor(normaliseServer(request.server), request.username);
  const kept = registry.read().profiles.find((p) => p.id === id);
  try {
    return await signIn(request, deps, deviceClaimFor(kept));
  } catch (error) {
    if (!isDeviceRevoked(error) || kept === undefined) throw error;
    await wipeRevokedNow(ctx, registry, deps, id);
    return signIn(request, deps, deviceClaimFor(undefined));
  }
}

/** Opens a resumed profile at start; null for one whose passphrase must be typed (the sign-in screen lists it and asks). */
async function openUnlessPassphraseNeeded(ctx: CoreContext, resumed: SignedIn): Promise<CurrentUser | null> {
  try {
    return await openSession(ctx, resumed);
  } catch (error) {
    if (error instanceof ProfileKeyError && error.details?.reason === 'passphraseNeeded') return null;
    throw error;
  }
}

/** Runs lifecycle steps one after another; a failed step does not stop the next. */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;

/** A fresh queue for `Serial` steps. */
export function createSerial(): Serial {
  let lifecycle: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lifecycle.then(fn, fn);
    lifecycle = run.catch(() => undefined);
    return run;
  };
}

export interface SessionLifecycle extends Pick<AppServices, 'signIn' | 'openProfile' | 'signOut' | 'clear'> {
  /** Reopens the profile that was active at the last exit (no network needed); null if none. */
  restore(): Promise<CurrentUser | null>;
  /** Closes the open session (idempotent). */
  close(): Promise<void>;
}

/** The lifecycle steps over `ctx`, the profile `registry` and the sign-in dependencies. */
export function sessionLifecycle(ctx: CoreContext, registry: ProfileRegistry, deps: SignInDeps, serial: Serial): SessionLifecycle {
  return {
    signIn: (request) =>
      serial(async () => {
        const signedIn = await signInAsDevice(ctx, registry, deps, request);
        // Same user again reopens the same database file (data kept); another user gets their own.
        await closeSession(ctx);
        registry.signedIn(signedIn.profile);
        noteOpened(ctx, signedIn.profile.id, openedText('Signed in as', signedIn.profile));
        return openSession(ctx, signedIn, request.passphrase);
      }),
    openProfile: ({ profileId, passphrase }) =>
      serial(async () => {
        const profile = registry.read().profiles.find((p) => p.id === profileId);
        if (!profile) throw new ValidationError(`openProfile: no profile ${profileId} on this computer`, 'openProfile.profileId');
        if (ctx.session?.signedIn.profile.id === profileId) return currentUser(ctx)!;
        const resumed = await resumeSignIn(profile, deps);
        if (!resumed) {
          throw new Unauthorized(`the saved sign-in for ${profile.username} on ${profile.server} is gone: sign in with your password`);
        }
        await closeSession(ctx);
        registry.signedIn(resumed.profile);
        noteOpened(ctx, resumed.profile.id, openedText('Switched to', resumed.profile));
        return openSession(ctx, resumed, passphrase);
      }),
    signOut: (request) =>
      serial(async (): Promise<ResponseOf<'signOut'>> => {
        const open = ctx.session;
        if (!open) return { signedOut: true, discarded: 0 };
        const refusal = await unsyncedRefusal(ctx, open, request.unsynced);
        if (refusal) return refusal;
        await stopSync(ctx, open);
        const { discardedOutboxEntries } = await open.datastore.clear();
        await open.attachments.clearFiles();
        await open.work.clear();
        const profile = open.signedIn.profile;
        await closeSession(ctx);
        await forgetSignIn(profile, deps);
        registry.remove(profile.id);
        // After the files: a crash in between leaves an encrypted file with its key, never a key-less one to puzzle over.
        await forgetProfileDataKey(dataKeyStore(ctx), profile.id);
        registry.signedOut();
        ctx.activity.note(discardedText(`Signed out ${profile.username}`, discardedOutboxEntries));
        ctx.out.broadcast('session', null);
        ctx.status.publish();
        return { signedOut: true, discarded: discardedOutboxEntries };
      }),
    clear: (request) =>
      serial(async (): Promise<ResponseOf<'clear'>> => {
        const open = currentSession(ctx);
        const refusal = await unsyncedRefusal(ctx, open, request.unsynced);
        if (refusal) return refusal;
        const wasRunning = open.syncRunning;
        await stopSync(ctx, open);
        const { discardedOutboxEntries } = await open.datastore.clear();
        // The queue's rows went with the datastore's tables: the files go too.
        await open.attachments.clearFiles();
        await open.work.clear();
        await open.unsynced.now();
        ctx.status.apply({ type: 'cleared', reviewWaiting: await open.datastore.reviews.openCount() });
        ctx.activity.note(discardedText('Local data cleared', discardedOutboxEntries));
        if (wasRunning) await startSync(ctx, open);
        return { cleared: true, discarded: discardedOutboxEntries };
      }),
    restore: () =>
      serial(async () => {
        if (ctx.session) return currentUser(ctx);
        const settings = registry.read();
        const profile = settings.profiles.find((p) => p.id === settings.activeProfileId);
        if (!profile) return null;
        const resumed = await resumeSignIn(profile, deps);
        if (!resumed) return null;
        registry.signedIn(resumed.profile);
        noteOpened(ctx, resumed.profile.id, openedText('Reopened', resumed.profile));
        return openUnlessPassphraseNeeded(ctx, resumed);
      }),
    close: () => serial(() => closeSession(ctx)),
  };
}
