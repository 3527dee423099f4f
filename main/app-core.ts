// The main-process core without Electron: profiles and sign-in, the open profile's datastore, its
// sync worker, conflict inbox and the sync status the renderer shows — exposed as AppServices for
// the IPC handlers. main/index.ts instantiates it inside Electron; the e2e tests and the browser
// fallback instantiate the very same core in Node.
import { OutpostError, Unauthorized, ValidationError } from '../common/errors.js';
import type {
  Conflict,
  CurrentUser,
  EventChannel,
  EventOf,
  ErrorNotice,
  ParsedRequestOf,
  ResponseOf,
  ReviewItem,
  SyncStatus,
} from '../common/ipc/contract.js';
import type { SyncEvent, SyncEventMessage } from '../common/sync/sync-events.js';
import { keyFromModelId, keyOf, modelIdOf, type KeyObject } from '../common/schema/record-key.js';
import type { ModelDef, ModelRecord, Schema } from '../common/schema/types.js';
import type { CredentialStore } from './auth/credential-store.js';
import { createProfileRegistry, profileDatabaseFile, profileDirectory, type ProfileRecord } from './auth/profiles.js';
import { forgetSignIn, resumeSignIn, signIn, type SignedIn, type SyncCredentials } from './auth/sign-in.js';
import type { Fetch } from './auth/token-client.js';
import { openConflictReviews, type ConflictReviews } from './conflict-reviews.js';
import { openDatastore, type Datastore } from './datastore/datastore.js';
import type { ConflictRecord } from './datastore/conflicts.js';
import type { ReviewRecord } from './datastore/review-items.js';
import { resolutionPlan } from './sync/review-resolution.js';
import type { AppServices, LocalStore } from './ipc/app-services.js';
import { registerHandlers, type IpcHandlers, type IpcHost } from './ipc/handlers.js';
import { requireModel, writableRecord } from './ipc/record-fields.js';
import { openWorkInProgress, type WorkInProgress } from './work-in-progress/work-in-progress.js';
import { trackIdentity } from './auth/identity-claims.js';
import { checkPendingDelete, checkPendingSave, createSaveGuard, type SaveGuard } from './save-guard.js';
import { DEFAULT_MAX_ITEM_BYTES } from '../common/schema/item-size.js';
import { DESKTOP_MAX_RECORDS_TO_SYNC } from './sync-engine.js';
import { maxRecordsToSyncProblem, openSyncSettings, type SyncSettingsStore } from './sync-settings.js';

/** One event of the sync worker, Amplify Hub name in `type` (PROTOCOL.md §4.11; common/sync/sync-events.ts). */
export type SyncEngineEvent = SyncEvent;

/** The sync worker as the core drives it. */
export interface SyncEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribes to the worker's events; returns the unsubscribe function. */
  onEvent(listener: (event: SyncEngineEvent) => void): () => void;
  /** The largest item the backend accepts (its announced `maxItemBytes`, else DynamoDB's 400 KB), in UTF-8 bytes. */
  maxItemBytes?(): number;
}

/** Builds the sync worker for a signed-in server profile. */
export type SyncEngineFactory = (options: {
  readonly datastore: Datastore;
  readonly schema: Schema;
  readonly server: string;
  readonly credentials: SyncCredentials;
  /** Most records of each model per round: the profile's setting (main/sync-settings.ts). */
  readonly maxRecordsToSync?: number;
}) => SyncEngine;

export interface AppCoreOptions {
  /** Folder holding settings.json and profiles/ (Electron's `app.getPath('userData')`). */
  readonly userData: string;
  readonly schema: Schema;
  readonly credentials: CredentialStore;
  /** Without it, server profiles work locally only and the sync bar says sync is unavailable. */
  readonly createSync?: SyncEngineFactory;
  /** `maxRecordsToSync` of a profile that saved no sync settings (default DESKTOP_MAX_RECORDS_TO_SYNC, 1,000,000). */
  readonly maxRecordsToSync?: number;
  readonly fetch?: Fetch;
  /** SQLite durability (default FULL). */
  readonly durability?: 'FULL' | 'NORMAL';
  /** How long "sync first" waits for the outbox to drain before asking again (ms, default 20,000). */
  readonly syncFirstTimeoutMs?: number;
}

export interface AppCore {
  readonly services: AppServices;
  /** Registers the IPC handlers on `host`; pushed events go to every sender seen there. */
  attach(host: IpcHost): IpcHandlers;
  /** Reopens the profile that was active at the last exit (no network needed); null if none. */
  restore(): Promise<CurrentUser | null>;
  /** Graceful shutdown: sync stopped, database closed. Idempotent. */
  close(): Promise<void>;
}

interface OpenSession {
  readonly signedIn: SignedIn;
  readonly datastore: Datastore;
  /** The sync worker now: replaced (stopped, rebuilt, restarted) when the sync settings change. */
  sync: SyncEngine | null;
  /** Unsubscribes the core from `sync`'s events (replaced with it). */
  unlistenSync: () => void;
  /** Builds a sync worker for this profile with `maxRecordsToSync`; null without a server or factory. */
  readonly buildSync: (maxRecordsToSync: number) => SyncEngine | null;
  readonly settings: SyncSettingsStore;
  readonly reviews: ConflictReviews;
  /** Drafts and the Trash of this profile. */
  readonly work: WorkInProgress;
  /** What this sign-in may save, known before saving (@auth rules, the backend's item size). */
  readonly guard: SaveGuard;
  readonly stop: Array<() => void>;
  syncRunning: boolean;
}

const OPERATION: Record<string, Conflict['operation']> = { Create: 'INSERT', Update: 'UPDATE', Delete: 'DELETE' };

function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value ?? null)) as unknown;
  } catch {
    return null;
  }
}

function optionalKey(key: KeyObject | undefined): { key?: Record<string, string | number> } {
  return key === undefined ? {} : { key: { ...key } };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The key object of the record a notice or conflict names: read from the record itself when one
 * is at hand (exact even when key values contain the `modelId` separator), else from the `modelId`.
 */
function noticeKey(def: ModelDef | undefined, modelId: string | undefined, ...records: Array<ModelRecord | null | undefined>): KeyObject | undefined {
  if (def === undefined) return undefined;
  for (const record of records) {
    const key = keyOf(def, record);
    if (key !== undefined && (modelId === undefined || modelIdOf(def, key) === modelId)) return key;
  }
  return modelId === undefined ? undefined : keyFromModelId(def, modelId);
}

function modelDef(schema: Schema, name: unknown): ModelDef | undefined {
  return typeof name === 'string' && Object.hasOwn(schema.models, name) ? schema.models[name] : undefined;
}

/** Creates the core; nothing is opened until sign-in or `restore()`. */
export function createAppCore(options: AppCoreOptions): AppCore {
  const registry = createProfileRegistry(options.userData);
  const deps = {
    credentials: options.credentials,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // A secret the store refused after the server issued it: this run stays signed in; say so, and
    // let Settings show where the sign-in is kept now.
    onNotKept: (message: string): void => {
      notify({ code: 'CredentialNotSaved', message });
      if (session) broadcast('session', currentUser());
    },
  };
  const hosts: IpcHandlers[] = [];
  let session: OpenSession | null = null;
  // Serialises sign-in / sign-out / clear so two windows cannot interleave them.
  let lifecycle: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lifecycle.then(fn, fn);
    lifecycle = run.catch(() => undefined);
    return run;
  };

  let status: SyncStatus = emptyStatus('signedOut');
  const defaultMaxRecordsToSync = options.maxRecordsToSync ?? DESKTOP_MAX_RECORDS_TO_SYNC;
  {
    const problem = maxRecordsToSyncProblem(defaultMaxRecordsToSync);
    if (problem !== null) throw new ValidationError(`createAppCore: ${problem}`, 'maxRecordsToSync');
  }

  function emptyStatus(mode: SyncStatus['mode']): SyncStatus {
    return { mode, running: false, online: false, unsynced: 0, lastSyncedAt: null, syncing: false, models: {}, reviewWaiting: 0 };
  }

  const broadcast = <E extends EventChannel>(event: E, payload: EventOf<E>): void => {
    for (const host of hosts) host.broadcast(event, payload);
  };
  const setStatus = (patch: Partial<SyncStatus>): void => {
    status = { ...status, ...patch };
    broadcast('syncStatus', status);
  };
  const notify = (notice: Omit<ErrorNotice, 'at'>): void => broadcast('error', { ...notice, at: Date.now() });

  const current = (): OpenSession => {
    if (!session) throw new Unauthorized('nobody is signed in: sign in or open an offline profile first');
    return session;
  };

  const currentUser = (): CurrentUser | null => {
    if (!session) return null;
    const { id, mode, server, username } = session.signedIn.profile;
    const credentialStorage = session.signedIn.credentialStorage();
    return { profileId: id, mode, server, username, ...(credentialStorage === null ? {} : { credentialStorage }) };
  };

  const refreshUnsynced = async (open: OpenSession): Promise<number> => {
    const unsynced = await open.datastore.outbox.outboxCount();
    if (session === open) {
      setStatus({ unsynced });
      broadcast('outboxStatus', { isEmpty: unsynced === 0, unsynced });
    }
    return unsynced;
  };

  const toConflict = (open: OpenSession, record: ConflictRecord): Conflict => ({
    id: String(record.id),
    model: record.model,
    recordId: record.modelId,
    ...optionalKey(noticeKey(modelDef(options.schema, record.model), record.modelId, record.local, record.remote)),
    operation: (record.operation && OPERATION[record.operation]) || 'UPDATE',
    local: (plain(record.local) as ModelRecord | null) ?? {},
    remote: (plain(record.remote) as ModelRecord | null) ?? {},
    resolution: record.resolution,
    at: record.at,
    reviewed: open.reviews.get(String(record.id)),
  });

  const toReviewItem = (record: ReviewRecord): ReviewItem => ({
    id: String(record.id),
    kind: record.kind,
    model: record.model,
    recordId: record.modelId,
    ...optionalKey(noticeKey(modelDef(options.schema, record.model), record.modelId, record.mine, record.theirs)),
    operation: OPERATION[record.operation] ?? 'UPDATE',
    fields: [...record.fields],
    mine: (plain(record.mine) as ModelRecord | null) ?? {},
    theirs: plain(record.theirs) as ModelRecord | null,
    reason: record.reason,
    errorType: record.errorType,
    baseVersion: record.baseVersion,
    at: record.at,
    state: record.state,
  });

  const refreshReviewWaiting = async (open: OpenSession): Promise<number> => {
    const reviewWaiting = await open.datastore.reviews.openCount();
    if (session === open && status.reviewWaiting !== reviewWaiting) setStatus({ reviewWaiting });
    return reviewWaiting;
  };

  const onSyncEvent = (open: OpenSession, event: SyncEngineEvent): void => {
    if (session !== open) return;
    const data = asRecord(event.data);
    broadcast('syncEvent', { event: event.type, data: plain(event.data) } as SyncEventMessage);
    switch (event.type) {
      case 'networkStatus':
        setStatus({ online: data?.active === true });
        break;
      case 'syncQueriesStarted': {
        const models = Array.isArray(data?.models) ? (data.models as unknown[]).map(String) : Object.keys(options.schema.models);
        setStatus({ syncing: true, models: Object.fromEntries(models.map((m) => [m, { received: 0, synced: false }])) });
        break;
      }
      case 'syncProgress': {
        const model = typeof data?.model === 'string' ? data.model : undefined;
        const received = typeof data?.received === 'number' ? data.received : undefined;
        if (model && received !== undefined) {
          setStatus({ models: { ...status.models, [model]: { ...status.models[model], received, synced: status.models[model]?.synced ?? false } } });
        }
        break;
      }
      case 'modelSynced': {
        const model = typeof data?.model === 'string' ? data.model : asRecord(data?.model)?.name;
        const counts = asRecord(data?.counts);
        const received = counts ? ['new', 'updated', 'deleted'].reduce((n, k) => n + (Number(counts[k]) || 0), 0) : 0;
        if (typeof model === 'string') {
          const before = status.models[model];
          // `complete: false`: the cap stopped it, so it is not synced yet (the next round goes on).
          const synced = data?.complete !== false;
          const next = { received: Math.max(before?.received ?? 0, received), synced, ...(!synced && before?.capped ? { capped: before.capped } : {}) };
          setStatus({ models: { ...status.models, [model]: next } });
        }
        break;
      }
      case 'syncLimitReached': {
        const model = typeof data?.model === 'string' ? data.model : undefined;
        const limit = Number(data?.maxRecordsToSync);
        if (model && Number.isSafeInteger(limit) && limit >= 0) {
          const total = typeof data?.total === 'number' && Number.isSafeInteger(data.total) && data.total >= 0 ? data.total : null;
          const before = status.models[model];
          const received = typeof data?.received === 'number' && data.received >= 0 ? Math.floor(data.received) : (before?.received ?? 0);
          setStatus({ models: { ...status.models, [model]: { received, synced: false, capped: { limit, total } } } });
        }
        break;
      }
      case 'syncQueriesReady':
        setStatus({ syncing: false, lastSyncedAt: Date.now() });
        break;
      case 'outboxStatus':
      case 'outboxMutationProcessed':
      case 'outboxMutationEnqueued':
        void refreshUnsynced(open).catch(() => undefined);
        if (event.type === 'outboxMutationProcessed') setStatus({ lastSyncedAt: Date.now() });
        break;
      case 'conflict':
        void open.datastore.conflicts
          .listConflicts({ limit: 1 })
          .then(([latest]) => latest && session === open && broadcast('conflict', toConflict(open, latest)))
          .catch(() => undefined);
        break;
      case 'error': {
        const local = asRecord(data?.localModel) ?? asRecord(data?.element) ?? asRecord(data?.record);
        const model = typeof data?.model === 'string' ? data.model : asRecord(data?.model)?.name;
        const def = modelDef(options.schema, model);
        const sentId = typeof data?.recordId === 'string' ? data.recordId : undefined;
        const key = noticeKey(def, sentId, local, asRecord(data?.remoteModel));
        const recordId = sentId ?? (def && key ? modelIdOf(def, key) : typeof local?.id === 'string' ? local.id : undefined);
        // A sync query or subscription of a model this sign-in may not read is refused by design:
        // the sign-in notice and the screens already say so once, not once per model and operation.
        const refusedRead = data?.process !== 'mutate' && /unauthori[sz]ed|not ?authori[sz]ed/i.test(String(data?.errorType ?? ''));
        if (refusedRead && typeof model === 'string' && open.guard.access().models[model]?.read === false) break;
        notify({
          code: String(data?.errorType ?? data?.code ?? 'SyncError'),
          message: String(data?.message ?? 'the server rejected a change'),
          ...(typeof model === 'string' ? { model } : {}),
          ...(recordId ? { recordId } : {}),
          ...optionalKey(key),
        });
        break;
      }
      default:
        break;
    }
  };

  const startSync = async (open: OpenSession): Promise<void> => {
    if (!open.sync || open.syncRunning) return;
    open.syncRunning = true;
    setStatus({ running: true });
    // start() resolves after the first sync round; a failure there is reported, never fatal.
    open.sync.start().catch((error: unknown) => {
      notify({ code: error instanceof OutpostError ? error.code : 'SyncError', message: `sync could not start: ${(error as Error).message}` });
    });
  };

  const stopSync = async (open: OpenSession): Promise<void> => {
    if (!open.sync || !open.syncRunning) return;
    open.syncRunning = false;
    try {
      await open.sync.stop();
    } finally {
      // Even when stop() fails the worker counts as stopped (syncRunning is false): the bar must
      // say so, or it keeps offering a "Pause sync" that no longer does anything.
      if (session === open) setStatus({ running: false, online: false, syncing: false });
    }
  };

  const closeSession = async (): Promise<void> => {
    const open = session;
    if (!open) return;
    await stopSync(open).catch(() => undefined);
    session = null;
    for (const host of hosts) host.dropSubscriptions();
    for (const stop of open.stop) stop();
    await open.work.close();
    await open.datastore.close();
    status = emptyStatus('signedOut');
  };

  const openSession = async (signedIn: SignedIn): Promise<CurrentUser> => {
    const profile = signedIn.profile;
    const datastore = openDatastore({
      file: profileDatabaseFile(options.userData, profile.id),
      schema: options.schema,
      ...(options.durability ? { durability: options.durability } : {}),
    });
    // The worker gets the tracker's credentials, so every token it is handed also tells the guard who this is.
    const identity = profile.server === null ? null : trackIdentity(signedIn.credentials);
    const server = profile.server;
    const createSync = options.createSync;
    const buildSync = (maxRecordsToSync: number): SyncEngine | null =>
      server !== null && createSync
        ? createSync({ datastore, schema: options.schema, server, credentials: identity?.credentials ?? signedIn.credentials, maxRecordsToSync })
        : null;
    const settings = openSyncSettings(profileDirectory(options.userData, profile.id), { maxRecordsToSync: defaultMaxRecordsToSync });
    const sync = buildSync(settings.get().maxRecordsToSync);
    // Read through `open` at each check: the worker is replaced when the sync settings change.
    const guard = createSaveGuard({
      schema: options.schema,
      identity: () => identity?.identity() ?? null,
      maxItemBytes: () => open.sync?.maxItemBytes?.() ?? DEFAULT_MAX_ITEM_BYTES,
    });
    const open: OpenSession = {
      signedIn,
      datastore,
      sync,
      unlistenSync: () => undefined,
      buildSync,
      settings,
      reviews: openConflictReviews(profileDirectory(options.userData, profile.id)),
      work: openWorkInProgress({ dir: profileDirectory(options.userData, profile.id), datastore, schema: options.schema }),
      guard,
      stop: [],
      syncRunning: false,
    };
    open.stop.push(datastore.onOutboxEvent(() => void refreshUnsynced(open).catch(() => undefined)));
    open.stop.push(
      datastore.reviews.onChange((item) => {
        if (session !== open) return;
        broadcast('review', toReviewItem(item));
        void refreshReviewWaiting(open).catch(() => undefined);
      }),
    );
    if (sync) open.unlistenSync = sync.onEvent((event) => onSyncEvent(open, event));
    open.stop.push(() => open.unlistenSync());
    session = open;
    status = emptyStatus(profile.server === null ? 'offline' : 'server');
    const statusSynced = await datastore.syncMetadata.listSyncMetadata().catch(() => []);
    const lastSync = statusSynced.reduce<number | null>((latest, m) => {
      const at = Number((m as { lastSync?: unknown }).lastSync);
      return Number.isFinite(at) && at > 0 && (latest === null || at > latest) ? at : latest;
    }, null);
    status = { ...status, lastSyncedAt: lastSync, reviewWaiting: await datastore.reviews.openCount() };
    await refreshUnsynced(open);
    const user = currentUser()!;
    broadcast('session', user);
    await startSync(open);
    if (identity !== null) {
      // A credential that can read nothing would sync an empty app: say so once the identity is known.
      const warn = (): void => {
        const message = session === open ? guard.readsNothingMessage() : null;
        if (message !== null) notify({ code: 'Unauthorized', message });
      };
      open.stop.push(identity.onChange(warn));
      void identity.load().then(warn, () => undefined);
    }
    return user;
  };

  /**
   * Replaces the session's sync worker with one built for `maxRecordsToSync`: the old one stopped
   * and unsubscribed, the new one subscribed and started again if the old one was running.
   */
  const rebuildSync = async (open: OpenSession, maxRecordsToSync: number): Promise<void> => {
    if (!open.sync) return;
    const wasRunning = open.syncRunning;
    await stopSync(open);
    open.unlistenSync();
    open.unlistenSync = () => undefined;
    if (session !== open) return;
    const next = open.buildSync(maxRecordsToSync);
    open.sync = next;
    if (next) open.unlistenSync = next.onEvent((event) => onSyncEvent(open, event));
    if (wasRunning) await startSync(open);
  };

  const waitForEmptyOutbox = async (open: OpenSession): Promise<number> => {
    const deadline = Date.now() + (options.syncFirstTimeoutMs ?? 20_000);
    await startSync(open);
    for (;;) {
      const left = await open.datastore.outbox.outboxCount();
      if (left === 0 || Date.now() > deadline) return left;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /**
   * The unsynced-changes guard shared by sign-out and clear; null when it may go ahead. Open review
   * items count as unsynced (clearing removes them); "sync first" cannot settle them, so with any
   * left it asks again.
   */
  const guard = async (open: OpenSession, choice: 'ask' | 'discard' | 'syncFirst'): Promise<{ needsConfirmation: true; unsynced: number; reviewWaiting: number } | null> => {
    const unsynced = await open.datastore.outbox.outboxCount();
    const reviewWaiting = await open.datastore.reviews.openCount();
    if ((unsynced === 0 && reviewWaiting === 0) || choice === 'discard') return null;
    if (choice === 'ask' || !open.sync) return { needsConfirmation: true, unsynced, reviewWaiting };
    const left = unsynced === 0 ? 0 : await waitForEmptyOutbox(open);
    const stillWaiting = await open.datastore.reviews.openCount();
    return left === 0 && stillWaiting === 0 ? null : { needsConfirmation: true, unsynced: left, reviewWaiting: stillWaiting };
  };

  const store = (): LocalStore => {
    const { datastore, work, guard } = current();
    return {
      save: async (model, record, opts) => {
        await checkPendingSave(guard, datastore, options.schema, model, record);
        return datastore.save(model, record, opts);
      },
      get: async (model, key) => (await datastore.get(model, key)) ?? null,
      query: (model, opts) => datastore.query(model, opts),
      count: (model, where) => datastore.count(model, where),
      delete: async (model, target, opts) => {
        if ('key' in target) await checkPendingDelete(guard, datastore, model, target.key);
        return work.delete(model, target, opts);
      },
      observe: (model, where, listener) => datastore.observe(model, where).subscribe(listener),
      observeQuery: (model, where, sort, listener) =>
        datastore.observeQuery(model, where, sort ? { sort } : {}).subscribe(listener),
    };
  };

  const services: AppServices = {
    schema: options.schema,
    store,
    syncStatus: () => status,
    startSync: async () => {
      const open = current();
      if (!open.sync) {
        throw new OutpostError(
          'SyncUnavailable',
          open.signedIn.profile.server === null ? 'this is an offline profile: it has no server to sync with' : 'sync is not available in this build',
        );
      }
      await startSync(open);
      return status;
    },
    stopSync: async () => {
      await stopSync(current());
      return status;
    },
    clear: (request) =>
      serial(async (): Promise<ResponseOf<'clear'>> => {
        const open = current();
        const refusal = await guard(open, request.unsynced);
        if (refusal) return refusal;
        const wasRunning = open.syncRunning;
        await stopSync(open);
        const { discardedOutboxEntries } = await open.datastore.clear();
        await open.work.clear();
        await refreshUnsynced(open);
        setStatus({ lastSyncedAt: null, models: {}, reviewWaiting: await open.datastore.reviews.openCount() });
        if (wasRunning) await startSync(open);
        return { cleared: true, discarded: discardedOutboxEntries };
      }),
    conflictsList: async () => {
      const open = current();
      const records = await open.datastore.conflicts.listConflicts({ limit: 500 });
      return records.map((r) => toConflict(open, r));
    },
    conflictsResolve: async ({ id, choice }) => {
      const open = current();
      const record = (await open.datastore.conflicts.listConflicts({ limit: 10_000 })).find((r) => String(r.id) === id);
      if (!record) throw new ValidationError(`conflictsResolve: no conflict with id ${id}`, 'conflictsResolve.id');
      const model = requireModel(options.schema, record.model);
      const local = writableRecord(model, { ...(record.local ?? {}) });
      const remote = writableRecord(model, { ...(record.remote ?? {}) });
      const remoteDeleted = record.remote?._deleted === true;
      const keys = model.primaryKey;
      const differing = [...new Set([...Object.keys(local), ...Object.keys(remote)])].filter(
        (k) => !keys.includes(k) && k in local && JSON.stringify(local[k] ?? null) !== JSON.stringify(remote[k] ?? null),
      );
      const key = Object.fromEntries(keys.map((k) => [k, record.local?.[k] ?? record.remote?.[k]]));
      // By key object, not by `modelId`: a composite key cannot be looked up by its joined string.
      const exists = (await open.datastore.get(record.model, key)) !== undefined;
      if (choice === 'keepTheirs' && remoteDeleted) {
        if (exists) await open.datastore.delete(record.model, key);
      } else if (differing.length > 0 && (exists || choice === 'keepMine')) {
        const source = choice === 'keepMine' ? local : remote;
        const patch: ModelRecord = { ...key };
        for (const field of differing) patch[field] = source[field] ?? null;
        await open.datastore.save(record.model, patch);
      }
      open.reviews.set(id, choice);
      return toConflict(open, record);
    },
    reviewList: async () => {
      const open = current();
      return (await open.datastore.reviews.list({ limit: 1000 })).map(toReviewItem);
    },
    reviewResolve: async ({ id, choice, record }) => {
      const open = current();
      const numeric = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : NaN;
      const item = Number.isSafeInteger(numeric) ? await open.datastore.reviews.get(numeric) : undefined;
      if (!item) throw new ValidationError(`reviewResolve: no review item with id ${id}`, 'reviewResolve.id');
      if (item.state !== 'open') throw new ValidationError(`reviewResolve: review item ${id} was already decided (${item.state})`, 'reviewResolve.id');
      if (record !== undefined && choice !== 'keepMine') {
        throw new ValidationError('reviewResolve: an edited record goes with keepMine only', 'reviewResolve.record');
      }
      const model = requireModel(options.schema, item.model);
      const edited = record === undefined ? undefined : writableRecord(model, record);
      const key = Object.fromEntries(model.primaryKey.map((k) => [k, item.mine[k] ?? item.theirs?.[k]]));
      const existing = await open.datastore.get(item.model, key);
      const plan = resolutionPlan(model, item, choice, existing, edited);
      // Through the same store the renderer saves with: the decision is a new local edit, checked
      // and queued like any other.
      if (plan.kind === 'save') await store().save(item.model, plan.record, {});
      else if (plan.kind === 'delete') await store().delete(item.model, { key: plan.key as KeyObject }, {});
      const decided = await open.datastore.reviews.decide(item.id, choice === 'keepMine' ? 'keptMine' : 'keptTheirs');
      return toReviewItem(decided);
    },
    access: async () => current().guard.access(),
    syncSettings: async () => current().settings.get(),
    setSyncSettings: (request) =>
      serial(async () => {
        const open = current();
        const before = open.settings.get().maxRecordsToSync;
        const saved = open.settings.set(request);
        // An offline profile has no worker: the setting is only stored.
        if (saved.maxRecordsToSync !== before) await rebuildSync(open, saved.maxRecordsToSync);
        return saved;
      }),
    deletePreview: (model, key) => current().work.deletePreview(model, key),
    draftSave: (model, key, values) => current().work.draftSave(model, key, values),
    draftsList: () => current().work.draftsList(),
    draftDiscard: ({ id }) => current().work.draftDiscard(id),
    trashList: () => current().work.trashList(),
    trashRestore: ({ id }) => current().work.trashRestore(id),
    signIn: (request) =>
      serial(async () => {
        const signedIn = await signIn(request, deps);
        // Same user again reopens the same database file (data kept); another user gets their own.
        await closeSession();
        registry.signedIn(signedIn.profile);
        return openSession(signedIn);
      }),
    openProfile: ({ profileId }) =>
      serial(async () => {
        const profile = registry.read().profiles.find((p) => p.id === profileId);
        if (!profile) throw new ValidationError(`openProfile: no profile ${profileId} on this computer`, 'openProfile.profileId');
        if (session?.signedIn.profile.id === profileId) return currentUser()!;
        const resumed = await resumeSignIn(profile, deps);
        if (!resumed) {
          throw new Unauthorized(`the saved sign-in for ${profile.username} on ${profile.server} is gone: sign in with your password`);
        }
        await closeSession();
        registry.signedIn(resumed.profile);
        return openSession(resumed);
      }),
    signOut: (request) =>
      serial(async (): Promise<ResponseOf<'signOut'>> => {
        const open = session;
        if (!open) return { signedOut: true, discarded: 0 };
        const refusal = await guard(open, request.unsynced);
        if (refusal) return refusal;
        await stopSync(open);
        const { discardedOutboxEntries } = await open.datastore.clear();
        await open.work.clear();
        const profile = open.signedIn.profile;
        await closeSession();
        await forgetSignIn(profile, deps);
        registry.remove(profile.id);
        registry.signedOut();
        broadcast('session', null);
        broadcast('syncStatus', status);
        return { signedOut: true, discarded: discardedOutboxEntries };
      }),
    currentUser,
    profiles: async () => {
      const settings = registry.read();
      const active = session?.signedIn.profile.id ?? null;
      return {
        profiles: settings.profiles.map((p: ProfileRecord) => ({
          profileId: p.id,
          mode: p.mode,
          server: p.server,
          username: p.username,
          lastUsedAt: p.lastUsedAt,
          active: p.id === active,
        })),
        lastServer: settings.lastServer,
      };
    },
  };

  return {
    services,
    attach(host) {
      const handlers = registerHandlers(host, services);
      hosts.push(handlers);
      return handlers;
    },
    restore: () =>
      serial(async () => {
        if (session) return currentUser();
        const settings = registry.read();
        const profile = settings.profiles.find((p) => p.id === settings.activeProfileId);
        if (!profile) return null;
        const resumed = await resumeSignIn(profile, deps);
        if (!resumed) return null;
        registry.signedIn(resumed.profile);
        return openSession(resumed);
      }),
    close: () => serial(closeSession),
  };
}
