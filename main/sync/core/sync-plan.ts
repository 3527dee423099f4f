// Which sync each model needs (PROTOCOL.md §2.4) and in which order models may sync (§4.8). Pure
// functions over the stored per-model metadata, so every branch is tested without a server.
import type { Predicate } from '../../../common/predicates/types.js';
import { canonicalJson } from '../../../common/schema/schema-version.js';
import type { ModelDef, Schema } from '../../../common/schema/types.js';
import type { ModelSyncMetadata } from '../../datastore/sync-metadata.js';

export type { ModelSyncMetadata };

/** Default time between full syncs: 24 h, in milliseconds (Amplify's 1440 minutes). */
export const DEFAULT_FULL_SYNC_INTERVAL_MS = 24 * 60 * 60_000;

/** Canonical text of a sync predicate, so the same predicate always compares equal; null for "everything". */
export function syncPredicateKey(predicate: Predicate | null | undefined): string | null {
  return predicate === null || predicate === undefined ? null : canonicalJson(predicate);
}

/**
 * The metadata to store for `model` at start: created if missing; the interval updated; lastSync
 * and lastFullSync reset when the selective-sync predicate changed (forcing a full sync).
 */
export function metadataAtStart(
  existing: ModelSyncMetadata | null,
  model: string,
  options: { readonly fullSyncInterval: number; readonly predicateKey: string | null },
): ModelSyncMetadata {
  if (existing === null) {
    return { model, lastSync: null, lastFullSync: null, fullSyncInterval: options.fullSyncInterval, lastSyncPredicate: options.predicateKey };
  }
  const predicateChanged = existing.lastSyncPredicate !== options.predicateKey;
  return {
    model,
    lastSync: predicateChanged ? null : existing.lastSync,
    lastFullSync: predicateChanged ? null : existing.lastFullSync,
    fullSyncInterval: options.fullSyncInterval,
    lastSyncPredicate: options.predicateKey,
  };
}

/** What one model's next sync round asks for: `lastSync` to send (0 = full) and whether it is full. */
export interface ModelSyncRequest {
  readonly lastSync: number;
  readonly isFullSync: boolean;
}

/** Full sync (`lastSync: 0`) when never fully synced or the last full sync is older than the interval; else delta. */
export function chooseSync(metadata: ModelSyncMetadata, now: number): ModelSyncRequest {
  const interval = metadata.fullSyncInterval ?? DEFAULT_FULL_SYNC_INTERVAL_MS;
  const fullDue = metadata.lastFullSync === null || metadata.lastFullSync + interval < now;
  const syncFrom = fullDue ? 0 : (metadata.lastSync ?? 0);
  return { lastSync: syncFrom, isFullSync: syncFrom === 0 };
}

/**
 * Where a model's sync stopped at `maxRecordsToSync`: the next round continues this same sync
 * (same `lastSync`, filter and snapshot) from `nextToken`, so every round brings up to the cap more
 * and no record is left behind; the model is recorded as synced only when the sync completes.
 * Kept in the worker's memory: after a restart, or when the server refuses the token, the model
 * (never recorded as synced by the capped sync) simply syncs again from its stored metadata.
 */
export interface SyncResume {
  /** `lastSync` the interrupted sync asked with (0 = full). */
  readonly lastSync: number;
  readonly isFullSync: boolean;
  readonly nextToken: string;
  /** `startedAt` of the sync's first page: what `lastSync` becomes once it completes. */
  readonly startedAt: number;
  /** Records fetched by this sync so far, over all its rounds. */
  readonly received: number;
  /** The server's count for the whole sync (`syncTotals` of its first page), or null. */
  readonly total: number | null;
  /** Selective-sync predicate the sync was made with (`syncPredicateKey`). */
  readonly predicateKey: string | null;
}

/** Where one model's sync starts this round. */
export interface SyncStart extends ModelSyncRequest {
  /** Null: the first page; else the token a capped earlier round stopped at. */
  readonly nextToken: string | null;
  readonly startedAt: number | null;
  readonly received: number;
  readonly total: number | null;
  /** True when this round continues a capped sync. */
  readonly continued: boolean;
}

/** Continues `resume` when it was made with the same predicate; else a new sync as `chooseSync` decides. */
export function syncStart(metadata: ModelSyncMetadata, resume: SyncResume | undefined, predicateKey: string | null, now: number): SyncStart {
  if (resume !== undefined && resume.predicateKey === predicateKey) {
    return {
      lastSync: resume.lastSync,
      isFullSync: resume.isFullSync,
      nextToken: resume.nextToken,
      startedAt: resume.startedAt,
      received: resume.received,
      total: resume.total,
      continued: true,
    };
  }
  return { ...chooseSync(metadata, now), nextToken: null, startedAt: null, received: 0, total: null, continued: false };
}

/** Records beyond the cap: the server's count minus what arrived (never negative), else null. */
export function recordsLeftOut(total: number | null, received: number): number | null {
  return total === null ? null : Math.max(0, total - received);
}

/** Metadata after a model's last page: `lastSync = startedAt`, and `lastFullSync` too after a full sync. */
export function metadataAfterSync(metadata: ModelSyncMetadata, startedAt: number, isFullSync: boolean): ModelSyncMetadata {
  return { ...metadata, lastSync: startedAt, lastFullSync: isFullSync ? startedAt : metadata.lastFullSync };
}

/** Epoch ms when the next full sync of any of these models falls due (null when none has synced). */
export function nextFullSyncDue(metadata: readonly ModelSyncMetadata[]): number | null {
  let due: number | null = null;
  for (const m of metadata) {
    if (m.lastFullSync === null) continue;
    const at = m.lastFullSync + (m.fullSyncInterval ?? DEFAULT_FULL_SYNC_INTERVAL_MS);
    if (due === null || at < due) due = at;
  }
  return due;
}

/** The models `model` @belongsTo (its sync waits for theirs), self-references excluded. */
export function syncParents(model: ModelDef, schema: Pick<Schema, 'models'>): string[] {
  const parents: string[] = [];
  for (const field of model.fields) {
    const relation = field.relation;
    if (relation?.kind !== 'belongsTo') continue;
    const parent = relation.relatedModel;
    if (parent !== model.name && schema.models[parent] !== undefined && !parents.includes(parent)) parents.push(parent);
  }
  return parents;
}

/**
 * Sync rounds: each round's models have all their parents in earlier rounds, so a round may run
 * in parallel once the previous ones finished. Order within a round follows `schema.modelOrder`.
 */
export function syncRounds(schema: Pick<Schema, 'models' | 'modelOrder'>, models: readonly string[] = schema.modelOrder): string[][] {
  const wanted = new Set(models);
  const depth = new Map<string, number>();
  const depthOf = (name: string, trail: readonly string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (trail.includes(name)) throw new Error(`models form a @belongsTo cycle: ${[...trail, name].join(' → ')}`);
    const model = schema.models[name];
    const parents = model === undefined ? [] : syncParents(model, schema).filter((p) => wanted.has(p));
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depthOf(p, [...trail, name])));
    depth.set(name, d);
    return d;
  };
  const rounds: string[][] = [];
  for (const name of schema.modelOrder.filter((m) => wanted.has(m))) {
    const d = depthOf(name, []);
    while (rounds.length <= d) rounds.push([]);
    rounds[d].push(name);
  }
  return rounds;
}
