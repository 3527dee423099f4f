// get / list / sync and relation fields (PROTOCOL.md §1.3, §2.2). Reads apply the caller's owner
// filter and the client filter after reading a page, as AppSync's Scan does: a page may hold fewer
// than `limit` items while `nextToken` is non-null.
import type { IndexDef, ModelDef } from '../../common/schema/types.js';
import { storageKeyOf } from '../storage/storage-key.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { SortKeyCondition, StoredItem } from '../storage/storage.js';
import { canRead, readAccess, type ReadAccess } from './model-access.js';
import { decodeNextToken, encodeNextToken, tokenScope } from './next-token.js';
import { compileFilter } from './record-filter.js';
import { badRequest, notAuthorized } from './resolver-errors.js';
import type { FieldPosition, RequestContext, ServerServices } from './resolver-context.js';
import { findField } from '../../common/schema/model-fields.js';
import { lastSyncPredatesRestore } from '../ops/restore-marker.js';

/** A connection page as GraphQL returns it. */
export interface ConnectionPage {
  readonly items: StoredItem[];
  readonly nextToken: string | null;
  readonly startedAt: number | null;
}

interface PageArgs {
  readonly filter?: unknown;
  readonly limit?: number | null;
  readonly nextToken?: string | null;
}

function pageLimit(services: ServerServices, limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return services.settings.defaultPageSize;
  const max = services.settings.maxPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw badRequest(`limit must be an integer from 1 to ${max}, got ${limit}`, 'limit');
  }
  return limit;
}

function callerKey(ctx: RequestContext): string {
  return ctx.identity.kind === 'user' ? `u:${ctx.identity.sub}` : `k:${ctx.identity.keyId}`;
}

/** The owner column to push into SQL when read access is "owned" through one single-valued owner field. */
function ownerPushdown(model: ModelDef, access: ReadAccess): { field: string; values: readonly string[] } | undefined {
  if (access.kind !== 'owned' || access.owners.length !== 1) return undefined;
  const [only] = access.owners;
  if (only === undefined) return undefined;
  const field = findField(model, only.field);
  if (field === undefined || field.isList) return undefined;
  return { field: only.field, values: only.claims };
}

function requireRead(model: ModelDef, ctx: RequestContext, fieldName: string): ReadAccess {
  const access = readAccess(model, ctx.identity);
  if (access.kind === 'none') throw notAuthorized(fieldName, 'Query');
  return access;
}

/** `get<T>(id)`: the item (tombstones included) or null; another owner's item is Unauthorized. */
export async function resolveGet(services: ServerServices, model: ModelDef, args: Record<string, unknown>, ctx: RequestContext): Promise<StoredItem | null> {
  const field = operationNamesOf(model).get;
  const access = requireRead(model, ctx, field);
  const id = storageKeyOf(model, args);
  if (id === undefined) return null;
  const item = await services.storage.get(model.name, id);
  if (item === undefined) return null;
  if (!canRead(access, item)) throw notAuthorized(field, 'Query');
  return item;
}

/** `list<Ts>` and related has-many pages: base table in key order, tombstones included. */
export async function resolveList(
  services: ServerServices,
  model: ModelDef,
  args: PageArgs,
  ctx: RequestContext,
  options: { field: string; equals?: { field: string; value: unknown } },
): Promise<ConnectionPage> {
  const access = requireRead(model, ctx, options.field);
  const limit = pageLimit(services, args.limit);
  const test = compileFilter(services.schema, model, args.filter);
  const scope = tokenScope([model.name, options.field, args.filter ?? null, options.equals ?? null, callerKey(ctx)]);
  let afterId: string | null = null;
  if (args.nextToken !== null && args.nextToken !== undefined) {
    const cursor = decodeNextToken(args.nextToken, services.secret, scope);
    if (cursor.kind !== 'list' || typeof cursor.cursor !== 'string') throw badRequest('Invalid nextToken for this query', 'nextToken');
    afterId = cursor.cursor;
  }
  const ownerIn = ownerPushdown(model, access);
  const rows = await services.storage.basePage(model.name, {
    afterId,
    limit,
    ...(ownerIn ? { ownerIn } : {}),
    ...(options.equals ? { equals: options.equals } : {}),
  });
  const items = rows.filter((r) => canRead(access, r) && test(r));
  const last = rows[rows.length - 1];
  const nextToken =
    rows.length === limit && last !== undefined ? encodeNextToken({ kind: 'list', cursor: storageKeyOf(model, last) ?? '', scope }, services.secret) : null;
  return { items, nextToken, startedAt: null };
}

/** `sync<Ts>`: base scan or change-log delta by the rule of PROTOCOL.md §2.2. */
export async function resolveSync(
  services: ServerServices,
  model: ModelDef,
  args: PageArgs & { lastSync?: number | null },
  ctx: RequestContext,
  position?: FieldPosition,
): Promise<ConnectionPage> {
  const field = operationNamesOf(model).sync;
  const access = requireRead(model, ctx, field);
  const limit = pageLimit(services, args.limit);
  const test = compileFilter(services.schema, model, args.filter);
  const lastSync = args.lastSync ?? null;
  if (lastSync !== null && (!Number.isSafeInteger(lastSync) || lastSync < 0)) {
    throw badRequest(`lastSync must be epoch milliseconds (a non-negative integer), got ${lastSync}`, 'lastSync');
  }
  const scope = tokenScope([model.name, field, args.filter ?? null, lastSync, callerKey(ctx)]);
  let kind: 'base' | 'delta';
  let startedAt: number;
  let since = 0;
  let cursor: string | number | null = null;
  if (args.nextToken !== null && args.nextToken !== undefined) {
    const token = decodeNextToken(args.nextToken, services.secret, scope);
    if ((token.kind !== 'base' && token.kind !== 'delta') || token.startedAt === undefined) throw badRequest('Invalid nextToken for this query', 'nextToken');
    kind = token.kind;
    startedAt = token.startedAt;
    since = token.since ?? 0;
    cursor = token.cursor;
  } else {
    startedAt = await services.storage.syncStartTime(model.name);
    const deltaFloor = startedAt - services.settings.changeLogRetentionMs;
    kind = lastSync === null || lastSync < deltaFloor || lastSyncPredatesRestore(lastSync, services.settings.restoredAt) ? 'base' : 'delta';
    since = lastSync ?? 0;
  }
  const firstPage = args.nextToken === null || args.nextToken === undefined;
  // Outpost clients learn that their delta request got a base sync, and reconcile as after a full one.
  if (kind === 'base' && lastSync !== null && lastSync > 0 && position?.root === true) ctx.baseSyncs?.add(position.responseKey);
  /** Records the announcement's `syncTotals` for a root field's first page (the wire contract). */
  const withTotal = async (page: ConnectionPage): Promise<ConnectionPage> => {
    if (!firstPage || position?.root !== true || ctx.syncTotals === undefined) return page;
    // A sync of one page returns exactly its items: no count needed, whatever the filter or rules.
    const total = page.nextToken === null ? page.items.length : await syncTotal(services, model, access, kind, since, args.filter);
    if (total !== undefined) ctx.syncTotals.set(position.responseKey, total);
    return page;
  };

  if (kind === 'base') {
    const ownerIn = ownerPushdown(model, access);
    const rows = await services.storage.basePage(model.name, {
      afterId: typeof cursor === 'string' ? cursor : null,
      limit,
      ...(ownerIn ? { ownerIn } : {}),
    });
    const items = rows.filter((r) => canRead(access, r) && test(r));
    const last = rows[rows.length - 1];
    const nextToken =
      rows.length === limit && last !== undefined
        ? encodeNextToken({ kind: 'base', cursor: storageKeyOf(model, last) ?? '', startedAt, scope }, services.secret)
        : null;
    return withTotal({ items, nextToken, startedAt });
  }

  const entries = await services.storage.deltaPage(model.name, {
    since,
    afterSeq: typeof cursor === 'number' ? cursor : 0,
    limit,
  });
  const items = entries.map((e) => e.item).filter((item) => canRead(access, item) && test(item));
  const last = entries[entries.length - 1];
  const nextToken =
    entries.length === limit && last !== undefined ? encodeNextToken({ kind: 'delta', cursor: last.seq, startedAt, since, scope }, services.secret) : null;
  return withTotal({ items, nextToken, startedAt });
}

/**
 * How many records a sync of several pages starting now returns in all, when one COUNT gives it exactly: base
 * syncs with no owner restriction or one pushed into SQL, deltas of models everyone may read.
 * Undefined (no total) under a filter, or where reads are narrowed after the page query.
 */
async function syncTotal(
  services: ServerServices,
  model: ModelDef,
  access: ReadAccess,
  kind: 'base' | 'delta',
  since: number,
  filter: unknown,
): Promise<number | undefined> {
  if (filter !== undefined && filter !== null) return undefined;
  if (kind === 'delta') return access.kind === 'all' ? services.storage.countChanges(model.name, since) : undefined;
  if (access.kind === 'all') return services.storage.countRecords(model.name, {});
  const ownerIn = ownerPushdown(model, access);
  return ownerIn === undefined ? undefined : services.storage.countRecords(model.name, { ownerIn });
}

/** A belongs-to / has-one target by its key values: the related item if the caller may read it, else null. */
export async function resolveRelated(
  services: ServerServices,
  related: ModelDef,
  keyValues: Readonly<Record<string, unknown>>,
  ctx: RequestContext,
): Promise<StoredItem | null> {
  const id = storageKeyOf(related, keyValues);
  if (id === undefined) return null;
  const access = readAccess(related, ctx.identity);
  if (access.kind === 'none') return null;
  const item = await services.storage.get(related.name, id);
  return item !== undefined && canRead(access, item) ? item : null;
}

const KEY_OPS = ['eq', 'le', 'lt', 'ge', 'gt', 'between', 'beginsWith'] as const;

/** The one operator of a key-condition input, checked; undefined when none was given. */
function sortKeyCondition(input: unknown, argName: string): SortKeyCondition | undefined {
  if (input === null || input === undefined) return undefined;
  const given = Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  if (given.length === 0) return undefined;
  if (given.length > 1) throw badRequest(`${argName} takes exactly one operator, got ${given.map(([k]) => k).join(', ')}`, argName);
  const [op, value] = given[0] as [string, unknown];
  if (!(KEY_OPS as readonly string[]).includes(op)) throw badRequest(`${argName}.${op} is not a key condition`, argName);
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2 || value.some((v) => v === null)) {
      throw badRequest(`${argName}.between needs exactly two values [low, high]`, argName);
    }
    return { op: 'between', value: [value[0] as string | number, value[1] as string | number] };
  }
  return { op: op as Exclude<SortKeyCondition['op'], 'between'>, value: value as string | number };
}

/**
 * An `@index` read (a `queryField` query, or a has-many through an index): rows whose partition
 * field equals `partitionValue`, ordered by the index's sort key (then key) in `sortDirection`.
 * Without a sort key it is a keyed list in primary-key order.
 */
export async function resolveIndexQuery(
  services: ServerServices,
  model: ModelDef,
  index: IndexDef,
  args: PageArgs & { sortDirection?: unknown } & Record<string, unknown>,
  ctx: RequestContext,
  options: { field: string; partitionValue: unknown },
): Promise<ConnectionPage> {
  const partitionField = index.fields[0] as string;
  const sortField = index.fields.length >= 2 ? (index.fields[1] as string) : undefined;
  if (sortField === undefined) {
    return resolveList(services, model, args, ctx, { field: options.field, equals: { field: partitionField, value: options.partitionValue } });
  }
  const access = requireRead(model, ctx, options.field);
  const limit = pageLimit(services, args.limit);
  const test = compileFilter(services.schema, model, args.filter);
  const condition = sortKeyCondition(args[sortField], sortField);
  const descending = args.sortDirection === 'DESC';
  const scope = tokenScope([model.name, options.field, args.filter ?? null, options.partitionValue ?? null, condition ?? null, descending, callerKey(ctx)]);
  let after: { sort: unknown; id: string } | null = null;
  if (args.nextToken !== null && args.nextToken !== undefined) {
    const token = decodeNextToken(args.nextToken, services.secret, scope);
    if (token.kind !== 'index' || typeof token.cursor !== 'string') throw badRequest('Invalid nextToken for this query', 'nextToken');
    const [sort, id] = JSON.parse(token.cursor) as [unknown, string];
    after = { sort, id };
  }
  const rows = await services.storage.indexPage(model.name, {
    partition: { field: partitionField, value: options.partitionValue },
    sortField,
    ...(condition ? { condition } : {}),
    descending,
    after,
    limit,
  });
  const items = rows.filter((r) => canRead(access, r) && test(r));
  const last = rows[rows.length - 1];
  const nextToken =
    rows.length === limit && last !== undefined
      ? encodeNextToken({ kind: 'index', cursor: JSON.stringify([last[sortField], storageKeyOf(model, last)]), scope }, services.secret)
      : null;
  return { items, nextToken, startedAt: null };
}
