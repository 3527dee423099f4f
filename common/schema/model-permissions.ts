// What a signed-in identity may do with each model, read from the schema's `@auth` rules the way
// the Outpost server enforces them (server/resolvers/model-access.ts is the truth this agrees
// with; a property test compares the two): an API key uses only `public` apiKey rules; a user
// token uses private rules, static group rules whose group it is in, and per record the owner and
// dynamic-group rules. Rules the client cannot judge (custom/Lambda, IAM) are "unknown" and allow:
// the server decides, and a wrong refusal here would block work the backend accepts.
import { DEFAULT_OWNER_FIELD } from './auth-rules.js';
import { grants, groupsOf, ownerClaims, ownerValue, userProviderFits } from './rule-identity.js';
import type { AuthRule, ModelDef, ModelRecord, Schema } from './types.js';
import { findField } from './model-fields.js';

/** Who is signed in, as far as `@auth` rules care. The server's `Identity` has this shape too. */
export type AccessIdentity =
  | { readonly kind: 'apiKey' }
  | {
      readonly kind: 'user';
      /** JWT `sub`. */
      readonly sub: string;
      readonly username: string;
      /** Groups from the token's groups claim (`cognito:groups` unless configured). */
      readonly groups: readonly string[];
      /** Every claim of the token, for rules naming their own `identityClaim` / `groupClaim`. */
      readonly claims: Readonly<Record<string, unknown>>;
    };

export type ModelAction = 'create' | 'read' | 'update' | 'delete';

/** What the identity may do with one model (the IPC `access` entry); update/delete true when allowed on some records. */
export interface ModelPermissions {
  readonly read: boolean;
  readonly create: boolean;
  readonly update: boolean;
  readonly delete: boolean;
}

/** The answer to one save or delete. */
export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** How one rule applies to the identity for one action. */
type RuleVerdict =
  | { readonly kind: 'all' }
  | { readonly kind: 'unknown' }
  /** Decided per record: the field must hold one of `claims` (owner values or group names). */
  | { readonly kind: 'perRecord'; readonly rule: AuthRule; readonly field: string; readonly claims: readonly string[] }
  | { readonly kind: 'none' };

const ALLOWED: AccessDecision = { allowed: true };

/** Everything allowed: offline profiles, and identities not known yet. */
export const ALL_PERMISSIONS: ModelPermissions = { read: true, create: true, update: true, delete: true };

function verdict(rule: AuthRule, identity: AccessIdentity, action: ModelAction): RuleVerdict {
  if (!grants(rule, action)) return { kind: 'none' };
  // Lambda authorizers and IAM callers are judged by the backend alone.
  if (rule.allow === 'custom' || rule.provider === 'function' || rule.provider === 'iam') return { kind: 'unknown' };
  if (identity.kind === 'apiKey') return rule.allow === 'public' ? { kind: 'all' } : { kind: 'none' };
  if (!userProviderFits(rule)) return { kind: 'none' };
  switch (rule.allow) {
    case 'private':
      return { kind: 'all' };
    case 'groups': {
      const mine = groupsOf(identity, rule);
      if (rule.groupsField === undefined) return (rule.groups ?? []).some((g) => mine.includes(g)) ? { kind: 'all' } : { kind: 'none' };
      return mine.length > 0 ? { kind: 'perRecord', rule, field: rule.groupsField, claims: mine } : { kind: 'none' };
    }
    case 'owner': {
      const claims = ownerClaims(rule, identity);
      return claims.length > 0 ? { kind: 'perRecord', rule, field: rule.ownerField ?? DEFAULT_OWNER_FIELD, claims } : { kind: 'none' };
    }
    default:
      return { kind: 'none' };
  }
}

function verdicts(model: ModelDef, identity: AccessIdentity, action: ModelAction): RuleVerdict[] {
  // A model without rules is open to every caller the server lets in.
  if (model.auth.length === 0) return [{ kind: 'all' }];
  return model.auth.map((rule) => verdict(rule, identity, action));
}

function decidedOutright(list: readonly RuleVerdict[]): boolean {
  return list.some((v) => v.kind === 'all' || v.kind === 'unknown');
}

function perRecord(list: readonly RuleVerdict[]): Array<RuleVerdict & { kind: 'perRecord' }> {
  return list.filter((v): v is RuleVerdict & { kind: 'perRecord' } => v.kind === 'perRecord');
}

/** True when the stored owner/groups value (a string or a list of strings) names one of `claims`. */
export function fieldHolds(value: unknown, claims: readonly string[]): boolean {
  if (typeof value === 'string') return claims.includes(value);
  if (Array.isArray(value)) return value.some((v) => typeof v === 'string' && claims.includes(v));
  return false;
}

function isListField(model: ModelDef, name: string): boolean {
  return findField(model, name)?.isList === true;
}

/**
 * The owner values the server fills on create (owner field → value): for a user, each owner
 * rule's single-valued owner field the record leaves empty. None for an API key or offline.
 */
export function ownerFillOf(model: ModelDef, identity: AccessIdentity | null, record: ModelRecord): Record<string, string> {
  const fill: Record<string, string> = {};
  if (identity?.kind !== 'user') return fill;
  for (const rule of model.auth) {
    if (rule.allow !== 'owner') continue;
    const field = rule.ownerField ?? DEFAULT_OWNER_FIELD;
    const value = ownerValue(rule, identity);
    if (value !== undefined && (record[field] === undefined || record[field] === null) && !isListField(model, field)) fill[field] = value;
  }
  return fill;
}

/** What `identity` may do with `model`; null (offline, or not known yet) may do everything. */
export function modelPermissions(model: ModelDef, identity: AccessIdentity | null): ModelPermissions {
  if (identity === null) return ALL_PERMISSIONS;
  const may = (action: ModelAction): boolean => verdicts(model, identity, action).some((v) => v.kind !== 'none');
  return { read: may('read'), create: may('create'), update: may('update'), delete: may('delete') };
}

/** `modelPermissions` of every model of the schema, by model name. */
export function schemaPermissions(schema: Schema, identity: AccessIdentity | null): Record<string, ModelPermissions> {
  const out: Record<string, ModelPermissions> = {};
  for (const [name, model] of Object.entries(schema.models)) out[name] = modelPermissions(model, identity);
  return out;
}

/** True when a signed-in identity may read no model of the schema (a schema without models reads nothing to miss). */
export function readsNothing(schema: Schema, identity: AccessIdentity | null): boolean {
  const models = Object.values(schema.models);
  return identity !== null && models.length > 0 && models.every((m) => !modelPermissions(m, identity).read);
}

/** "an API key" / "signed in as alice": how a message names the sign-in. */
export function describeIdentity(identity: AccessIdentity): string {
  return identity.kind === 'apiKey' ? 'an API key' : `signed in as ${identity.username}`;
}

function describeRule(model: ModelDef, rule: AuthRule): string {
  if (rule.allow === 'custom' || rule.provider === 'function') return 'callers a custom (Lambda) authorizer admits';
  if (rule.provider === 'iam') return rule.allow === 'public' ? 'unauthenticated IAM callers' : 'signed-in IAM callers';
  switch (rule.allow) {
    case 'public':
      return 'API-key sign-ins';
    case 'private':
      return 'signed-in users';
    case 'owner':
      return 'signed-in owners';
    case 'groups':
      return rule.groupsField !== undefined
        ? `members of the groups named in ${model.name}.${rule.groupsField}`
        : `members of ${(rule.groups ?? []).join(' or ')}`;
  }
}

/** Who the schema lets do `action` with `model`, in words ("only signed-in owners", "no one"). */
export function whoMay(model: ModelDef, action: ModelAction): string {
  if (model.auth.length === 0) return 'every signed-in caller';
  const who: string[] = [];
  for (const rule of model.auth) {
    if (!grants(rule, action)) continue;
    const text = describeRule(model, rule);
    if (!who.includes(text)) who.push(text);
  }
  if (who.length === 0) return 'no one';
  return `only ${who.length === 1 ? who[0] : `${who.slice(0, -1).join(', ')} or ${who[who.length - 1]}`}`;
}

const VERB: Record<Exclude<ModelAction, 'read'>, { readonly doing: string; readonly rule: string }> = {
  create: { doing: 'add', rule: 'create' },
  update: { doing: 'change', rule: 'change' },
  delete: { doing: 'delete', rule: 'delete' },
};

function refusedOutright(model: ModelDef, identity: AccessIdentity, action: Exclude<ModelAction, 'read'>): AccessDecision {
  const verb = VERB[action];
  return {
    allowed: false,
    reason: `You cannot ${verb.doing} ${model.pluralName} with this sign-in (${describeIdentity(identity)}): the schema lets ${whoMay(model, action)} ${verb.rule} them.`,
  };
}

/** Whether `identity` may create `record` (the server fills empty owner fields with the caller first). */
export function checkCreate(model: ModelDef, identity: AccessIdentity | null, record: ModelRecord): AccessDecision {
  if (identity === null) return ALLOWED;
  const list = verdicts(model, identity, 'create');
  if (decidedOutright(list)) return ALLOWED;
  const grantsOwn = perRecord(list);
  if (grantsOwn.length === 0) return refusedOutright(model, identity, 'create');
  const merged = { ...record, ...ownerFillOf(model, identity, record) };
  if (grantsOwn.some((g) => fieldHolds(merged[g.field], g.claims))) return ALLOWED;
  const fields = [...new Set(grantsOwn.map((g) => `${model.name}.${g.field}`))].join(' or ');
  return {
    allowed: false,
    reason: `You cannot add this ${model.name} for someone else (${describeIdentity(identity)}): the schema lets ${whoMay(model, 'create')} create ${model.pluralName}, so ${fields} must name you.`,
  };
}

function ownerValuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Whether `identity` may update or delete `record` (the stored row). For an update, `next` is the
 * record as it would be stored after the change: without a rule granting the update outright,
 * owner fields may not be handed to someone else. An owner field still empty (a record not yet
 * synced, which the server will fill with its creator) counts as the caller's.
 */
export function checkWrite(
  model: ModelDef,
  identity: AccessIdentity | null,
  action: 'update' | 'delete',
  record: ModelRecord,
  next?: ModelRecord,
): AccessDecision {
  if (identity === null) return ALLOWED;
  const list = verdicts(model, identity, action);
  if (decidedOutright(list)) return ALLOWED;
  const grantsOwn = perRecord(list);
  if (grantsOwn.length === 0) return refusedOutright(model, identity, action);
  const stored = { ...record, ...ownerFillOf(model, identity, record) };
  const verb = VERB[action];
  if (!grantsOwn.some((g) => fieldHolds(stored[g.field], g.claims))) {
    const fields = [...new Set(grantsOwn.map((g) => `${model.name}.${g.field}`))].join(' or ');
    return {
      allowed: false,
      reason: `You cannot ${verb.doing} this ${model.name} (${describeIdentity(identity)}): it belongs to someone else (${fields} does not name you), and the schema lets ${whoMay(model, action)} ${verb.rule} ${model.pluralName}.`,
    };
  }
  if (action === 'update' && next !== undefined && identity.kind === 'user') {
    for (const rule of model.auth) {
      if (rule.allow !== 'owner') continue;
      const field = rule.ownerField ?? DEFAULT_OWNER_FIELD;
      const before = ownerValuesOf(stored[field]);
      if (!Object.hasOwn(next, field) || next[field] === undefined || JSON.stringify(next[field]) === JSON.stringify(record[field] ?? null)) continue;
      if (!fieldHolds(next[field], before)) {
        return {
          allowed: false,
          reason: `You cannot hand this ${model.name} to someone else (${describeIdentity(identity)}): ${model.name}.${field} must keep naming its owner.`,
        };
      }
    }
  }
  return ALLOWED;
}
