// Which of a model's fields play which role on the server: stored columns, relations, timestamps,
// implicit owner fields. One place so SDL, storage and resolvers agree.
// Stored fields and timestamps come from common/schema/model-fields.ts like everywhere else.
import { isTimestampField } from '../../common/schema/model-fields.js';
import type { AuthRule, FieldDef, ModelDef } from '../../common/schema/types.js';

/** Owner fields added by `@auth` because the model did not declare them: filled by the server, absent from inputs. */
export function isImplicitOwnerField(model: ModelDef, field: FieldDef): boolean {
  return field.isImplicit && !isTimestampField(model, field.name);
}

/** The model's owner rules. */
export function ownerRulesOf(model: ModelDef): AuthRule[] {
  return model.auth.filter((r) => r.allow === 'owner');
}

/** Owner field name of a rule (default `owner`). */
export function ownerFieldOf(rule: AuthRule): string {
  return rule.ownerField ?? 'owner';
}

/** True when a rule grants reading (sync/list/get/listen). */
export function ruleGrantsRead(rule: AuthRule): boolean {
  return rule.operations.some((op) => op === 'read' || op === 'get' || op === 'list' || op === 'sync' || op === 'listen');
}

/** The first primary-key field (the whole key unless `@primaryKey` adds sort-key fields). */
export function primaryKeyOf(model: ModelDef): string {
  return model.primaryKey[0] ?? 'id';
}

/** Column holding a composite key's canonical form (`@primaryKey` with sort-key fields). */
export const COMPOSITE_KEY_COLUMN = '_key';

/** The SQL primary-key column: the key field itself, or `_key` for composite keys. */
export function keyColumnOf(model: ModelDef): string {
  return model.primaryKey.length > 1 ? COMPOSITE_KEY_COLUMN : primaryKeyOf(model);
}

/**
 * The storage key of a record or of key arguments: the key field's value as a string, or for
 * composite keys the JSON array of the key fields' values. Undefined when a key field is missing.
 */
export function keyOf(model: ModelDef, values: Readonly<Record<string, unknown>>): string | undefined {
  const parts = (model.primaryKey.length > 0 ? model.primaryKey : ['id']).map((f) => values[f]);
  if (parts.some((p) => p === null || p === undefined || (typeof p !== 'string' && typeof p !== 'number'))) return undefined;
  return parts.length === 1 ? String(parts[0]) : JSON.stringify(parts);
}
