// How an `@auth` rule reads a signed-in user: whether it grants an action, whether a user token
// can use it, the user's groups under its group claim, the owner values that name the user and the
// one stored on create. One definition for the client's permission view (model-permissions.ts) and
// the server's enforcement (server/resolvers/model-access.ts, server/realtime).
import { DEFAULT_GROUP_CLAIM, DEFAULT_IDENTITY_CLAIM } from './auth-rules.js';
import type { AccessIdentity, ModelAction } from './model-permissions.js';
import type { AuthOperation, AuthRule } from './types.js';

type User = AccessIdentity & { kind: 'user' };

// The server's read operations; `listen` alone does not let a caller sync or query.
const READ_OPERATIONS: readonly AuthOperation[] = ['read', 'get', 'list', 'sync', 'search'];
/** True when `rule` grants `action` (`read` = any of the read operations). */
export function grants(rule: AuthRule, action: ModelAction): boolean {
  return action === 'read' ? rule.operations.some((op) => READ_OPERATIONS.includes(op)) : rule.operations.includes(action);
}

/** True when a user-pool/OIDC caller can use the rule (rules for IAM or Lambda callers cannot). */
export function userProviderFits(rule: AuthRule): boolean {
  return rule.provider === undefined || rule.provider === 'userPools' || rule.provider === 'oidc';
}

/** The caller's groups under the rule's group claim (the identity's groups for the default claim). */
export function groupsOf(user: User, rule: AuthRule): readonly string[] {
  if (rule.groupClaim === undefined || rule.groupClaim === DEFAULT_GROUP_CLAIM) return user.groups;
  const value = user.claims[rule.groupClaim];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** Values of the rule's identity claim that name `user` in an owner field (`sub::username`, sub, username). */
export function ownerClaims(rule: AuthRule, user: User): string[] {
  const claim = rule.identityClaim ?? DEFAULT_IDENTITY_CLAIM;
  switch (claim) {
    case DEFAULT_IDENTITY_CLAIM:
      return [`${user.sub}::${user.username}`, user.sub, user.username];
    case 'sub':
      return [user.sub];
    case 'username':
    case 'cognito:username':
      return [user.username];
    default: {
      const value = user.claims[claim];
      return typeof value === 'string' && value !== '' ? [value] : [];
    }
  }
}

/** The value the server stores in the rule's owner field on create. */
export function ownerValue(rule: AuthRule, user: User): string | undefined {
  const claim = rule.identityClaim ?? DEFAULT_IDENTITY_CLAIM;
  return claim === DEFAULT_IDENTITY_CLAIM ? `${user.sub}::${user.username}` : ownerClaims(rule, user)[0];
}
