// What resolvers share: the services of one server (storage, bus, schema, settings) and the
// per-request caller.
import type { Schema } from '../../common/schema/types.js';
import { DEFAULT_MAX_ITEM_BYTES } from '../../common/schema/item-size.js';
import type { Identity } from '../auth/identity.js';
import type { ChangeBus } from '../realtime/change-event.js';
import type { Storage } from '../storage/storage.js';
import type { ConflictResolverFn } from './custom-conflict-resolver.js';

/** How conflicting writes to one model are resolved (PROTOCOL.md §3). */
export type ConflictStrategy =
  | { readonly kind: 'FIELD_MERGE' }
  | { readonly kind: 'AUTOMERGE' }
  | { readonly kind: 'OPTIMISTIC_CONCURRENCY' }
  | { readonly kind: 'CUSTOM'; readonly resolve: ConflictResolverFn };

/** Tunables of the data API. */
export interface ResolverSettings {
  /** How long change-log entries are kept, ms; also the delta-sync window (AppSync's DeltaSyncTableTTL). */
  readonly changeLogRetentionMs: number;
  /** How long tombstones are kept, ms (AppSync's BaseTableTTL). */
  readonly tombstoneRetentionMs: number;
  /** Page size when `limit` is omitted; default 100. */
  readonly defaultPageSize: number;
  /** Largest accepted `limit`; default 1000. */
  readonly maxPageSize: number;
  /** Largest item a create/update may produce, UTF-8 bytes of its JSON (metadata aside); default 409 600. */
  readonly maxItemBytes: number;
  /** When the database was restored from a backup (epoch ms; server/ops/restore-marker.ts): a lastSync up to it gets a base sync. */
  readonly restoredAt?: number;
}

export const DEFAULT_RESOLVER_SETTINGS: ResolverSettings = {
  changeLogRetentionMs: 7 * 24 * 60 * 60 * 1000,
  tombstoneRetentionMs: 30 * 24 * 60 * 60 * 1000,
  defaultPageSize: 100,
  maxPageSize: 1000,
  maxItemBytes: DEFAULT_MAX_ITEM_BYTES,
};

export interface ServerServices {
  readonly schema: Schema;
  readonly storage: Storage;
  readonly bus: ChangeBus;
  /** Key for signing pagination tokens. */
  readonly secret: string;
  readonly settings: ResolverSettings;
  strategyOf(model: string): ConflictStrategy;
  /** Where failures after commit (e.g. a publish that threw) go. */
  reportError(error: unknown): void;
}

/** Per request. */
export interface RequestContext {
  readonly identity: Identity;
  /** Client mutation ids by the root field's response key (`extensions.outpostMutationIds`). */
  readonly mutationIds?: Readonly<Record<string, string>>;
  /** Filled by sync resolvers on first pages: records the sync would return, by response key. */
  readonly syncTotals?: Map<string, number>;
  /** Filled by sync resolvers: response keys of delta requests (lastSync > 0) answered with a base sync. */
  readonly baseSyncs?: Set<string>;
}

/** Where a root field's resolver is in the response: its response key (alias or field name). */
export interface FieldPosition {
  readonly responseKey: string;
  /** True for a root field of the operation (not nested in another field). */
  readonly root: boolean;
}

/** The client mutation id sent for the root field at `position`, if any. */
export function mutationIdOf(ctx: RequestContext, position: FieldPosition): string | undefined {
  if (!position.root || ctx.mutationIds === undefined) return undefined;
  return Object.prototype.hasOwnProperty.call(ctx.mutationIds, position.responseKey) ? ctx.mutationIds[position.responseKey] : undefined;
}
