// Which fields of a model have a column and may appear in a predicate: the stored (non-relation)
// fields, the implicit ones (timestamps, owner fields) and the sync metadata. The local store, the
// server storage and the predicate layer all take the list from here so they never disagree.
import { findField, storedFields } from '../schema/model-fields.js';
import type { FieldDef, ModelDef, ScalarTypeName } from '../schema/types.js';

function scalarField(name: string, scalar: ScalarTypeName, isRequired: boolean, isReadOnly: boolean): FieldDef {
  return Object.freeze({
    name,
    type: Object.freeze({ kind: 'scalar' as const, name: scalar }),
    isList: false,
    isRequired,
    isListItemRequired: false,
    isReadOnly,
    isImplicit: true,
  });
}

/** The sync metadata columns every model table has (PROTOCOL.md §1.2), as field definitions. */
export const METADATA_FIELD_DEFS: readonly FieldDef[] = Object.freeze([
  scalarField('_version', 'Int', true, true),
  scalarField('_lastChangedAt', 'AWSTimestamp', true, true),
  scalarField('_deleted', 'Boolean', false, true),
]);

/**
 * Every column of the model's table in order: its stored fields (`storedFields`, which excludes
 * the sync metadata), implicit timestamps and owner fields the schema parser did not list, then
 * the metadata columns.
 */
export function columnFields(model: ModelDef): readonly FieldDef[] {
  const out: FieldDef[] = storedFields(model);
  const has = (name: string): boolean => findField(model, name) !== undefined;
  // The parser appends implicit fields itself; these additions only guard against a model built
  // by hand (tests, other tools) that left them out, so tables still get the columns AppSync has.
  for (const name of [model.timestamps.createdAt, model.timestamps.updatedAt]) {
    if (name !== null && !has(name)) out.push(scalarField(name, 'AWSDateTime', true, true));
  }
  for (const rule of model.auth) {
    if (rule.allow !== 'owner') continue;
    const name = rule.ownerField ?? 'owner';
    if (!has(name) && !out.some((f) => f.name === name)) out.push(scalarField(name, 'String', false, false));
  }
  for (const meta of METADATA_FIELD_DEFS) {
    if (!out.some((f) => f.name === meta.name)) out.push(meta);
  }
  return out;
}
