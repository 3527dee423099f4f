// What the IPC handlers need from the rest of the main process. main/app-core.ts implements it
// over the real datastore, sync worker and auth; the handlers never see those modules directly.
// Every request and answer type is the contract's (common/ipc/contract.ts). The handlers validate
// each input once (shape, model, fields, key, predicates); only what needs the open profile's data
// is checked behind this interface (a review item's record against the item's model, the save guard).
import type { attachmentRequests } from '../../common/ipc/attachment-contract.js';
import type { ParsedRequestOf, ResponseOf, EventChannel, EventOf } from '../../common/ipc/contract.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelRecord, Schema } from '../../common/schema/types.js';

/** One sort key of a query, as the contract's `query` request gives it. */
export type SortField = NonNullable<ParsedRequestOf<'query'>['sort']>[number];

/** One record change, as the contract's `dataChange` event carries it (without its subscription). */
export type ChangeEvent = Omit<EventOf<'dataChange'>, 'subscriptionId'>;

/** How a query reads text: a search over the model's text fields, `where` ignoring case and accents. */
export interface TextQueryOptions {
  readonly search?: string;
  readonly ignoreCase?: boolean;
}

/** One `observeQuery` result, as the contract's `querySnapshot` event carries it (without its subscription). */
export type QuerySnapshot = Omit<EventOf<'querySnapshot'>, 'subscriptionId'>;

/** The open profile's local store, as the handlers use it (inputs already validated). */
export interface LocalStore {
  save(model: string, record: ModelRecord, options: { condition?: Predicate }): Promise<ResponseOf<'save'>>;
  /** The record with this key (an id string for a one-field key), or null. */
  get(model: string, key: string | KeyObject): Promise<ResponseOf<'get'>>;
  /** A page of records; `search` and `ignoreCase` as the contract's `query` request has them. */
  query(
    model: string,
    options: { where?: Predicate; sort?: readonly SortField[]; page?: number; limit?: number } & TextQueryOptions,
  ): Promise<ResponseOf<'query'>['items']>;
  /** How many records of `model` match `where` (all when undefined) and the search, if any. */
  count(model: string, where: Predicate | undefined, options?: TextQueryOptions): Promise<number>;
  /** Per record (as `query` answered them): unsynced changes, open review items. */
  marks(model: string, records: ResponseOf<'query'>['items']): Promise<NonNullable<ResponseOf<'query'>['marks']>>;
  /** Deletes (children too); a delete by key is recorded in the Trash first and answers its `trashId`. */
  delete(model: string, target: { key: string | KeyObject } | { where: Predicate }, options: { condition?: Predicate }): Promise<ResponseOf<'delete'>>;
  /** Calls `listener` for every change; returns a function that stops it. */
  observe(model: string | undefined, where: Predicate | undefined, listener: (change: ChangeEvent) => void): () => void;
  /** Calls `listener` with the first result and every later snapshot; returns a function that stops it. */
  observeQuery(model: string, where: Predicate | undefined, sort: readonly SortField[] | undefined, listener: (snapshot: QuerySnapshot) => void): () => void;
}

/** The attachment channels (common/ipc/attachment-contract.ts). */
export type AttachmentChannel = keyof typeof attachmentRequests;

/** The open profile's attachments, one operation per attachment channel; throws Unauthorized when nobody is signed in. */
export type AttachmentServices = {
  readonly [C in AttachmentChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

/** What `exportList` writes, its model, `where` and `sort` already checked against the schema. */
export interface ExportRequest {
  readonly model: string;
  readonly where?: Predicate;
  readonly sort?: readonly SortField[];
  readonly search?: string;
  readonly ignoreCase?: boolean;
  readonly format: ParsedRequestOf<'exportList'>['format'];
  readonly withAttachments: boolean;
}

/** Session, sync and auth operations; each takes the already-validated request. */
export interface AppServices {
  readonly schema: Schema;
  /** The open profile's store; throws Unauthorized when nobody is signed in. */
  store(): LocalStore;
  syncStatus(): ResponseOf<'syncStatus'>;
  startSync(): Promise<ResponseOf<'startSync'>>;
  stopSync(): Promise<ResponseOf<'stopSync'>>;
  clear(request: ParsedRequestOf<'clear'>): Promise<ResponseOf<'clear'>>;
  conflictsList(): Promise<ResponseOf<'conflictsList'>>;
  conflictsResolve(request: ParsedRequestOf<'conflictsResolve'>): Promise<ResponseOf<'conflictsResolve'>>;
  reviewList(): Promise<ResponseOf<'reviewList'>>;
  reviewResolve(request: ParsedRequestOf<'reviewResolve'>): Promise<ResponseOf<'reviewResolve'>>;
  /** What deleting the record with `key` would also delete. */
  deletePreview(model: string, key: KeyObject): Promise<ResponseOf<'deletePreview'>>;
  /** `key` already checked against the model's primary key (null: a new record). */
  draftSave(model: string, key: KeyObject | null, values: ModelRecord): Promise<ResponseOf<'draftSave'>>;
  draftsList(): Promise<ResponseOf<'draftsList'>>;
  draftDiscard(request: ParsedRequestOf<'draftDiscard'>): Promise<ResponseOf<'draftDiscard'>>;
  trashList(): Promise<ResponseOf<'trashList'>>;
  trashRestore(request: ParsedRequestOf<'trashRestore'>): Promise<ResponseOf<'trashRestore'>>;
  access(): Promise<ResponseOf<'access'>>;
  /** The form hints loaded beside the schema at start (none: `{ models: {} }`). */
  formHints(): Promise<ResponseOf<'formHints'>>;
  /** The recent sync activity, newest first. */
  syncActivity(request: ParsedRequestOf<'syncActivity'>): Promise<ResponseOf<'syncActivity'>>;
  /** The open profile's sync settings (its saved ones, else the default). */
  syncSettings(): Promise<ResponseOf<'syncSettings'>>;
  /** Stores the open profile's sync settings; a running sync worker is rebuilt with them and restarted. */
  setSyncSettings(request: ParsedRequestOf<'setSyncSettings'>): Promise<ResponseOf<'setSyncSettings'>>;
  signIn(request: ParsedRequestOf<'signIn'>): Promise<ResponseOf<'signIn'>>;
  /** Stops an identity-provider sign-in waiting for the browser; `cancelled: false` when none was waiting. Absent: never cancellable. */
  cancelSignIn?(): Promise<ResponseOf<'cancelSignIn'>>;
  openProfile(request: ParsedRequestOf<'openProfile'>): Promise<ResponseOf<'openProfile'>>;
  signOut(request: ParsedRequestOf<'signOut'>): Promise<ResponseOf<'signOut'>>;
  currentUser(): ResponseOf<'currentUser'>;
  profiles(): Promise<ResponseOf<'profiles'>>;
  /** This device and the user's devices on the server (password profiles); `problem` says why the list is missing. */
  devices(): Promise<ResponseOf<'devices'>>;
  /** Signs another of the user's devices out (its sessions end; it wipes its data when it next connects). */
  revokeDevice(request: ParsedRequestOf<'revokeDevice'>): Promise<ResponseOf<'revokeDevice'>>;
  readonly attachments: AttachmentServices;
  /** Writes the list to a file (main/export); model, where and sort already checked. */
  exportList(request: ExportRequest): Promise<ResponseOf<'exportList'>>;
}

/** Pushes an event to every live window. */
export type Broadcast = <E extends EventChannel>(event: E, payload: EventOf<E>) => void;
