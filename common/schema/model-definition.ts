// The finished ModelDef of a draft: @model's timestamps and subscriptions, @auth's rules (or the
// global rule), and the implicit timestamp and owner fields Amplify's transformer adds.
import pluralize from 'pluralize';
import { Kind, type DirectiveNode, type ValueNode } from 'graphql';
import { parseAuthDirective, parseAuthRule } from './auth-rules.js';
import { draftField, type ModelDraft, type Mutable } from './schema-draft.js';
import { directiveArguments, errorAt, nullableStringValue, objectFields, stringListValue, wordValue, type SdlContext } from './sdl-values.js';
import type { AuthRule, FieldDef, FieldType, ModelDef, ModelSubscriptionsDef } from './types.js';

const TIMESTAMP_DEFAULTS = { createdAt: 'createdAt', updatedAt: 'updatedAt' } as const;

/** `draft` as a ModelDef, its relations resolved already; `globalAuth` applies when it has no @auth. */
export function finishModel(ctx: SdlContext, draft: ModelDraft, globalAuth: ValueNode | undefined): ModelDef {
  const declared = draft.fields.map((f) => f.def);
  const has = (name: string): boolean => declared.some((f) => f.name === name);
  const modelDirective = (draft.node.directives ?? []).find((d) => d.name.value === 'model');
  const authDirective = (draft.node.directives ?? []).find((d) => d.name.value === 'auth');
  const { timestamps, subscriptions } = parseModelDirective(ctx, modelDirective, draft.name);
  const auth =
    authDirective !== undefined
      ? parseAuthDirective(ctx, authDirective, draft.name)
      : globalAuth !== undefined
        ? [parseAuthRule(ctx, globalAuth, 'AMPLIFY.globalAuthRule', draft.name)]
        : [];

  const implicit: FieldDef[] = [];
  for (const name of [timestamps.createdAt, timestamps.updatedAt]) {
    if (name !== null && !has(name)) {
      implicit.push(implicitField(name, { kind: 'scalar', name: 'AWSDateTime' }, true));
    }
  }
  checkAuthFields(ctx, draft, auth, authDirective);
  for (const rule of auth) {
    const owner = rule.ownerField;
    if (owner !== undefined && !has(owner) && !implicit.some((f) => f.name === owner)) {
      implicit.push(implicitField(owner, { kind: 'scalar', name: 'String' }, false));
    }
  }
  return {
    name: draft.name,
    pluralName: pluralize(draft.name),
    fields: [...declared, ...implicit],
    primaryKey: draft.primaryKey,
    indexes: draft.indexes,
    auth,
    timestamps,
    subscriptions,
  };
}

function implicitField(name: string, type: FieldType, isReadOnly: boolean): FieldDef {
  return { name, type, isList: false, isRequired: false, isListItemRequired: false, isReadOnly, isImplicit: true };
}

// Owner and group fields named by rules must hold strings; a dynamic groups field must be declared.
function checkAuthFields(ctx: SdlContext, draft: ModelDraft, auth: readonly AuthRule[], at: DirectiveNode | undefined): void {
  for (const rule of auth) {
    const name = rule.ownerField ?? rule.groupsField;
    if (name === undefined) continue;
    const field = draftField(draft, name);
    if (field === undefined) {
      if (rule.groupsField !== undefined) {
        throw errorAt(ctx, at, `groupsField "${name}" is not a field of ${draft.name}; declare it (e.g. ${name}: [String])`);
      }
      continue;
    }
    const type = field.def.type;
    if (type.kind !== 'scalar' || (type.name !== 'String' && type.name !== 'ID')) {
      throw errorAt(ctx, field.node.type, `${draft.name}.${name} is used by an @auth ${rule.allow} rule, so it must be String, ID or a list of them`);
    }
  }
}

function parseModelDirective(
  ctx: SdlContext,
  directive: DirectiveNode | undefined,
  modelName: string,
): { timestamps: ModelDef['timestamps']; subscriptions: ModelSubscriptionsDef } {
  const timestamps: Mutable<ModelDef['timestamps']> = { ...TIMESTAMP_DEFAULTS };
  let subscriptions: ModelSubscriptionsDef = { level: 'on' };
  if (directive === undefined) return { timestamps, subscriptions };
  const args = directiveArguments(ctx, directive, ['queries', 'mutations', 'subscriptions', 'timestamps']);
  for (const name of ['queries', 'mutations']) {
    const arg = args.get(name);
    if (arg !== undefined) {
      throw errorAt(ctx, arg, `@model(${name}: …) is not supported on ${modelName}: sync needs the generated ${name} as they are`);
    }
  }
  const timestampsArg = args.get('timestamps');
  if (timestampsArg !== undefined) {
    if (timestampsArg.value.kind === Kind.NULL) {
      timestamps.createdAt = null;
      timestamps.updatedAt = null;
    } else {
      const keys = objectFields(ctx, timestampsArg.value, ['createdAt', 'updatedAt'], `@model(timestamps:) of ${modelName}`);
      for (const [key, node] of keys) {
        const name = nullableStringValue(ctx, node.value, `timestamps.${key}`);
        if (name !== null && name.startsWith('_')) throw errorAt(ctx, node.value, `timestamp field name "${name}" is reserved (starts with "_")`);
        timestamps[key as 'createdAt' | 'updatedAt'] = name;
      }
      if (timestamps.createdAt !== null && timestamps.createdAt === timestamps.updatedAt) {
        throw errorAt(ctx, timestampsArg.value, `createdAt and updatedAt of ${modelName} must be different fields`);
      }
    }
  }
  const subscriptionsArg = args.get('subscriptions');
  if (subscriptionsArg !== undefined) {
    if (subscriptionsArg.value.kind === Kind.NULL) {
      subscriptions = { level: 'off' };
    } else {
      const keys = objectFields(ctx, subscriptionsArg.value, ['onCreate', 'onUpdate', 'onDelete', 'level'], `@model(subscriptions:) of ${modelName}`);
      const levelNode = keys.get('level');
      const result: Mutable<ModelSubscriptionsDef> = {
        level: levelNode === undefined ? 'on' : wordValue(ctx, levelNode.value, ['on', 'off', 'public'] as const, 'subscriptions.level'),
      };
      for (const key of ['onCreate', 'onUpdate', 'onDelete'] as const) {
        const node = keys.get(key);
        if (node !== undefined) result[key] = stringListValue(ctx, node.value, `subscriptions.${key}`);
      }
      subscriptions = result;
    }
  }
  return { timestamps, subscriptions };
}
