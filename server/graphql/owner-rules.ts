// A model's owner rules as the server reads them (SDL owner arguments, access checks, implicit
// owner fields): one definition, so the SDL, the resolvers and the real-time endpoint agree.
import { DEFAULT_OWNER_FIELD } from '../../common/schema/auth-rules.js';
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
  return rule.ownerField ?? DEFAULT_OWNER_FIELD;
}

/** True when a rule grants reading (sync/list/get/listen). */
export function ruleGrantsRead(rule: AuthRule): boolean {
  return rule.operations.some((op) => op === 'read' || op === 'get' || op === 'list' || op === 'sync' || op === 'listen');
}
