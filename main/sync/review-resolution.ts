// What deciding a review item does to the local store (DESIGN.md "Nothing lost"): a pure plan the
// app core carries out through the datastore, so a decision is a new local edit that syncs like
// any other. "Keep mine" re-applies this device's values on top of the record as it is now (a
// rejected create or a record deleted since: saved again, a new create); "keep theirs" closes the
// item — except where this device's write replaced the other device's values (`overwrote`), where
// it restores theirs the same way.
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import type { ReviewRecord } from '../datastore/review-items.js';
import { reapply, userFields } from './overridden-edits.js';
import { writableValues } from './review-reasons.js';
import { findField } from '../../common/schema/model-fields.js';

export type ReviewChoice = 'keepMine' | 'keepTheirs';

/** The local edit a decision makes: save `record` (a patch, or a create), delete `key`, or nothing. */
export type ResolutionPlan =
  { readonly kind: 'save'; readonly record: ModelRecord } | { readonly kind: 'delete'; readonly key: ModelRecord } | { readonly kind: 'nothing' };

const NOTHING: ResolutionPlan = { kind: 'nothing' };

/**
 * The plan for deciding `item` with `choice`, given the record as stored locally now (`current`,
 * undefined when there is none) and, for "keep mine", the user's edited version (`edited`: their
 * values replace the item's).
 */
export function resolutionPlan(
  model: ModelDef,
  item: ReviewRecord,
  choice: ReviewChoice,
  current: ModelRecord | undefined,
  edited?: ModelRecord,
): ResolutionPlan {
  const key = keyFieldsOf(model, item);
  if (choice === 'keepMine' && edited !== undefined) {
    return { kind: 'save', record: { ...writableValues(model, edited), ...key } };
  }
  if (choice === 'keepTheirs') {
    if (!item.overwrote || item.theirs === null) return NOTHING;
    if (item.operation === 'Delete') {
      // The record is gone from the server (a tombstone): bring the other device's version back as
      // a copy under a new id where the model allows, since a create under the old key is refused.
      const restored = writableValues(model, item.theirs);
      if (current !== undefined) return { kind: 'save', record: { ...restored, ...key } };
      if (model.primaryKey.length === 1 && model.primaryKey[0] === 'id') delete restored.id;
      return { kind: 'save', record: restored };
    }
    return current === undefined ? NOTHING : patchPlan(model, key, item.fields, item.theirs, item.mine, current);
  }
  // keepMine
  if (item.kind === 'rejected') {
    if (item.operation === 'Delete') return current === undefined ? NOTHING : { kind: 'delete', key };
    if (current === undefined) return { kind: 'save', record: { ...writableValues(model, item.mine), ...key } };
    const fields =
      item.operation === 'Create'
        ? userFields(model)
            .map((f) => f.name)
            .filter((f) => Object.hasOwn(item.mine, f))
        : item.fields;
    const patch: ModelRecord = { ...key };
    for (const name of fields) patch[name] = item.mine[name] ?? null;
    return { kind: 'save', record: patch };
  }
  if (item.overwrote) return NOTHING; // the server already holds this device's values
  if (current === undefined) {
    // Deleted since: saving it again makes a new create carrying this device's values.
    const record = { ...(item.theirs === null ? {} : writableValues(model, item.theirs)), ...pick(item.mine, item.fields), ...key };
    return { kind: 'save', record };
  }
  return patchPlan(model, key, item.fields, item.mine, item.theirs ?? {}, current);
}

/** A patch carrying `wanted` (computed against `against`) onto `current`, field by field. */
function patchPlan(
  model: ModelDef,
  key: ModelRecord,
  fields: readonly string[],
  wanted: ModelRecord,
  against: ModelRecord,
  current: ModelRecord,
): ResolutionPlan {
  const patch: ModelRecord = { ...key };
  for (const name of fields) {
    const field = findField(model, name);
    if (field === undefined || field.isReadOnly || field.type.kind === 'model') continue;
    patch[name] = reapply(field, wanted[name] ?? null, against[name] ?? null, current[name] ?? null) ?? null;
  }
  return { kind: 'save', record: patch };
}

function keyFieldsOf(model: ModelDef, item: ReviewRecord): ModelRecord {
  const out: ModelRecord = {};
  for (const name of model.primaryKey) out[name] = item.mine[name] ?? item.theirs?.[name];
  return out;
}

function pick(record: ModelRecord, fields: readonly string[]): ModelRecord {
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(record, f)).map((f) => [f, record[f]]));
}
