// One model's sync queries for one round (PROTOCOL.md §2.4): full or delta per its metadata,
// paged by `syncPageSize` up to `maxRecordsToSync`, each page merged in one transaction, tombstones
// applied, and — after a complete full sync — local synced rows the server no longer returned are
// removed (unless they have pending outbox entries). Metadata is written after the last page.
import { toGraphqlFilter } from '../../common/predicates/to-graphql.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { OutpostError } from '../../common/errors.js';
import { modelIdOf } from '../../common/schema/record-key.js';
import type { Datastore } from '../datastore/datastore.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { readSyncPage, syncQueryDocument, syncQueryVariables, withoutRelations, type SyncPage } from './graphql-documents.js';
import { classifyMutationAnswer, type GraphqlAnswer } from './mutation-outcome.js';
import { chooseSync, metadataAfterSync, type ModelSyncMetadata } from './sync-plan.js';
import type { SyncEvents } from './sync-events.js';

/** The server could not be reached (or answered 5xx) for long enough: the round is retried later. */
export class SyncUnreachable extends OutpostError {
  constructor(message: string) {
    super('SyncUnreachable', message);
  }
}

export interface ModelSyncContext {
  readonly datastore: Datastore;
  readonly schema: Schema;
  readonly query: (query: string, variables: Record<string, unknown>) => Promise<GraphqlAnswer>;
  readonly events: SyncEvents;
  readonly syncPageSize: number;
  readonly maxRecordsToSync: number;
  readonly backoff?: BackoffOptions;
  readonly signal: AbortSignal;
  /** Attempts per page before the round gives up as unreachable (default 4). */
  readonly pageAttempts?: number;
}

/** How one model's sync ended. */
export interface ModelSyncResult {
  readonly model: string;
  readonly isFullSync: boolean;
  readonly received: number;
  readonly counts: { new: number; updated: number; deleted: number };
  /** False when the server refused this model's sync for good (reported as an `error` event). */
  readonly completed: boolean;
}

/** Runs one model's sync: throws SyncUnreachable on network failure (nothing half-recorded: metadata untouched). */
export async function syncModel(ctx: ModelSyncContext, model: ModelDef, predicate: Predicate | null): Promise<ModelSyncResult> {
  const meta: ModelSyncMetadata = (await ctx.datastore.syncMetadata.getSyncMetadata(model.name)) ?? {
    model: model.name,
    lastSync: null,
    lastFullSync: null,
    fullSyncInterval: null,
    lastSyncPredicate: null,
  };
  const { lastSync, isFullSync } = chooseSync(meta, Date.now());
  const filter = predicate === null ? null : toGraphqlFilter(predicate);
  const document = syncQueryDocument(ctx.schema, model);
  const keep = isFullSync ? new Set<string>() : null;
  const counts = { new: 0, updated: 0, deleted: 0 };
  let received = 0;
  let nextToken: string | null = null;
  let startedAt: number | null = null;

  // The next page is requested while the current one is written, so network and disk overlap.
  let pending: Promise<SyncPage | null> = fetchPage(ctx, model, document, { limit: Math.min(ctx.maxRecordsToSync, ctx.syncPageSize), nextToken, lastSync, filter });
  do {
    const page = await pending;
    if (page === null) return { model: model.name, isFullSync, received, counts, completed: false };
    startedAt ??= page.startedAt;
    const after = received + page.items.length;
    if (page.nextToken !== null && after < ctx.maxRecordsToSync && !ctx.signal.aborted) {
      pending = fetchPage(ctx, model, document, { limit: Math.min(ctx.maxRecordsToSync - after, ctx.syncPageSize), nextToken: page.nextToken, lastSync, filter });
      // A failure surfaces when awaited; until then it must not count as unhandled.
      pending.catch(() => undefined);
      // Let the request leave before the page is written: the write below blocks the thread, and
      // the server should be producing the next page meanwhile, not waiting for our request.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const items = page.items.map((item) => withoutRelations(model, item));
    const merged = await ctx.datastore.remote.applyRemote(model.name, items, { isFullSync });
    counts.new += merged.new;
    counts.updated += merged.updated;
    counts.deleted += merged.deleted;
    if (merged.invalid > 0) {
      ctx.events.emit('error', {
        process: 'sync',
        errorType: 'BadRecord',
        model: model.name,
        message: `${merged.invalid} ${model.name} record(s) from the server could not be stored: ${merged.errors.slice(0, 3).join('; ')}`,
      });
    }
    if (keep !== null) for (const item of items) keep.add(modelIdOf(model, item));
    received += page.items.length;
    nextToken = page.nextToken;
    ctx.events.emit('syncProgress', { model: model.name, received, isFullSync });
  } while (nextToken !== null && received < ctx.maxRecordsToSync && !ctx.signal.aborted);
  if (ctx.signal.aborted) throw new SyncUnreachable('sync stopped');

  if (nextToken !== null) {
    const leftOut = await countRemaining(ctx, model, document, { nextToken, lastSync, filter });
    ctx.events.emit('syncLimitReached', { model: model.name, maxRecordsToSync: ctx.maxRecordsToSync, received, leftOut });
  } else if (keep !== null) {
    // Only a complete full sync knows every record the server has for this device — as of its
    // snapshot: rows changed since (merged by the outbox or a live event meanwhile) are kept.
    counts.deleted += await ctx.datastore.remote.removeMissing(model.name, keep, startedAt === null ? {} : { changedSince: startedAt });
  }
  // As Amplify: hitting the cap still records lastSync, so the rest waits for the next full sync.
  const after = metadataAfterSync(meta, startedAt ?? Date.now(), isFullSync);
  await ctx.datastore.syncMetadata.setSyncMetadata(model.name, { lastSync: after.lastSync, lastFullSync: after.lastFullSync });
  ctx.events.emit('modelSynced', { model: model.name, isFullSync, isDeltaSync: !isFullSync, counts: { ...counts } });
  return { model: model.name, isFullSync, received, counts, completed: true };
}

type PageRequest = Parameters<typeof syncQueryVariables>[0];

/** One page, retried with backoff on transient failures; null when refused for good (reported). */
async function fetchPage(
  ctx: ModelSyncContext,
  model: ModelDef,
  document: { query: string; field: string },
  request: PageRequest,
): Promise<SyncPage | null> {
  const backoff = new Backoff({ maxDelayMs: 5_000, ...ctx.backoff });
  const attempts = ctx.pageAttempts ?? 4;
  for (;;) {
    if (ctx.signal.aborted) throw new SyncUnreachable('sync stopped');
    const answer = await ctx.query(document.query, syncQueryVariables(request));
    if (answer.errors.length === 0 && answer.networkError === null) {
      try {
        return readSyncPage(document.field, answer.data);
      } catch (error) {
        ctx.events.emit('error', { process: 'sync', errorType: 'BadResponse', model: model.name, message: `${model.name} sync: ${(error as Error).message}` });
        return null;
      }
    }
    const outcome = classifyMutationAnswer(document.field, answer);
    if (outcome.kind === 'retry' || outcome.kind === 'authFailure') {
      if (backoff.attempts + 1 >= attempts) throw new SyncUnreachable(`${model.name} sync: ${outcome.message}`);
      await sleep(backoff.next(), ctx.signal);
      continue;
    }
    // Partial answers (items plus errors) are accepted as Amplify does; nulls are dropped by readSyncPage.
    if (outcome.kind === 'rejected' && answer.data?.[document.field] != null) {
      ctx.events.emit('nonApplicableDataReceived', { modelName: model.name, errors: answer.errors.map((e) => ({ message: e.message, errorType: e.errorType ?? null })) });
      ctx.events.emit('error', { process: 'sync', errorType: outcome.errorType ?? outcome.reason, model: model.name, message: `${model.name} sync page had errors: ${outcome.message}` });
      try {
        return readSyncPage(document.field, answer.data);
      } catch {
        return null;
      }
    }
    const message = outcome.kind === 'rejected' || outcome.kind === 'conflict' ? outcome.message : 'unexpected answer';
    const errorType = outcome.kind === 'rejected' ? (outcome.errorType ?? outcome.reason) : 'Unknown';
    ctx.events.emit('error', { process: 'sync', errorType, model: model.name, message: `${model.name} sync refused: ${message}` });
    return null;
  }
}

/** How many records lie beyond the cap: pages through the rest counting, storing nothing. */
async function countRemaining(
  ctx: ModelSyncContext,
  model: ModelDef,
  document: { query: string; field: string },
  request: Omit<PageRequest, 'limit'>,
): Promise<number> {
  let left = 0;
  let nextToken: string | null = request.nextToken;
  while (nextToken !== null && !ctx.signal.aborted) {
    const page = await fetchPage(ctx, model, document, { ...request, nextToken, limit: Math.max(ctx.syncPageSize, 1) });
    if (page === null) break;
    left += page.items.length;
    nextToken = page.nextToken;
  }
  return left;
}
