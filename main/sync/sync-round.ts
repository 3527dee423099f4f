// One sync round over every synced model (PROTOCOL.md §2.4): a model's sync starts as soon as all
// its parents' are done (parents first, core/sync-plan.ts), independent models run together; and
// what a session does to the store before its first round.
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { BackoffOptions } from './core/retry-policy.js';
import { metadataAtStart, syncParents, syncPredicateKey, type SyncResume } from './core/sync-plan.js';
import { syncModel, type ModelSyncContext } from './model-sync.js';
import type { SyncEvents } from './sync-events.js';
import type { SyncStore } from './sync-store.js';
import type { SyncTransport } from './sync-transport.js';

export interface SyncRoundContext {
  readonly store: Pick<SyncStore, 'remote' | 'syncMetadata'>;
  readonly schema: Schema;
  /** The models synced, in schema order. */
  readonly models: readonly ModelDef[];
  readonly predicateOf: (model: string) => Predicate | null;
  readonly transport: Pick<SyncTransport, 'query'>;
  readonly events: SyncEvents;
  readonly syncPageSize: number;
  readonly maxRecordsToSync: number;
  /** Where syncs stopped by `maxRecordsToSync` continue next round, by model (kept across sessions). */
  readonly resumes: Map<string, SyncResume>;
  readonly signal: AbortSignal;
  readonly backoff?: BackoffOptions;
}

/** Runs every model's sync queries, emitting `syncQueriesStarted` … `syncQueriesReady`; rejects (SyncUnreachable) when the server cannot be reached. */
export async function syncRound(ctx: SyncRoundContext): Promise<void> {
  const { events, signal, transport } = ctx;
  events.emit('syncQueriesStarted', { models: ctx.models.map((m) => m.name) });
  const base: Omit<ModelSyncContext, 'query'> = {
    datastore: ctx.store,
    schema: ctx.schema,
    events,
    syncPageSize: ctx.syncPageSize,
    maxRecordsToSync: ctx.maxRecordsToSync,
    resumes: ctx.resumes,
    signal,
    ...(ctx.backoff ? { backoff: ctx.backoff } : {}),
  };
  const done = new Map<string, Promise<unknown>>();
  for (const model of ctx.models) {
    const parents = syncParents(model, ctx.schema).map((p) => done.get(p) ?? Promise.resolve());
    const own: ModelSyncContext = { ...base, query: (q, v) => transport.query(model.name, q, v, signal) };
    done.set(
      model.name,
      Promise.all(parents).then(() => syncModel(own, model, ctx.predicateOf(model.name))),
    );
  }
  await Promise.all(done.values());
  events.emit('syncQueriesReady', undefined);
}

/**
 * Brings each model's sync metadata to this session's settings (a changed predicate or interval
 * means a full sync) and releases outbox entries left in flight; returns those entries as
 * `model:modelId`: they were on the wire when the last session ended (crash, kill) and may have
 * been applied, so they are checked with a `get` before being sent again.
 */
export async function prepareStore(
  store: Pick<SyncStore, 'syncMetadata' | 'outbox'>,
  models: readonly ModelDef[],
  settings: { readonly fullSyncInterval: number; readonly predicateOf: (model: string) => Predicate | null },
): Promise<string[]> {
  for (const model of models) {
    const existing = await store.syncMetadata.getSyncMetadata(model.name);
    const next = metadataAtStart(existing, model.name, {
      fullSyncInterval: settings.fullSyncInterval,
      predicateKey: syncPredicateKey(settings.predicateOf(model.name)),
    });
    await store.syncMetadata.setSyncMetadata(model.name, {
      lastSync: next.lastSync,
      lastFullSync: next.lastFullSync,
      fullSyncInterval: next.fullSyncInterval,
      lastSyncPredicate: next.lastSyncPredicate,
    });
  }
  const inFlight = (await store.outbox.listEntries()).filter((e) => e.inFlight).map((e) => `${e.model}:${e.modelId}`);
  await store.outbox.releaseInFlight();
  return inFlight;
}
