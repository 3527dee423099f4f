// Which owner arguments a subscription sends (PROTOCOL.md §1.6, §1.7, §6.3), decided as Amplify
// DataStore decides it (amplify-js `getAuthorizationInfo`): with a JWT, every owner rule on a
// single-valued owner field whose subscriptions are not public passes the caller's value of the
// rule's identity claim, read from the token payload. AppSync v1 APIs declare these arguments
// `String!` and refuse a subscription without them; current APIs (and ours) check the value names
// the caller, and install a runtime owner filter when it is omitted.
import { decodeJwt } from 'jose';
import { DEFAULT_GROUP_CLAIM, DEFAULT_IDENTITY_CLAIM, DEFAULT_OWNER_FIELD } from '../../common/schema/auth-rules.js';
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import type { AuthRule, ModelDef, Schema } from '../../common/schema/types.js';
import { subscriptionDocument, type SubscriptionKind } from './graphql-documents.js';
import type { SubscriptionRequest } from './realtime-client.js';
import type { SyncAuth } from './sync-auth.js';
import { findField } from '../../common/schema/model-fields.js';

/** Claims of a token, as its payload carries them. */
export type TokenClaims = Readonly<Record<string, unknown>>;

/** Who subscribes: an API key, or a JWT caller with the claims of the token the `start` is authorized with. */
export type SubscriptionCaller =
  | { readonly type: 'apiKey' }
  | {
      readonly type: 'jwt';
      /** Null when there is no readable token (the server then refuses the connection anyway). */
      readonly claims: TokenClaims | null;
    };

/**
 * The claim DataStore reads for a rule. Codegen writes `cognito:username` for a rule that names no
 * claim, and our parser fills the transformer's default `sub::username` in that case: both mean
 * the username claim. Every server accepts the username for a `sub::username` rule.
 */
const USERNAME_CLAIM = 'cognito:username';

/** The payload of a JWT without verifying it (the server verifies); null when `token` is not a JWT. */
export function tokenClaims(token: string | null): TokenClaims | null {
  if (token === null) return null;
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

function grantsListen(rule: AuthRule): boolean {
  return rule.operations.some((op) => op === 'read' || op === 'listen');
}

/** Rules a user-pool or OIDC token is checked against (not API-key, IAM or Lambda ones). */
function forTokenUsers(rule: AuthRule): boolean {
  return rule.provider === undefined || rule.provider === 'userPools' || rule.provider === 'oidc';
}

/**
 * The caller's groups under the rule's group claim: a list, a JSON list in a string (as amplify-js
 * reads it) or a separated string (as our server reads it). Read generously: a group the server
 * counts but we missed would make us send an owner argument that narrows what the user receives.
 */
function groupsOf(claims: TokenClaims, rule: AuthRule): string[] {
  const value = claims[rule.groupClaim ?? DEFAULT_GROUP_CLAIM];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  const groups = value.split(/[\s,]+/).filter(Boolean);
  try {
    const parsed: unknown = JSON.parse(value);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    groups.push(...list.filter((v): v is string => typeof v === 'string'));
  } catch {
    // Not JSON: the separated form above is all there is.
  }
  return groups;
}

/**
 * True when a static group rule granting read lets the caller receive every record: then no owner
 * argument is sent (it would only narrow what they receive). Unlike amplify-js, a group rule that
 * does not grant read suppresses nothing, since it does not authorize the subscription.
 */
function inReadingGroup(model: ModelDef, claims: TokenClaims): boolean {
  return model.auth.some((rule) => {
    if (rule.allow !== 'groups' || !forTokenUsers(rule) || !grantsListen(rule)) return false;
    if (rule.groups === undefined || rule.groups.length === 0) return false;
    const mine = groupsOf(claims, rule);
    return rule.groups.some((g) => mine.includes(g));
  });
}

function claimValue(claims: TokenClaims, rule: AuthRule): string | null {
  const claim = rule.identityClaim === undefined || rule.identityClaim === DEFAULT_IDENTITY_CLAIM ? USERNAME_CLAIM : rule.identityClaim;
  const value = claims[claim];
  // Only text claims: servers compare the argument with the claim as a string.
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The owner arguments (owner field → value) to send with `model`'s subscriptions: none for an API
 * key, for `@model(subscriptions: { level: public })`, or when the caller is in a static group
 * granting read; otherwise one per single-valued owner field of an owner rule granting read or
 * listen whose identity claim the token carries (a missing claim omits the argument: the
 * server's runtime owner filter applies). The first such rule of a field gives its value.
 */
export function subscriptionOwnerArguments(model: ModelDef, caller: SubscriptionCaller): Record<string, string> {
  const out: Record<string, string> = {};
  if (caller.type !== 'jwt' || caller.claims === null) return out;
  if (model.subscriptions?.level === 'public' || model.subscriptions?.level === 'off') return out;
  const claims = caller.claims;
  if (inReadingGroup(model, claims)) return out;
  for (const rule of model.auth) {
    if (rule.allow !== 'owner' || !forTokenUsers(rule) || !grantsListen(rule)) continue;
    const field = rule.ownerField ?? DEFAULT_OWNER_FIELD;
    if (Object.hasOwn(out, field)) continue;
    // A list owner field (several owners) takes no argument: AppSync filters with `contains`.
    if (findField(model, field)?.isList === true) continue;
    const value = claimValue(claims, rule);
    if (value !== null) out[field] = value;
  }
  return out;
}

/**
 * Builds `model`'s `kind` subscription request for the token a `start` is authorized with (null
 * with an API key): the §1.7 document declaring `$filter` (when `filter` is given) and the owner
 * arguments that token's claims call for, with their variables.
 */
export function subscriptionRequestFor(
  schema: Schema,
  model: ModelDef,
  kind: SubscriptionKind,
  options: { readonly auth: SyncAuth['type']; readonly filter: GraphqlFilterInput | null },
): (token: string | null) => SubscriptionRequest {
  return (token) => {
    const caller: SubscriptionCaller = options.auth === 'apiKey' ? { type: 'apiKey' } : { type: 'jwt', claims: tokenClaims(token) };
    const owners = subscriptionOwnerArguments(model, caller);
    const document = subscriptionDocument(schema, model, kind, { withFilter: options.filter !== null, ownerArguments: Object.keys(owners) });
    return { query: document.query, variables: { ...(options.filter === null ? {} : { filter: options.filter }), ...owners } };
  };
}
