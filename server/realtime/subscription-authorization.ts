// Who may listen to a model's changes, and which records they are told about (PROTOCOL.md §1.6,
// §6.3): @auth rules that grant `read` or `listen` decide; owner and dynamic-group rules narrow
// delivery to the caller's records; an owner argument must name the caller unless a rule already
// grants them every record, in which case it only narrows, as AppSync's argument filtering does.
// Owner claims and owner-field matching are the resolvers' (server/resolvers/model-access.ts), so
// a subscription delivers exactly what a sync query would return to the same caller.
import type { AuthRule, ModelDef } from '../../common/schema/types.js';
import type { Identity } from '../auth/identity.js';
import { fieldHolds } from '../../common/schema/model-permissions.js';
import { ownerFieldOf } from '../graphql/owner-rules.js';
import { groupsOf, ownerClaims, userProviderFits } from '../../common/schema/rule-identity.js';
import { notAuthorized } from '../resolvers/resolver-errors.js';

/** Decides per delivered item whether the subscriber may receive it. */
export type ItemAccess = (item: Readonly<Record<string, unknown>>) => boolean;

/** True when the rule lets its holders receive subscription events (`read` or `listen`). */
function grantsListen(rule: AuthRule): boolean {
  return rule.operations.some((op) => op === 'read' || op === 'listen');
}

/**
 * The owner values equivalent to `value`: a stored `<sub>::<username>` is matched by the sub or the
 * username alone and vice versa (PROTOCOL.md "Outpost decisions").
 */
function ownerForms(value: string): string[] {
  const at = value.indexOf('::');
  return at < 0 ? [value] : [value, value.slice(0, at), value.slice(at + 2)];
}

function ownerFieldMatchesArgument(stored: unknown, argument: string): boolean {
  const wanted = ownerForms(argument);
  const check = (v: unknown): boolean => typeof v === 'string' && ownerForms(v).some((form) => wanted.includes(form));
  return Array.isArray(stored) ? stored.some(check) : check(stored);
}

/**
 * Decides whether `identity` may open the subscription `rootField` on `model` with the given
 * owner arguments (non-null ones only), and returns the per-item check to apply to every event.
 * Throws Unauthorized (AppSync's message) when it may not.
 */
export function authorizeSubscription(model: ModelDef, identity: Identity, rootField: string, ownerArguments: Readonly<Record<string, string>>): ItemAccess {
  const rules = model.auth.filter(grantsListen);
  // A model without @auth is open to every authenticated caller (AppSync's default mode).
  let fullAccess = model.auth.length === 0;
  const narrowing: ItemAccess[] = [];
  const ownerRuleClaims = new Map<string, string[]>();

  if (identity.kind === 'apiKey') {
    fullAccess ||= rules.some((r) => r.allow === 'public' && (r.provider === undefined || r.provider === 'apiKey'));
  } else {
    for (const rule of rules) {
      if (!userProviderFits(rule)) continue;
      if (rule.allow === 'private') fullAccess = true;
      else if (rule.allow === 'groups' && rule.groups && rule.groups.length > 0) {
        const mine = groupsOf(identity, rule);
        if (rule.groups.some((g) => mine.includes(g))) fullAccess = true;
      } else if (rule.allow === 'groups' && rule.groupsField) {
        const field = rule.groupsField;
        const mine = groupsOf(identity, rule);
        if (mine.length > 0) narrowing.push((item) => fieldHolds(item[field], mine));
      } else if (rule.allow === 'owner') {
        const field = ownerFieldOf(rule);
        const claims = ownerClaims(rule, identity);
        if (claims.length === 0) continue;
        ownerRuleClaims.set(field, [...(ownerRuleClaims.get(field) ?? []), ...claims]);
        narrowing.push((item) => fieldHolds(item[field], claims));
      }
    }
  }

  const argumentChecks: ItemAccess[] = [];
  for (const [field, argument] of Object.entries(ownerArguments)) {
    if (fullAccess) {
      // Allowed to see everything: the argument only narrows to that owner's records.
      argumentChecks.push((item) => ownerFieldMatchesArgument(item[field], argument));
      continue;
    }
    const claims = ownerRuleClaims.get(field);
    if (!claims || !claims.includes(argument)) throw notAuthorized(rootField, 'Subscription');
    argumentChecks.push((item) => fieldHolds(item[field], claims));
  }

  if (argumentChecks.length > 0) return (item) => argumentChecks.every((check) => check(item));
  if (fullAccess) return () => true;
  if (narrowing.length === 0) throw notAuthorized(rootField, 'Subscription');
  return (item) => narrowing.some((check) => check(item));
}

/**
 * What authorizeSubscription's item check reads, as a string: equal keys give equal checks (shared
 * across connections by item-access-cache.ts). Per listening rule the caller's owner claims or groups.
 */
export function itemAccessKey(model: ModelDef, identity: Identity, ownerArguments: Readonly<Record<string, string>>): string {
  const parts: unknown[] = [model.name, ownerArguments, identity.kind];
  if (identity.kind !== 'apiKey') {
    for (const rule of model.auth.filter(grantsListen)) {
      if (!userProviderFits(rule)) parts.push(null);
      else if (rule.allow === 'groups') parts.push(groupsOf(identity, rule));
      else if (rule.allow === 'owner') parts.push(ownerClaims(rule, identity));
      else parts.push(rule.allow);
    }
  }
  return JSON.stringify(parts);
}
