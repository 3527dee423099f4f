// One model's sync queries for one round (PROTOCOL.md §2.4): full or delta per its metadata,
// paged by `syncPageSize` up to `maxRecordsToSync` records this round, each page merged in one
// transaction, tombstones applied, and — after a complete full sync — local synced rows the server
// no longer returned are removed (unless they have pending outbox entries). Metadata is written
// after the last page of a complete sync only: a sync the cap stopped is not recorded as synced
// (Amplify records it, so the rest never arrives by delta); its resume point (sync-plan.ts
// `SyncResume`) lets the next round continue the same sync, and `syncLimitReached` says how many of
// how many arrived.
import { toGraphqlFilter } from '../../common/predicates/to-graphql.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { OutpostError } from '../../common/errors.js';
import { DEFAULT_MAX_DELAY_MS, RETRY_POLICIES, tuned, type BackoffOptions } from './core/retry-policy.js';
import { waitBeforeRetry } from './core/retry-after.js';
import { RetryCounter, sleep } from './retrying.js';
import { readSyncPage, syncQueryDocument, syncQueryVariables, type SyncPage } from './graphql-documents.js';
import { classifySyncQueryAnswer } from './query-outcome.js';
import type { AnnouncedAnswer } from './server-capabilities.js';
import { metadataAfterSync, recordsLeftOut, syncPredicateKey, syncStart, type ModelSyncMetadata, type SyncResume } from './core/sync-plan.js';
import type { SyncEvents } from './sync-events.js';
import type { ModelSyncStore } from './sync-store.js';

/** The server could not be reached (or answered 5xx) for long enough: the round is retried later. */
export class SyncUnreachable extends OutpostError {
  constructor(message: string) {
    super('SyncUnreachable', message);
  }
}

export interface ModelSyncContext {
  /** The local store (the datastore): pages merged, metadata read and written. */
  readonly datastore: ModelSyncStore;
  readonly schema: Schema;
  readonly query: (query: string, variables: Record<string, unknown>) => Promise<AnnouncedAnswer>;
  readonly events: SyncEvents;
  readonly syncPageSize: number;
  /** Most records one model's sync fetches in one round; a sync it stops continues next round. */
  readonly maxRecordsToSync: number;
  readonly backoff?: BackoffOptions;
  readonly signal: AbortSignal;
  /** Attempts per page before the round gives up as unreachable (default 4). */
  readonly pageAttempts?: number;
  /** The worker's resume points of capped syncs, by model (read and updated here); absent: none kept. */
  readonly resumes?: Map<string, SyncResume>;
}

/** How one model's sync ended. */
export interface ModelSyncResult {
  readonly model: string;
  readonly isFullSync: boolean;
  /** Records fetched by this round. */
  readonly received: number;
  readonly counts: { new: number; updated: number; deleted: number };
  /** False when the server refused this model's sync for good (reported as an `error` event). */
  readonly completed: boolean;
  /** True when `maxRecordsToSync` stopped it: not recorded as synced, continued next round. */
  readonly capped: boolean;
}

/** A page and, on a sync's first page, the server's count for the whole sync. */
interface FetchedPage {
  readonly page: SyncPage;
  readonly total: number | null;
  /** The server answered this delta request with a base sync (past its retention, or the database was restored since). */
  readonly base: boolean;
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
  const predicateKey = syncPredicateKey(predicate);
  const resume = ctx.resumes?.get(model.name);
  const start = syncStart(meta, resume, predicateKey, Date.now());
  const { lastSync } = start;
  let { isFullSync } = start;
  const filter = predicate === null ? null : toGraphqlFilter(predicate);
  const document = syncQueryDocument(ctx.schema, model);
  const counts = { new: 0, updated: 0, deleted: 0 };
  /** Records this round fetched; the cap bounds it. */
  let received = 0;
  let nextToken: string | null = start.nextToken;
  let startedAt: number | null = start.startedAt;
  let total: number | null = start.total;
  const refused = (): ModelSyncResult => {
    // A refused page (e.g. a continuation token the server no longer takes): the next round
    // starts this model's sync over from its stored metadata.
    ctx.resumes?.delete(model.name);
    return { model: model.name, isFullSync, received, counts, completed: false, capped: false };
  };

  // The next page is requested while the current one is written, so network and disk overlap.
  let pending: Promise<FetchedPage | null> = fetchPage(ctx, model, document, {
    limit: Math.min(ctx.maxRecordsToSync, ctx.syncPageSize),
    nextToken,
    lastSync,
    filter,
  });
  do {
    const fetched = await pending;
    if (fetched === null) return refused();
    const { page } = fetched;
    if (!isFullSync && fetched.base && start.received + received === 0) {
      // A base answer to a delta request holds every record: reconcile as a full sync (drop rows the server no longer has).
      isFullSync = true;
    }
    startedAt ??= page.startedAt;
    total ??= fetched.total;
    const after = received + page.items.length;
    if (page.nextToken !== null && after < ctx.maxRecordsToSync && !ctx.signal.aborted) {
      pending = fetchPage(ctx, model, document, {
        limit: Math.min(ctx.maxRecordsToSync - after, ctx.syncPageSize),
        nextToken: page.nextToken,
        lastSync,
        filter,
      });
      // A failure surfaces when awaited; until then it must not count as unhandled.
      pending.catch(() => undefined);
      // Let the request leave before the page is written: the write below blocks the thread, and
      // the server should be producing the next page meanwhile, not waiting for our request.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // A full sync's pages mark the rows they name in the store (full-sync-seen.ts) for the cleanup
    // once it completes, not a Set of ids in memory; a sync the cap stopped keeps its marks for the
    // next round to continue. Its first page forgets whatever an earlier, unfinished one marked.
    const first = start.received + received === 0;
    await applyPage(ctx, model, page, { isFullSync, first, counts });
    received += page.items.length;
    nextToken = page.nextToken;
    ctx.events.emit('syncProgress', { model: model.name, received: start.received + received, isFullSync });
  } while (nextToken !== null && received < ctx.maxRecordsToSync && !ctx.signal.aborted);
  if (ctx.signal.aborted) throw new SyncUnreachable('sync stopped');
  const syncReceived = start.received + received;
  const snapshot = startedAt ?? Date.now();

  if (nextToken !== null) {
    // Stopped by the cap: not recorded as synced; the next round continues from here.
    ctx.resumes?.set(model.name, { lastSync, isFullSync, nextToken, startedAt: snapshot, received: syncReceived, total, predicateKey });
    const leftOut = recordsLeftOut(total, syncReceived) ?? (await countRemaining(ctx, model, document, { nextToken, lastSync, filter }));
    ctx.events.emit('syncLimitReached', { model: model.name, maxRecordsToSync: ctx.maxRecordsToSync, received: syncReceived, leftOut, total });
    ctx.events.emit('modelSynced', { model: model.name, isFullSync, isDeltaSync: !isFullSync, counts: { ...counts }, complete: false });
    return { model: model.name, isFullSync, received, counts, completed: true, capped: true };
  }
  ctx.resumes?.delete(model.name);
  if (isFullSync) {
    // Only a complete full sync knows every record the server has for this device — as of its
    // snapshot: rows changed since (merged by the outbox or a live event meanwhile) are kept.
    counts.deleted += await ctx.datastore.remote.removeMissing(model.name, [], { marked: true, ...(startedAt === null ? {} : { changedSince: startedAt }) });
  }
  const after = metadataAfterSync(meta, snapshot, isFullSync);
  await ctx.datastore.syncMetadata.setSyncMetadata(model.name, { lastSync: after.lastSync, lastFullSync: after.lastFullSync });
  ctx.events.emit('modelSynced', { model: model.name, isFullSync, isDeltaSync: !isFullSync, counts: { ...counts }, complete: true });
  return { model: model.name, isFullSync, received, counts, completed: true, capped: false };
}

/** Merges one page into the store, adding to `counts` (a full sync's page marks its rows seen); reports records the store refused. */
async function applyPage(
  ctx: ModelSyncContext,
  model: ModelDef,
  page: SyncPage,
  into: { readonly isFullSync: boolean; readonly first: boolean; readonly counts: { new: number; updated: number; deleted: number } },
): Promise<void> {
  // As they came: applyRemote reads the model's columns only, so a belongs-to selection such as
  // `site { id _deleted }` is ignored there; copying each record without it (and `delete`, which
  // turns the copy into a slow dictionary object) cost ~0.6 µs a record for nothing.
  const merged = await ctx.datastore.remote.applyRemote(model.name, page.items, {
    isFullSync: into.isFullSync,
    ...(into.isFullSync ? { markSeen: into.first ? ('first' as const) : ('next' as const) } : {}),
  });
  into.counts.new += merged.new;
  into.counts.updated += merged.updated;
  into.counts.deleted += merged.deleted;
  if (merged.invalid > 0) {
    ctx.events.emit('error', {
      process: 'sync',
      errorType: 'BadRecord',
      model: model.name,
      message: `${merged.invalid} ${model.name} record(s) from the server could not be stored: ${merged.errors.slice(0, 3).join('; ')}`,
    });
  }
}

type PageRequest = Parameters<typeof syncQueryVariables>[0];

/**
 * One page (with the server's `syncTotals` for it, if any), retried with backoff on transient
 * failures; null when refused for good (reported). An overload answer's Retry-After is honoured as
 * the outbox does (core/retry-after.ts): the page is asked again no sooner, even after the last
 * attempt (the round's own retry would otherwise come back early).
 */
async function fetchPage(
  ctx: ModelSyncContext,
  model: ModelDef,
  document: { query: string; field: string },
  request: PageRequest,
): Promise<FetchedPage | null> {
  const policy = tuned(RETRY_POLICIES.syncPage, ctx.backoff, ctx.pageAttempts);
  const counter = new RetryCounter(policy);
  for (;;) {
    if (ctx.signal.aborted) throw new SyncUnreachable('sync stopped');
    const attempt = await pageAttempt(ctx, model, document, request);
    if (attempt.done) return attempt.value;
    const last = counter.lastAttempt;
    const backoff = last ? 0 : counter.next();
    // The server's wait may pass the page policy's 5 s cap, never the outbox's 5 min.
    const spread = attempt.retryAfterMs === null ? 0 : policy.random() * policy.jitterMs;
    const wait = waitBeforeRetry(backoff, attempt.retryAfterMs, Math.max(policy.maxDelayMs, DEFAULT_MAX_DELAY_MS), spread);
    if (wait > 0) await sleep(wait, ctx.signal);
    if (ctx.signal.aborted) throw new SyncUnreachable('sync stopped');
    if (last) throw new SyncUnreachable(`${model.name} sync: ${attempt.reason}`);
  }
}

/** What one try at a page came to: as retrying's Attempt, a failure carrying the answer's Retry-After (ms) when it had one. */
type PageAttempt =
  { readonly done: true; readonly value: FetchedPage | null } | { readonly done: false; readonly reason: string; readonly retryAfterMs: number | null };

/** One try at a page: the page (null when refused for good, reported), or a transient failure to retry. */
async function pageAttempt(ctx: ModelSyncContext, model: ModelDef, document: { query: string; field: string }, request: PageRequest): Promise<PageAttempt> {
  const done = (value: FetchedPage | null): PageAttempt => ({ done: true, value });
  const answer = await ctx.query(document.query, syncQueryVariables(request));
  const total = answer.outpost?.syncTotals[document.field] ?? null;
  const base = answer.outpost?.baseSyncs?.includes(document.field) === true;
  const outcome = classifySyncQueryAnswer(document.field, answer);
  if (outcome.kind === 'page') {
    try {
      return done({ page: readSyncPage(document.field, answer.data), total, base });
    } catch (error) {
      ctx.events.emit('error', { process: 'sync', errorType: 'BadResponse', model: model.name, message: `${model.name} sync: ${(error as Error).message}` });
      return done(null);
    }
  }
  if (outcome.kind === 'transient') return { done: false, reason: outcome.message, retryAfterMs: answer.retryAfterMs ?? null };
  // Partial answers (items plus errors) are accepted as Amplify does; nulls are dropped by readSyncPage.
  if (outcome.kind === 'partial') {
    ctx.events.emit('nonApplicableDataReceived', {
      modelName: model.name,
      errors: answer.errors.map((e) => ({ message: e.message, errorType: e.errorType ?? null })),
    });
    ctx.events.emit('error', {
      process: 'sync',
      errorType: outcome.errorType,
      model: model.name,
      message: `${model.name} sync page had errors: ${outcome.message}`,
    });
    try {
      return done({ page: readSyncPage(document.field, answer.data), total, base });
    } catch {
      return done(null);
    }
  }
  ctx.events.emit('error', { process: 'sync', errorType: outcome.errorType, model: model.name, message: `${model.name} sync refused: ${outcome.message}` });
  return done(null);
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
    const fetched = await fetchPage(ctx, model, document, { ...request, nextToken, limit: Math.max(ctx.syncPageSize, 1) });
    if (fetched === null) break;
    left += fetched.page.items.length;
    nextToken = fetched.page.nextToken;
  }
  return left;
}
