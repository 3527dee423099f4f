// Refuses, before anything is written or queued, a save or delete the backend is known to refuse:
// a record larger than the backend's item limit (ValidationError naming `Model.field`), or a write
// the schema's `@auth` rules do not give the signed-in identity (Unauthorized). Without this the
// outbox sends it, the server refuses it, and the user's version survives only as a review item.
// The decisions are plain functions in common/schema (item-size.ts, model-permissions.ts); this
// binds them to the current identity and limit, which change while the app runs.
import { Unauthorized } from '../common/errors.js';
import type { Access } from '../common/ipc/contract.js';
import { itemSizeProblem, itemTooLargeError } from '../common/schema/item-size.js';
import { getModel } from '../common/schema/model-fields.js';
import {
  checkCreate,
  checkWrite,
  describeIdentity,
  ownerFillOf,
  readsNothing,
  schemaPermissions,
  whoMay,
  type AccessDecision,
  type AccessIdentity,
} from '../common/schema/model-permissions.js';
import { keyOf, type KeyObject } from '../common/schema/record-key.js';
import type { ModelRecord, Schema } from '../common/schema/types.js';

export interface SaveGuardOptions {
  readonly schema: Schema;
  /** The signed-in identity now; null for an offline profile or a user not known yet (everything allowed). */
  readonly identity: () => AccessIdentity | null;
  /** The backend's item limit in bytes now: its announced `maxItemBytes`, else 409,600 (see `itemLimitOf`). */
  readonly maxItemBytes: () => number;
}

export interface SaveGuard {
  /**
   * Throws Unauthorized when the identity may not make this save, or ValidationError (path
   * `Model.field`) when the stored item would be over the limit. `storedRecord` is the record as
   * it would be stored (for an update: the existing row with the patch merged in); `previous` is
   * the existing row before the patch (update only: ownership is judged on it, as the server does).
   */
  checkSave(model: string, storedRecord: ModelRecord, kind: 'create' | 'update', previous?: ModelRecord): void;
  /** Throws Unauthorized when the identity may not delete `storedRecord`. */
  checkDelete(model: string, storedRecord: ModelRecord): void;
  /** The IPC `access` answer: per model what the identity may do, and the item limit. */
  access(): Access;
  /** True when the identity can read no model at all (a sign-in worth warning about). */
  readsNothing(): boolean;
  /** The notice to show when `readsNothing()`, naming the sign-in and who may read; null otherwise. */
  readsNothingMessage(): string | null;
}

function refuse(decision: AccessDecision, details: Readonly<Record<string, unknown>>): void {
  if (!decision.allowed) throw new Unauthorized(decision.reason, details);
}

/** Creates the guard; `identity` and `maxItemBytes` are read on every check. */
export function createSaveGuard(options: SaveGuardOptions): SaveGuard {
  const { schema } = options;
  return {
    checkSave(modelName, storedRecord, kind, previous) {
      const model = getModel(schema, modelName);
      const identity = options.identity();
      const decision =
        kind === 'create' ? checkCreate(model, identity, storedRecord) : checkWrite(model, identity, 'update', previous ?? storedRecord, storedRecord);
      refuse(decision, { model: modelName, action: kind, rule: 'auth' });
      // Owner fields still empty are filled by the server with the creator: on create, and on an
      // update of a record not synced yet (its queued create carries the update). Counting them on
      // a synced record with an empty owner over-counts, which only errs on the safe side.
      const problem = itemSizeProblem(model, storedRecord, { kind, limit: options.maxItemBytes(), fill: ownerFillOf(model, identity, storedRecord) });
      if (problem !== null) throw itemTooLargeError(problem);
    },
    checkDelete(modelName, storedRecord) {
      const model = getModel(schema, modelName);
      refuse(checkWrite(model, options.identity(), 'delete', storedRecord), { model: modelName, action: 'delete', rule: 'auth' });
    },
    access() {
      return { models: schemaPermissions(schema, options.identity()), maxItemBytes: options.maxItemBytes() };
    },
    readsNothing() {
      return readsNothing(schema, options.identity());
    },
    readsNothingMessage() {
      const identity = options.identity();
      if (identity === null || !readsNothing(schema, identity)) return null;
      // Models grouped by who may read them: "only signed-in owners may read Sites and Inspections".
      const byWho = new Map<string, string[]>();
      for (const model of Object.values(schema.models)) {
        const who = whoMay(model, 'read');
        byWho.set(who, [...(byWho.get(who) ?? []), model.pluralName]);
      }
      const parts = [...byWho].map(
        ([who, models]) => `${who} may read ${models.length === 1 ? models[0] : `${models.slice(0, -1).join(', ')} and ${models[models.length - 1]}`}`,
      );
      return `This sign-in (${describeIdentity(identity)}) can read none of this app's data: ${parts.join('; ')}. Sign in with an account the schema allows to see any records.`;
    },
  };
}

/** The datastore read the helpers below need (main's LocalStore and the Datastore both fit). */
export interface RecordReader {
  get(model: string, key: string | KeyObject): Promise<ModelRecord | null | undefined>;
}

/**
 * Checks `datastore.save(model, patch)` before it runs: an existing row (found by the patch's
 * key) makes it an update of the row with the patch merged in, otherwise it is a create.
 */
export async function checkPendingSave(guard: SaveGuard, store: RecordReader, schema: Schema, model: string, patch: ModelRecord): Promise<void> {
  const key = keyOf(getModel(schema, model), patch);
  const existing = key === undefined ? null : ((await store.get(model, key)) ?? null);
  if (existing === null) guard.checkSave(model, patch, 'create');
  else guard.checkSave(model, { ...existing, ...definedOnly(patch) }, 'update', existing);
}

/**
 * Checks a delete by key (an id string or a key object) before it runs; a key with no stored row
 * is left to the datastore. Only the record itself: children a cascade deletes are not checked.
 */
export async function checkPendingDelete(guard: SaveGuard, store: RecordReader, model: string, key: string | KeyObject): Promise<void> {
  const existing = await store.get(model, key);
  if (existing !== null && existing !== undefined) guard.checkDelete(model, existing);
}

// The datastore's patch rule: absent (undefined) fields keep their stored value; null clears.
function definedOnly(patch: ModelRecord): ModelRecord {
  const out: ModelRecord = {};
  for (const [name, value] of Object.entries(patch)) if (value !== undefined) out[name] = value;
  return out;
}
