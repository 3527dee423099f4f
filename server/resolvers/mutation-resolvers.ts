// create / update / delete (PROTOCOL.md §1.4, §3): in one write transaction per mutation —
// load and lock the item, authorise, version check, conflict strategy, user condition, write the
// new image and its change-log entry — then publish after commit. A mutation whose client mutation
// id the change log already holds for the same record is not applied again: it answers with the
// stored record (checked after the row lock, only where a replay is possible, so first sends pay nothing).
import { randomUUID } from 'node:crypto';
import { Unauthorized, ValidationError } from '../../common/errors.js';
import type { ModelDef } from '../../common/schema/types.js';
import { fieldHolds } from '../../common/schema/model-permissions.js';
import { validateRecord } from '../../common/schema/validate-record.js';
import { isTimestampField, storedFields } from '../../common/schema/model-fields.js';
import { primaryKeyOf, storageKeyOf } from '../storage/storage-key.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { MutationKind } from '../realtime/change-event.js';
import type { StoredItem, WriteTransaction } from '../storage/storage.js';
import { checkAttachmentInput } from './attachment-values.js';
import { automerge } from './automerge.js';
import { fieldMerge } from './field-merge.js';
import { resolverIdentity } from './custom-conflict-resolver.js';
import { canRead, createAccess, hasPerRecordRules, protectedOwnerFields, readAccess, writeAccess } from './model-access.js';
import { compileFilter } from './record-filter.js';
import { badRequest, conditionalCheckFailed, conflictError, conflictUnhandled, notAuthorized, payloadTooLarge } from './resolver-errors.js';
import type { RequestContext, ServerServices } from './resolver-context.js';

interface MutationArgs {
  readonly input: Record<string, unknown>;
  readonly condition?: unknown;
  /** The client's id of this mutation (`extensions.outpostMutationIds`), for an idempotent resend. */
  readonly mutationId?: string | undefined;
}

/** Fields clients may never write (PROTOCOL.md §3.5 BadRequest). */
const METADATA_KEYS = ['_lastChangedAt', '_deleted', '_ttl'];

function rejectMetadata(input: Record<string, unknown>): void {
  for (const key of METADATA_KEYS) {
    if (key in input) throw badRequest(`${key} is set by the server and cannot be written`, `input.${key}`);
  }
}

/** The whole record (metadata aside) must satisfy the model: required fields, scalar formats, enums. */
function checkRecord(services: ServerServices, model: ModelDef, item: Record<string, unknown>): void {
  const { _version, _lastChangedAt, _deleted, ...fields } = item;
  void _version;
  void _lastChangedAt;
  void _deleted;
  validateRecord(services.schema, model.name, fields, 'create');
}

/** Only the stored, client-writable fields of `values` (no key, timestamps or metadata). */
function writableChanges(model: ModelDef, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of storedFields(model)) {
    if (model.primaryKey.includes(field.name) || isTimestampField(model, field.name)) continue;
    if (Object.prototype.hasOwnProperty.call(values, field.name) && values[field.name] !== undefined) {
      out[field.name] = values[field.name];
    }
  }
  return out;
}

/** The item's size as the limit counts it: UTF-8 bytes of its JSON, `_version`/`_lastChangedAt`/`_deleted` aside. */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  const { _version, _lastChangedAt, _deleted, ...fields } = item;
  void _version;
  void _lastChangedAt;
  void _deleted;
  return Buffer.byteLength(JSON.stringify(fields), 'utf8');
}

function checkItemSize(services: ServerServices, model: ModelDef, item: Readonly<Record<string, unknown>>): void {
  const bytes = itemBytes(item);
  if (bytes > services.settings.maxItemBytes) throw payloadTooLarge(model.name, bytes, services.settings.maxItemBytes);
}

/** True when the change log holds `mutationId` for this model and record: the mutation was applied before. */
async function replayed(tx: WriteTransaction, model: ModelDef, id: string, mutationId: string | undefined): Promise<boolean> {
  if (mutationId === undefined) return false;
  return tx.mutationApplied(model.name, id, mutationId);
}

function nowIso(ms: number): string {
  return new Date(ms).toISOString();
}

async function publish(services: ServerServices, model: ModelDef, mutation: MutationKind, item: StoredItem): Promise<void> {
  try {
    await services.bus.publish({ model: model.name, mutation, item });
  } catch (error) {
    // The write is committed; a subscriber-side failure must not turn it into an error.
    services.reportError(error);
  }
}

/** `create<T>`: a new item at `_version` 1; an existing id (tombstones too) fails the key condition. */
export async function resolveCreate(services: ServerServices, model: ModelDef, args: MutationArgs, ctx: RequestContext): Promise<StoredItem> {
  const names = operationNamesOf(model);
  rejectMetadata(args.input);
  const pk = primaryKeyOf(model);
  const access = createAccess(model, ctx.identity, args.input);
  if (access === undefined) throw notAuthorized(names.create, 'Mutation');
  const composite = model.primaryKey.length > 1;
  const rawId = args.input[pk];
  if (!composite && rawId !== undefined && rawId !== null && (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > 512)) {
    throw new ValidationError(`${model.name}.${pk} must be a non-empty string of at most 512 characters`, `input.${pk}`);
  }
  // A single key is generated when omitted (AppSync's autoId); composite key fields are all required.
  const keyValues: Record<string, unknown> = composite ? {} : { [pk]: typeof rawId === 'string' ? rawId : randomUUID() };
  for (const field of composite ? model.primaryKey : []) keyValues[field] = args.input[field];
  const id = storageKeyOf(model, keyValues);
  if (id === undefined) throw new ValidationError(`${model.name} needs every key field: ${model.primaryKey.join(', ')}`, `input.${pk}`);
  const condition = compileFilter(services.schema, model, args.condition);
  const readable = readAccess(model, ctx.identity);

  const result = await services.storage.writeTransaction(model.name, async (tx) => {
    const existing = await tx.getForUpdate(model.name, id);
    if (existing !== undefined) {
      const visible = canRead(readable, existing);
      if (visible && (await replayed(tx, model, id, args.mutationId))) return { item: existing, replay: true };
      throw conditionalCheckFailed(visible ? existing : null, `${model.name} ${id} already exists`);
    }
    const now = await tx.now();
    const fields: Record<string, unknown> = {};
    for (const field of storedFields(model)) fields[field.name] = null;
    Object.assign(fields, writableChanges(model, args.input), access.fill, keyValues);
    if (model.timestamps.createdAt !== null) fields[model.timestamps.createdAt] = nowIso(now);
    if (model.timestamps.updatedAt !== null) fields[model.timestamps.updatedAt] = nowIso(now);
    checkRecord(services, model, fields);
    checkAttachmentInput(services.schema, model, fields);
    if (!condition({})) throw conditionalCheckFailed(null, 'the condition does not hold for a new item');
    checkItemSize(services, model, fields);
    const created: StoredItem = { ...fields, _version: 1, _lastChangedAt: now, _deleted: null };
    await tx.put(model.name, created, null);
    await tx.appendChange(model.name, created, args.mutationId);
    return { item: created, replay: false };
  });
  if (!result.replay) await publish(services, model, 'create', result.item);
  return result.item;
}

async function loadForWrite(
  tx: WriteTransaction,
  model: ModelDef,
  input: Readonly<Record<string, unknown>>,
  ctx: RequestContext,
  action: 'update' | 'delete',
  field: string,
): Promise<StoredItem> {
  const id = storageKeyOf(model, input);
  if (id === undefined) throw new ValidationError(`input needs the key field(s) ${model.primaryKey.join(', ')}`, `input.${primaryKeyOf(model)}`);
  const existing = await tx.getForUpdate(model.name, id);
  if (existing === undefined) {
    // AppSync's auth step loads the item first; with owner rules a missing key reads as Unauthorized.
    if (hasPerRecordRules(model)) throw notAuthorized(field, 'Mutation');
    throw conditionalCheckFailed(null, `${model.name} ${id} does not exist`);
  }
  if (!writeAccess(model, ctx.identity, action, existing)) throw notAuthorized(field, 'Mutation');
  return existing;
}

function expectedVersion(input: Record<string, unknown>): number {
  const v = input._version;
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValidationError('input._version must be an integer', 'input._version');
  return v;
}

/** `update<T>`: version check, conflict strategy, condition against the stored item, then the write. */
export async function resolveUpdate(services: ServerServices, model: ModelDef, args: MutationArgs, ctx: RequestContext): Promise<StoredItem> {
  const names = operationNamesOf(model);
  rejectMetadata(args.input);
  const version = expectedVersion(args.input);
  const changes = writableChanges(model, args.input);
  const condition = compileFilter(services.schema, model, args.condition);
  const strategy = services.strategyOf(model.name);
  const guarded = protectedOwnerFields(model, ctx.identity);

  const result = await services.storage.writeTransaction(model.name, async (tx): Promise<{ written: StoredItem; mutation: MutationKind | null }> => {
    const existing = await loadForWrite(tx, model, args.input, ctx, 'update', names.update);
    const id = storageKeyOf(model, existing) ?? '';
    // An applied mutation bumped the version, so only a stale version can be a replay.
    if (version !== existing._version && (await replayed(tx, model, id, args.mutationId))) return { written: existing, mutation: null };
    for (const field of guarded) {
      if (field in changes && ctx.identity.kind === 'user' && !fieldHolds(changes[field], ownerValuesOf(existing, field))) {
        throw new Unauthorized(`Unauthorized on [${field}]`, { data: null });
      }
    }
    let next: Record<string, unknown>;
    let mutation: MutationKind = 'update';
    if (version !== existing._version) {
      // A tombstone cannot take merged changes: the writer has to learn it was deleted.
      if (existing._deleted === true) throw conflictUnhandled(existing);
      if (strategy.kind === 'OPTIMISTIC_CONCURRENCY') throw conflictUnhandled(existing);
      if (strategy.kind === 'FIELD_MERGE') {
        // The base costs one indexed read, on this (conflicting) path only; none without `_version`.
        const base = version > 0 ? await tx.versionImage(model.name, id, version) : undefined;
        next = fieldMerge(base, existing, changes);
      } else if (strategy.kind === 'AUTOMERGE') {
        next = automerge(existing, changes);
      } else {
        let answer;
        try {
          answer = await strategy.resolve({
            newItem: { ...existing, ...changes },
            existingItem: existing,
            arguments: { input: args.input, condition: args.condition ?? null },
            resolver: { field: names.update, model: model.name },
            identity: resolverIdentity(ctx.identity),
          });
        } catch (error) {
          throw conflictError(`Conflict resolver failed: ${error instanceof Error ? error.message : String(error)}`, existing);
        }
        if (answer.action === 'REJECT') throw conflictUnhandled(existing);
        if (answer.action === 'REMOVE') {
          next = { ...existing, _deleted: true };
          mutation = 'delete';
        } else {
          next = { ...existing, ...writableChanges(model, answer.item) };
          for (const field of guarded) next[field] = existing[field];
        }
      }
    } else {
      if (existing._deleted === true) throw conditionalCheckFailed(existing, `${model.name} ${storageKeyOf(model, existing) ?? ''} is deleted`);
      next = { ...existing, ...changes };
    }
    if (!condition(existing)) throw conditionalCheckFailed(existing, 'the condition does not hold for the stored item');
    checkRecord(services, model, next);
    // The client's references only: a stored value is not this writer's to answer for.
    checkAttachmentInput(services.schema, model, changes);
    if (mutation === 'update') checkItemSize(services, model, next);
    const now = await tx.now();
    if (mutation === 'update' && model.timestamps.updatedAt !== null) next[model.timestamps.updatedAt] = nowIso(now);
    const written: StoredItem = {
      ...next,
      _version: existing._version + 1,
      _lastChangedAt: now,
      _deleted: mutation === 'delete' ? true : existing._deleted,
    };
    await tx.put(model.name, written, mutation === 'delete' ? tombstoneExpiry(services, now) : null);
    await tx.appendChange(model.name, written, args.mutationId);
    return { written, mutation };
  });
  if (result.mutation !== null) await publish(services, model, result.mutation, result.written);
  return result.written;
}

function ownerValuesOf(item: Readonly<Record<string, unknown>>, field: string): string[] {
  const v = item[field];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function tombstoneExpiry(services: ServerServices, nowMs: number): number {
  return Math.floor((nowMs + services.settings.tombstoneRetentionMs) / 1000);
}

/** `delete<T>`: a tombstone with `_version + 1`; a stale version is ConflictUnhandled under every strategy. */
export async function resolveDelete(services: ServerServices, model: ModelDef, args: MutationArgs, ctx: RequestContext): Promise<StoredItem> {
  const names = operationNamesOf(model);
  rejectMetadata(args.input);
  const version = expectedVersion(args.input);
  const condition = compileFilter(services.schema, model, args.condition);
  const result = await services.storage.writeTransaction(model.name, async (tx) => {
    const existing = await loadForWrite(tx, model, args.input, ctx, 'delete', names.delete);
    if (version !== existing._version) {
      if (await replayed(tx, model, storageKeyOf(model, existing) ?? '', args.mutationId)) return { item: existing, replay: true };
      throw conflictUnhandled(existing);
    }
    if (!condition(existing)) throw conditionalCheckFailed(existing, 'the condition does not hold for the stored item');
    const now = await tx.now();
    const tombstone: StoredItem = { ...existing, _version: existing._version + 1, _lastChangedAt: now, _deleted: true };
    await tx.put(model.name, tombstone, tombstoneExpiry(services, now));
    await tx.appendChange(model.name, tombstone, args.mutationId);
    return { item: tombstone, replay: false };
  });
  if (!result.replay) await publish(services, model, 'delete', result.item);
  return result.item;
}
