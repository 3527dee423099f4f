// @auth rules for queries and mutations (PROTOCOL.md §6.3): who may read a model (everything, or
// only records they own), create, and update/delete a given stored item; and the owner values
// filled on create. A model without rules is open to every authenticated caller.
import { findField } from '../../common/schema/model-fields.js';
import { fieldHolds } from '../../common/schema/model-permissions.js';
import { grants, groupsOf, ownerClaims, ownerValue, userProviderFits } from '../../common/schema/rule-identity.js';
import type { AuthRule, ModelDef } from '../../common/schema/types.js';
import type { Identity } from '../auth/identity.js';
import { ownerFieldOf, ownerRulesOf } from '../graphql/owner-rules.js';

type Action = 'create' | 'update' | 'delete' | 'read';

/** Read access: all records, only records whose owner fields name the caller, or none. */
export type ReadAccess =
  | { readonly kind: 'all' }
  | { readonly kind: 'owned'; readonly owners: ReadonlyArray<{ readonly field: string; readonly claims: readonly string[] }> }
  | { readonly kind: 'none' };

/** True when a rule other than owner/dynamic-group grants `action` to the caller outright. */
function fullyGranted(model: ModelDef, identity: Identity, action: Action): boolean {
  if (model.auth.length === 0) return true;
  for (const rule of model.auth) {
    if (!grants(rule, action)) continue;
    if (identity.kind === 'apiKey') {
      if (rule.allow === 'public' && (rule.provider === undefined || rule.provider === 'apiKey')) return true;
      continue;
    }
    if (!userProviderFits(rule)) continue;
    if (rule.allow === 'private') return true;
    if (rule.allow === 'groups' && rule.groups !== undefined && rule.groups.length > 0) {
      const mine = groupsOf(identity, rule);
      if (rule.groups.some((g) => mine.includes(g))) return true;
    }
  }
  return false;
}

/**
 * Per-record rules granting `action` to a user caller: owner rules (the owner field names the
 * caller) and dynamic group rules (the groups field holds one of the caller's groups).
 */
function ownerGrants(model: ModelDef, identity: Identity, action: Action): Array<{ rule: AuthRule; field: string; claims: string[] }> {
  if (identity.kind !== 'user') return [];
  const out: Array<{ rule: AuthRule; field: string; claims: string[] }> = [];
  for (const rule of model.auth) {
    if (!grants(rule, action) || !userProviderFits(rule)) continue;
    if (rule.allow === 'owner') out.push({ rule, field: ownerFieldOf(rule), claims: ownerClaims(rule, identity) });
    else if (rule.allow === 'groups' && rule.groupsField !== undefined) {
      out.push({ rule, field: rule.groupsField, claims: [...groupsOf(identity, rule)] });
    }
  }
  return out.filter((g) => g.claims.length > 0);
}

/** Which records of `model` the caller may read. */
export function readAccess(model: ModelDef, identity: Identity): ReadAccess {
  if (fullyGranted(model, identity, 'read')) return { kind: 'all' };
  const owners = ownerGrants(model, identity, 'read').map((g) => ({ field: g.field, claims: g.claims }));
  return owners.length > 0 ? { kind: 'owned', owners } : { kind: 'none' };
}

/** True when `access` lets the caller see `item`. */
export function canRead(access: ReadAccess, item: Readonly<Record<string, unknown>>): boolean {
  if (access.kind === 'all') return true;
  if (access.kind === 'none') return false;
  return access.owners.some((o) => fieldHolds(item[o.field], o.claims));
}

/**
 * Whether the caller may create: returns the owner values to fill (field → value), or undefined
 * when not allowed. An explicit owner value in the input must name the caller unless a non-owner
 * rule grants create.
 */
export function createAccess(model: ModelDef, identity: Identity, input: Readonly<Record<string, unknown>>): { fill: Record<string, string> } | undefined {
  const fill: Record<string, string> = {};
  if (identity.kind === 'user') {
    for (const rule of ownerRulesOf(model)) {
      const field = ownerFieldOf(rule);
      const value = ownerValue(rule, identity);
      const isList = findField(model, field)?.isList === true;
      if (value !== undefined && (input[field] === undefined || input[field] === null) && !isList) fill[field] = value;
    }
  }
  if (fullyGranted(model, identity, 'create')) return { fill };
  const grantsOwn = ownerGrants(model, identity, 'create');
  const merged = { ...input, ...fill };
  if (grantsOwn.some((g) => fieldHolds(merged[g.field], g.claims))) return { fill };
  return undefined;
}

/** Whether the caller may update/delete the stored `item`. */
export function writeAccess(model: ModelDef, identity: Identity, action: 'update' | 'delete', item: Readonly<Record<string, unknown>>): boolean {
  if (fullyGranted(model, identity, action)) return true;
  return ownerGrants(model, identity, action).some((g) => fieldHolds(item[g.field], g.claims));
}

/** Owner fields the caller may not change on update (so a record cannot be handed to someone else). */
export function protectedOwnerFields(model: ModelDef, identity: Identity): string[] {
  if (fullyGranted(model, identity, 'update')) return [];
  return ownerRulesOf(model).map(ownerFieldOf);
}

/** True when the model has rules that are decided per record (owner or dynamic groups). */
export function hasPerRecordRules(model: ModelDef): boolean {
  return model.auth.some((r) => r.allow === 'owner' || (r.allow === 'groups' && r.groupsField !== undefined));
}
