// The one IPC contract between the renderer and the main process (DESIGN.md "Typed IPC").
// Every request channel and every pushed event is listed here exactly once, with zod schemas;
// main/ipc validates requests against them, preload/create-api builds the renderer API from them,
// and every TypeScript type below is inferred from them — no channel name is typed anywhere else.
import { z } from 'zod';
import type { KeyObject } from '../schema/record-key.js';
import type { Schema } from '../schema/types.js';
import { isSyncEventType, type SyncEventMessage } from '../sync/sync-events.js';
import { formHintsShape } from '../schema/form-hints.js';
import { attachmentEvents, attachmentRequests } from './attachment-contract.js';
import { deviceEvents, deviceRequests } from './device-contract.js';
import { predicateShape } from './predicate-shape.js';

const modelName = z.string().min(1).max(200);

/** Most fields a key object may name (a partition key and its sort keys). */
export const MAX_KEY_FIELDS = 16;

/** Why `value` is not a record key as IPC carries it, or undefined when it is one. */
function recordKeyProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.length === 0 || value.length > 500 ? 'a key string must be 1 to 500 characters' : undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be the record key: its id string, or an object of its primary-key fields';
  }
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_KEY_FIELDS) return `a key object must name 1 to ${MAX_KEY_FIELDS} key fields`;
  for (const [name, v] of entries) {
    if (name.length === 0 || name.length > 200) return 'a key field name must be 1 to 200 characters';
    if (typeof v === 'string' ? v.length > 500 : typeof v !== 'number' || !Number.isFinite(v)) {
      return `key field '${name.slice(0, 50)}' must be a string (at most 500 characters) or a finite number`;
    }
  }
  return undefined;
}

/**
 * A record's key in a request: the id string (models keyed by one field), or an object of the
 * model's primary-key fields (`{ siteCode: 'N1', visitedOn: '2026-01-02' }`). main checks it
 * against the model's key before the datastore sees it.
 */
const recordKey = z.custom<string | KeyObject>((value) => recordKeyProblem(value) === undefined, {
  error: (issue) => recordKeyProblem(issue.input) ?? 'invalid record key',
});
/** A key object as main sends it in events (built from a stored record, so not re-checked). */
const keyObject = z.record(z.string(), z.union([z.string(), z.number()]));
/** A record as it crosses IPC: field name → value; values are checked against the Schema in main. */
const record = z.record(z.string().max(200), z.unknown());
const sortSpec = z.array(z.object({ field: z.string().min(1).max(200), direction: z.enum(['asc', 'desc']) }).strict()).max(20);
const empty = z.object({}).strict();

/** Per returned record: whether it has changes not yet accepted by the server, and open review items. */
const rowMark = z.object({ unsynced: z.boolean(), review: z.boolean() });

/** One line of the Sync activity screen: what the sync worker did, in plain words. */
export const syncActivityEntryShape = z.object({
  at: z.number(),
  /** The sync event it came from (a `SyncEventMap` name), or `session` for sign-in, sign-out and start/stop. */
  kind: z.string(),
  /** Plain words a field worker understands ("Sent 3 changes", "Went offline"). */
  text: z.string(),
  model: z.string().optional(),
  /** `problem` lines (errors, refusals, going offline) are shown marked. */
  level: z.enum(['info', 'problem']),
});

/** A user-facing error: `code` from common/errors.ts, `path` like `Site.name` when one field is at fault. */
export const ipcErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  /** The error's `details.reason` when it has one (ProfileKeyError: `passphraseNeeded`, `newPassphraseNeeded`, `wrongPassphrase`; Unauthorized: `revoked`, `audience`, `issuer`…). */
  reason: z.string().optional(),
});

/** Who is signed in. `server` is null for an offline (local-only) profile. */
export const currentUserShape = z.object({
  profileId: z.string(),
  mode: z.enum(['password', 'apiKey', 'offline', 'oidc']),
  server: z.string().nullable(),
  username: z.string(),
  /** Where the sign-in's secret is kept, in plain words ("kept in the system keychain"); absent for offline. */
  credentialStorage: z.string().optional(),
  /**
   * How this profile's data on this computer is protected, in plain words (issue 15: "Encrypted with a key kept
   * in the system keychain" or "Encrypted with your passphrase: this computer has no usable keychain").
   */
  dataProtection: z.string().optional(),
  /** The OpenID Connect provider (issuer URL) an `oidc` profile signs in with. */
  issuer: z.string().optional(),
});

export const profileShape = currentUserShape.extend({
  lastUsedAt: z.number(),
  active: z.boolean(),
});

/** What the sync bar shows. Times are ms since the epoch. */
export const syncStatusShape = z.object({
  /** `offline` = a local-only profile (no server); `signedOut` = no profile open. */
  mode: z.enum(['signedOut', 'offline', 'server']),
  running: z.boolean(),
  /** The worker's last `networkStatus` (false until it has reached the server). */
  online: z.boolean(),
  /** Outbox entries not yet accepted by the server. */
  unsynced: z.number().int().nonnegative(),
  lastSyncedAt: z.number().nullable(),
  syncing: z.boolean(),
  /** Per-model progress of the current (or last) sync round. */
  models: z.record(
    z.string(),
    z.object({
      received: z.number().int().nonnegative(),
      synced: z.boolean(),
      /**
       * Set when the model stopped at `maxRecordsToSync`: `limit` records kept, `total` the server's
       * count when it told one (null otherwise). The model is incomplete until a later round finishes it.
       */
      capped: z.object({ limit: z.number().int().nonnegative(), total: z.number().int().nonnegative().nullable() }).optional(),
    }),
  ),
  /** Open review items (overridden or rejected edits) waiting for the user's decision. */
  reviewWaiting: z.number().int().nonnegative(),
});

/** One recorded conflict between this device's edit and the server's version. */
export const conflictShape = z.object({
  id: z.string(),
  model: z.string(),
  /** The outbox `modelId`: key values joined by `-` (PROTOCOL.md §4.2). */
  recordId: z.string(),
  /** The record's key object, to open it with `get` (absent only when the model is gone from the schema). */
  key: keyObject.optional(),
  operation: z.enum(['INSERT', 'UPDATE', 'DELETE']),
  local: record,
  remote: record,
  /** How the sync worker settled it when it happened (e.g. `retried`, `discarded`). */
  resolution: z.string(),
  at: z.number(),
  /** The user's decision in the inbox; null until reviewed. */
  reviewed: z.enum(['keepMine', 'keepTheirs']).nullable(),
});

/**
 * An edit of this device that did not survive as sent, kept until the user decides
 * (DESIGN.md "Nothing lost"). `overridden`: the server accepted the write but kept other values for
 * `fields` (a merge, or this device's conflict retry overwrote another device's values); `rejected`:
 * the server refused the write for good and `mine` holds the device's whole version.
 */
export const reviewItemShape = z.object({
  id: z.string(),
  kind: z.enum(['overridden', 'rejected']),
  model: z.string(),
  /** The outbox `modelId`: key values joined by `-`. */
  recordId: z.string(),
  key: keyObject.optional(),
  operation: z.enum(['INSERT', 'UPDATE', 'DELETE']),
  /** The fields at stake: those whose value did not survive, or (rejected) those the device changed. */
  fields: z.array(z.string()),
  /** This device's values: of `fields` (overridden), or the device's whole version (rejected). */
  mine: record,
  /** The server's record when the item was made (null when the server has none). */
  theirs: record.nullable(),
  /** Why, in plain words a field worker understands. */
  reason: z.string(),
  /** The server's error type for a rejection (`ConditionalCheckFailedException`, …), else null. */
  errorType: z.string().nullable(),
  /** The `_version` the device's edit was based on, when known. */
  baseVersion: z.number().int().nullable(),
  at: z.number(),
  /** `open` until the user decides; a decided item stays listed as history. */
  state: z.enum(['open', 'keptMine', 'keptTheirs']),
});

/** A form's unsaved values, kept locally so a crash or restart does not lose them. */
export const draftShape = z.object({
  id: z.string(),
  model: z.string(),
  /** The record being edited, or null for a new one. */
  key: keyObject.nullable(),
  /** The form's values as the form holds them (not yet validated). */
  values: record,
  updatedAt: z.number(),
});

/** A record the user deleted on this device, restorable from the Trash. */
export const trashItemShape = z.object({
  id: z.string(),
  model: z.string(),
  key: keyObject,
  /** The record as it was when deleted. */
  record,
  /** Related records deleted with it, per model. */
  related: z.array(z.object({ model: z.string(), count: z.number().int().nonnegative() })),
  deletedAt: z.number(),
  /** `pending`: the delete has not reached the server yet; `synced`: it has (a restore makes a copy). */
  state: z.enum(['pending', 'synced']),
});

/** What the signed-in identity may do with each model, from the schema's `@auth` rules. */
export const accessShape = z.object({
  models: z.record(z.string(), z.object({ read: z.boolean(), create: z.boolean(), update: z.boolean(), delete: z.boolean() })),
  /** Largest record the backend accepts, in UTF-8 bytes of its JSON. */
  maxItemBytes: z.number().int().positive(),
});

/** Most records of one model a profile may be set to sync per round (the setting's upper bound). */
export const MAX_RECORDS_TO_SYNC_CEILING = 100_000_000;
const maxRecordsToSyncMessage = `a whole number of records from 1 to ${MAX_RECORDS_TO_SYNC_CEILING.toLocaleString('en-US')}`;

/** The profile's sync settings: `maxRecordsToSync`, most records of each model synced per round. */
export const syncSettingsShape = z.object({
  maxRecordsToSync: z
    .number({ error: maxRecordsToSyncMessage })
    .int({ error: maxRecordsToSyncMessage })
    .min(1, { error: maxRecordsToSyncMessage })
    .max(MAX_RECORDS_TO_SYNC_CEILING, { error: maxRecordsToSyncMessage }),
});

/** A problem the user should see, naming the record it concerns. */
export const errorNoticeShape = z.object({
  code: z.string(),
  message: z.string(),
  model: z.string().optional(),
  /** The outbox `modelId` of the record: key values joined by `-`. */
  recordId: z.string().optional(),
  /** The record's key object, to open it with `get`, when main could tell it. */
  key: keyObject.optional(),
  path: z.string().optional(),
  at: z.number(),
});

/**
 * A sync event as main forwards it: typed by `SyncEventMap`; checked here by its name only (main
 * builds it from the worker's typed event, so the payload is not described a second time).
 */
export const syncEventShape = z.custom<SyncEventMessage>(
  (value) => typeof value === 'object' && value !== null && isSyncEventType((value as { event?: unknown }).event) && 'data' in value,
  { error: 'must be a sync event: { event: a SyncEventMap name, data }' },
);

/** What to do with unsynced outbox entries when the local data is about to be cleared. */
const unsyncedChoice = z.enum(['ask', 'discard', 'syncFirst']);
const needsConfirmation = z.object({
  needsConfirmation: z.literal(true),
  /** Outbox entries not yet accepted by the server. */
  unsynced: z.number().int(),
  /** Open review items (they go too when the local data is cleared). */
  reviewWaiting: z.number().int().nonnegative(),
  /** Attached files not uploaded yet (they go too); absent when there are none. */
  unuploadedFiles: z.number().int().positive().optional(),
  /** Why "sync first" could not sync now (offline, server unreachable); absent when it was not asked or ran out of time. */
  reason: z.string().optional(),
});

/**
 * The passphrase that protects a profile's data where this computer has no usable keychain (issue 15). Only sent
 * after signIn/openProfile answered `ProfileKeyError` with `reason: 'passphraseNeeded'` (or `newPassphraseNeeded`, `wrongPassphrase`).
 */
const passphrase = z.string().min(10).max(1000);

const signInRequest = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('password'),
      server: z.url({ protocol: /^https?$/ }).max(2000),
      username: z.string().min(1).max(200),
      password: z.string().min(1).max(1000),
      passphrase: passphrase.optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('apiKey'),
      server: z.url({ protocol: /^https?$/ }).max(2000),
      apiKey: z.string().min(1).max(1000),
      /** Name shown for this profile; defaults to `api-key`. */
      username: z.string().min(1).max(200).optional(),
      passphrase: passphrase.optional(),
    })
    .strict(),
  z.object({ mode: z.literal('offline'), username: z.string().min(1).max(200), passphrase: passphrase.optional() }).strict(),
  /**
   * Sign-in through an OpenID Connect provider (RFC 8252: code + PKCE in the system browser, loopback redirect).
   * `server` is the GraphQL endpoint (an Outpost server or AppSync) that trusts `issuer`.
   */
  z
    .object({
      mode: z.literal('oidc'),
      server: z.url({ protocol: /^https?$/ }).max(2000),
      issuer: z.url({ protocol: /^https?$/ }).max(2000),
      clientId: z.string().min(1).max(500),
      /** Scopes asked for; default `openid profile email offline_access`. */
      scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
      /** Which token the backend verifies: `id` (AppSync OIDC, Outpost) or `access` (Cognito user pools). Default `id`. */
      tokenUse: z.enum(['id', 'access']).optional(),
      /**
       * A fixed loopback port for the redirect, sent as `http://localhost:<port>/callback` (Cognito's app clients take
       * only a registered callback URL); default: any free port on 127.0.0.1 (RFC 8252 §7.3).
       */
      callbackPort: z.number().int().min(1024).max(65535).optional(),
      passphrase: passphrase.optional(),
    })
    .strict(),
]);

/** Every request the renderer may make: channel → { request, response }. */
export const requests = {
  schema: { request: empty, response: z.custom<Schema>() },
  save: {
    request: z.object({ model: modelName, record, condition: predicateShape.optional() }).strict(),
    response: record,
  },
  /** `id`: the record's key (see `recordKey`). */
  get: { request: z.object({ model: modelName, id: recordKey }).strict(), response: record.nullable() },
  query: {
    request: z
      .object({
        model: modelName,
        where: predicateShape.optional(),
        sort: sortSpec.optional(),
        /** Zero-based page index; with `limit`. */
        page: z.number().int().min(0).max(1_000_000).optional(),
        /** Page size, 1–1000 (default 100). */
        limit: z.number().int().min(1).max(1000).optional(),
        /** Also answer `count`: how many records match `where` across all pages (one COUNT in SQLite). */
        withCount: z.boolean().optional(),
        /** Only records whose text fields contain these words, case- and accent-insensitively (with `where`). */
        search: z.string().max(500).optional(),
        /** Text comparisons in `where` ignore case and accents (a local query only; never sent to a server). */
        ignoreCase: z.boolean().optional(),
        /** Also answer `marks`, one per returned item: unsynced changes, open review items. */
        withMarks: z.boolean().optional(),
      })
      .strict(),
    response: z.object({
      items: z.array(record),
      count: z.number().int().nonnegative().optional(),
      /** Parallel to `items` when `withMarks` was asked. */
      marks: z.array(rowMark).optional(),
    }),
  },
  delete: {
    request: z
      .object({
        model: modelName,
        /** The record's key (see `recordKey`); give it or `where`, not both. */
        id: recordKey.optional(),
        where: predicateShape.optional(),
        condition: predicateShape.optional(),
      })
      .strict()
      .refine((r) => (r.id === undefined) !== (r.where === undefined), {
        message: 'give exactly one of id (the record key) or where',
        path: ['id'],
      }),
    /** `trashId`: the Trash entry that can undo a delete by key. */
    response: z.object({ deleted: z.array(record), trashId: z.string().optional() }),
  },
  /** What deleting this record would also delete (children through @hasMany/@hasOne), per model. */
  deletePreview: {
    request: z.object({ model: modelName, id: recordKey }).strict(),
    response: z.object({ related: z.array(z.object({ model: z.string(), count: z.number().int().nonnegative() })) }),
  },
  observe: {
    request: z.object({ model: modelName.optional(), where: predicateShape.optional() }).strict(),
    response: z.object({ subscriptionId: z.string() }),
  },
  observeQuery: {
    request: z.object({ model: modelName, where: predicateShape.optional(), sort: sortSpec.optional() }).strict(),
    response: z.object({ subscriptionId: z.string() }),
  },
  unobserve: { request: z.object({ subscriptionId: z.string().max(100) }).strict(), response: z.object({ removed: z.boolean() }) },
  clear: {
    request: z.object({ unsynced: unsyncedChoice }).strict(),
    response: z.union([needsConfirmation, z.object({ cleared: z.literal(true), discarded: z.number().int() })]),
  },
  syncStatus: { request: empty, response: syncStatusShape },
  startSync: { request: empty, response: syncStatusShape },
  stopSync: { request: empty, response: syncStatusShape },
  conflictsList: { request: empty, response: z.array(conflictShape) },
  conflictsResolve: {
    request: z.object({ id: z.string().max(200), choice: z.enum(['keepMine', 'keepTheirs']) }).strict(),
    response: conflictShape,
  },
  /** Review items, open ones first, newest first within each group. */
  reviewList: { request: empty, response: z.array(reviewItemShape) },
  /**
   * Decides a review item. `keepMine` re-applies the device's values on top of the current record
   * as a new edit (for a rejected item: resubmits it, with `record` when the user edited it first);
   * `keepTheirs` closes it and keeps the server's state.
   */
  reviewResolve: {
    request: z.object({ id: z.string().max(200), choice: z.enum(['keepMine', 'keepTheirs']), record: record.optional() }).strict(),
    response: reviewItemShape,
  },
  draftSave: {
    request: z.object({ model: modelName, key: recordKey.nullable(), values: record }).strict(),
    response: draftShape,
  },
  draftsList: { request: empty, response: z.array(draftShape) },
  draftDiscard: { request: z.object({ id: z.string().max(200) }).strict(), response: z.object({ removed: z.boolean() }) },
  trashList: { request: empty, response: z.array(trashItemShape) },
  /** Restores a deleted record and what was deleted with it; answers the restored top-level record. */
  trashRestore: { request: z.object({ id: z.string().max(200) }).strict(), response: record },
  access: { request: empty, response: accessShape },
  /** The form hints beside the schema (schema/form-hints.json); `{ models: {} }` when there is none. */
  formHints: { request: empty, response: formHintsShape },
  /** The Sync activity screen's lines, newest first (at most `limit`, default 200). */
  syncActivity: {
    request: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    response: z.array(syncActivityEntryShape),
  },
  /** This profile's sync settings (the default until the user saves one). */
  syncSettings: { request: empty, response: syncSettingsShape },
  /**
   * Saves this profile's sync settings; a signed-in profile's sync worker is rebuilt with them at
   * once (restarted if it was running). An offline profile only stores them.
   */
  setSyncSettings: { request: syncSettingsShape.strict(), response: syncSettingsShape },
  signIn: { request: signInRequest, response: currentUserShape },
  /** Reopens a profile on this computer from its saved sign-in (no password; works offline). */
  openProfile: { request: z.object({ profileId: z.string().min(1).max(100), passphrase: passphrase.optional() }).strict(), response: currentUserShape },
  /** Stops waiting for an OpenID Connect sign-in in the browser; that signIn then fails with a "cancelled" message. */
  cancelSignIn: { request: empty, response: z.object({ cancelled: z.boolean() }) },
  signOut: {
    request: z.object({ unsynced: unsyncedChoice }).strict(),
    response: z.union([needsConfirmation, z.object({ signedOut: z.literal(true), discarded: z.number().int() })]),
  },
  currentUser: { request: empty, response: currentUserShape.nullable() },
  profiles: {
    request: empty,
    response: z.object({ profiles: z.array(profileShape), lastServer: z.string().nullable() }),
  },
  /**
   * Writes `model`'s records matching `where` in `sort` order (the list as shown, every page) to a
   * file, streamed: CSV, GeoJSON (records with a GeoPoint-shaped field become Features) or JSON,
   * related records by their labels; `withAttachments` makes a zip of the data beside a folder of
   * each record's files. `path` is null when the user cancelled choosing where.
   */
  exportList: {
    request: z
      .object({
        model: modelName,
        where: predicateShape.optional(),
        sort: sortSpec.optional(),
        /** The list's search box (as `query`'s `search`). */
        search: z.string().max(500).optional(),
        /** Text comparisons in `where` ignore case and accents (as `query`'s). */
        ignoreCase: z.boolean().optional(),
        format: z.enum(['csv', 'geojson', 'json']),
        withAttachments: z.boolean().optional(),
      })
      .strict(),
    response: z.object({ path: z.string().nullable(), records: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
  },
  ...attachmentRequests,
  ...deviceRequests,
} as const;

/** Every event main pushes to the renderer: channel → payload schema. */
export const events = {
  /** A change to a record matching an `observe` subscription. */
  dataChange: z.object({
    subscriptionId: z.string(),
    opType: z.enum(['INSERT', 'UPDATE', 'DELETE']),
    model: z.string(),
    element: record,
  }),
  /** A fresh result of an `observeQuery` subscription. */
  querySnapshot: z.object({ subscriptionId: z.string(), items: z.array(record), isSynced: z.boolean() }),
  /**
   * A sync worker event, Amplify Hub name in `event` and its payload in `data` (PROTOCOL.md §4.11;
   * common/sync/sync-events.ts `SyncEventMap`): switch on `event` and `data` narrows.
   */
  syncEvent: syncEventShape,
  syncStatus: syncStatusShape,
  outboxStatus: z.object({ isEmpty: z.boolean(), unsynced: z.number().int() }),
  conflict: conflictShape,
  /** A review item was made or decided. */
  review: reviewItemShape,
  /** A new line of the Sync activity screen. */
  syncActivity: syncActivityEntryShape,
  error: errorNoticeShape,
  /** The signed-in user changed (null = signed out). */
  session: currentUserShape.nullable(),
  ...attachmentEvents,
  ...deviceEvents,
} as const;

export type RequestChannel = keyof typeof requests;
export type EventChannel = keyof typeof events;
export type RequestOf<C extends RequestChannel> = z.input<(typeof requests)[C]['request']>;
export type ParsedRequestOf<C extends RequestChannel> = z.output<(typeof requests)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof requests)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof events)[E]>;

export type IpcError = z.infer<typeof ipcErrorShape>;
export type CurrentUser = z.infer<typeof currentUserShape>;
export type Profile = z.infer<typeof profileShape>;
export type SyncStatus = z.infer<typeof syncStatusShape>;
export type Conflict = z.infer<typeof conflictShape>;
export type ErrorNotice = z.infer<typeof errorNoticeShape>;
export type ReviewItem = z.infer<typeof reviewItemShape>;
export type Draft = z.infer<typeof draftShape>;
export type TrashItem = z.infer<typeof trashItemShape>;
export type Access = z.infer<typeof accessShape>;
export type SyncSettings = z.infer<typeof syncSettingsShape>;
export type SyncActivityEntry = z.infer<typeof syncActivityEntryShape>;
export type RowMark = z.infer<typeof rowMark>;

/** What every request answers over the wire: the response, or a typed error (never a thrown Error). */
export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** The channel names, for allow-lists (preload rejects anything else). */
export const requestChannels = Object.keys(requests) as RequestChannel[];
export const eventChannels = Object.keys(events) as EventChannel[];

/** Wire name of a channel: namespaced so it cannot collide with Electron's own channels. */
export function wireChannel(channel: RequestChannel | EventChannel): string {
  return `outpost:${channel}`;
}
