// What the parts of the app core share: its options, where it pushes events, the sync status,
// and the one open session (null while signed out).
import { Unauthorized } from '../../common/errors.js';
import type { CurrentUser } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import type { AttachmentSession, AttachmentSessionOptions } from '../attachments/attachment-session.js';
import type { CredentialStore } from '../auth/credential-store.js';
import type { OidcHost } from '../auth/oidc-profile.js';
import type { SignedIn } from '../auth/sign-in.js';
import type { Fetch } from '../auth/token-client.js';
import type { ConflictReviews } from '../conflict-reviews.js';
import type { Datastore } from '../datastore/datastore.js';
import type { SaveGuard } from '../save-guard.js';
import type { SyncSettingsStore } from '../sync-settings.js';
import type { WorkInProgress } from '../work-in-progress/work-in-progress.js';
import type { DataKeyStore, ProfileDataKey } from './profile-data-key.js';
import type { FormHints } from '../../common/schema/form-hints.js';
import type { Broadcaster } from './broadcaster.js';
import type { SyncActivityLog } from './sync-activity.js';
import type { SyncWorkerPort, SyncWorkerPortFactory } from './sync-worker-port.js';
import type { SyncStatusHolder } from './sync-status.js';
import type { UnsyncedCount } from './unsynced-count.js';

export interface AppCoreOptions {
  /** Folder holding settings.json and profiles/ (Electron's `app.getPath('userData')`). */
  readonly userData: string;
  readonly schema: Schema;
  /** The form hints beside the schema, already checked against it (main/app/form-hints-file.ts); none by default. */
  readonly formHints?: FormHints;
  readonly credentials: CredentialStore;
  /**
   * Where each profile's data key is kept: default `credentials`. Give 'passphrase' where that store does not outlive
   * the process or protects weakly (keepsDataKeys false): every profile then asks its user for a passphrase.
   */
  readonly dataKeys?: DataKeyStore;
  /** Without it, server profiles work locally only and the sync bar says sync is unavailable. */
  readonly createSync?: SyncWorkerPortFactory;
  /** `maxRecordsToSync` of a profile that saved no sync settings (default DESKTOP_MAX_RECORDS_TO_SYNC, 1,000,000). */
  readonly maxRecordsToSync?: number;
  readonly fetch?: Fetch;
  /** SQLite durability (default FULL). */
  readonly durability?: 'FULL' | 'NORMAL';
  /** How long "sync first" waits for the outbox to drain before asking again (ms, default 20,000). */
  readonly syncFirstTimeoutMs?: number;
  /**
   * Where an export goes: asked with a suggested file name, answers a path (Electron's save dialog)
   * or null when the user cancelled. Default: `<userData>/exports/<suggested name>`.
   */
  readonly chooseExportPath?: (suggestedName: string) => Promise<string | null>;
  /** Identity-provider sign-ins' system browser and whether http issuers on loopback are allowed (tests); default: the URL is printed, https only. */
  readonly oidcHost?: OidcHost;
  /** Upload runner tuning (tests: small chunks); default 5 MiB chunks, 2 uploads at once, 60 s stall timeout. */
  readonly attachmentUploads?: AttachmentSessionOptions['runner'];
}

/** One signed-in profile, open: its datastore, sync worker and local files. */
export interface OpenSession {
  readonly signedIn: SignedIn;
  /** The key its database and files are encrypted with, and how that key is kept. */
  readonly dataKey: ProfileDataKey;
  readonly datastore: Datastore;
  /** The sync worker now: replaced (stopped, rebuilt, restarted) when the sync settings change. */
  sync: SyncWorkerPort | null;
  /** Unsubscribes the core from `sync`'s events (replaced with it). */
  unlistenSync: () => void;
  /** Builds a sync worker for this profile with `maxRecordsToSync`; null without a server or factory. */
  readonly buildSync: (maxRecordsToSync: number) => SyncWorkerPort | null;
  readonly settings: SyncSettingsStore;
  readonly reviews: ConflictReviews;
  /** Drafts and the Trash of this profile. */
  readonly work: WorkInProgress;
  /** What this sign-in may save, known before saving (@auth rules, the backend's item size). */
  readonly guard: SaveGuard;
  /** The sync bar's outbox count of this profile. */
  readonly unsynced: UnsyncedCount;
  /** Its attached files: the file store, the upload queue, their states and settings. */
  readonly attachments: AttachmentSession;
  readonly stop: Array<() => void>;
  syncRunning: boolean;
}

export interface CoreContext {
  readonly options: AppCoreOptions;
  /** `maxRecordsToSync` of a profile that saved none (checked at creation). */
  readonly defaultMaxRecordsToSync: number;
  readonly out: Broadcaster;
  readonly status: SyncStatusHolder;
  /** What sync did this run, for the Sync activity screen. */
  readonly activity: SyncActivityLog;
  session: OpenSession | null;
}

/** Where this core keeps profile data keys. */
export function dataKeyStore(ctx: CoreContext): DataKeyStore {
  return ctx.options.dataKeys ?? ctx.options.credentials;
}

/** The open session; throws Unauthorized when nobody is signed in. */
export function currentSession(ctx: CoreContext): OpenSession {
  if (!ctx.session) throw new Unauthorized('nobody is signed in: sign in or open an offline profile first');
  return ctx.session;
}

/** Who is signed in, or null. */
export function currentUser(ctx: CoreContext): CurrentUser | null {
  if (!ctx.session) return null;
  const { id, mode, server, username, oidc } = ctx.session.signedIn.profile;
  const credentialStorage = ctx.session.signedIn.credentialStorage();
  return {
    profileId: id,
    mode,
    server,
    username,
    ...(credentialStorage === null ? {} : { credentialStorage }),
    dataProtection: ctx.session.dataKey.text,
    ...(oidc === undefined ? {} : { issuer: oidc.issuer }),
  };
}
