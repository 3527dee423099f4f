// `@auth(rules: [...])` on a model, read the way Amplify's auth transformer reads it, with its
// defaults filled in so every consumer (server enforcement, codegen, forms) sees explicit values.
import { Kind, type DirectiveNode, type ValueNode } from 'graphql';
import type { AuthOperation, AuthProvider, AuthRule, AuthStrategy } from './types.js';
import { directiveArguments, errorAt, objectFields, stringListValue, stringValue, wordListValue, wordValue, type SdlContext } from './sdl-values.js';

const STRATEGIES: readonly AuthStrategy[] = ['owner', 'groups', 'private', 'public', 'custom'];
const OPERATIONS: readonly AuthOperation[] = ['create', 'update', 'delete', 'read', 'get', 'list', 'sync', 'listen', 'search'];
const PROVIDERS: readonly AuthProvider[] = ['apiKey', 'iam', 'oidc', 'userPools', 'function'];

/** Operations a rule grants when it lists none. */
export const DEFAULT_AUTH_OPERATIONS: readonly AuthOperation[] = ['create', 'update', 'delete', 'read'];
/** Owner rules: field holding the owner when `ownerField` is not given. */
export const DEFAULT_OWNER_FIELD = 'owner';
/** Owner rules: token claim(s) identifying the caller; `::` joins sub and username as Amplify stores them. */
export const DEFAULT_IDENTITY_CLAIM = 'sub::username';
/** Group rules: token claim holding the caller's groups. */
export const DEFAULT_GROUP_CLAIM = 'cognito:groups';

// Amplify's defaults and the providers it accepts per strategy.
const PROVIDER_RULES: Readonly<Record<AuthStrategy, { readonly default: AuthProvider; readonly allowed: readonly AuthProvider[] }>> = {
  owner: { default: 'userPools', allowed: ['userPools', 'oidc'] },
  groups: { default: 'userPools', allowed: ['userPools', 'oidc'] },
  private: { default: 'userPools', allowed: ['userPools', 'oidc', 'iam'] },
  public: { default: 'apiKey', allowed: ['apiKey', 'iam'] },
  custom: { default: 'function', allowed: ['function'] },
};

const RULE_KEYS = ['allow', 'provider', 'ownerField', 'identityClaim', 'groups', 'groupsField', 'groupClaim', 'operations'] as const;
const KEYS_BY_STRATEGY: Readonly<Record<string, readonly AuthStrategy[]>> = {
  ownerField: ['owner'],
  identityClaim: ['owner'],
  groups: ['groups'],
  groupsField: ['groups'],
  groupClaim: ['groups'],
};

/** Parses `@auth(rules: [...])` into rules with defaults filled in (provider, operations, owner field and claims). */
export function parseAuthDirective(ctx: SdlContext, directive: DirectiveNode, modelName: string): AuthRule[] {
  const args = directiveArguments(ctx, directive, ['rules']);
  const rulesArg = args.get('rules');
  if (rulesArg === undefined) throw errorAt(ctx, directive, `@auth on ${modelName} needs rules: [...]`);
  const list = rulesArg.value.kind === Kind.LIST ? rulesArg.value.values : [rulesArg.value];
  if (list.length === 0) throw errorAt(ctx, rulesArg, `@auth on ${modelName} has an empty rules list`);
  return list.map((ruleNode) => parseAuthRule(ctx, ruleNode, `an @auth rule of ${modelName}`, modelName));
}

/** Parses one rule object (`{ allow: owner, … }`); `what` names it in errors. */
export function parseAuthRule(ctx: SdlContext, ruleNode: ValueNode, what: string, modelName: string): AuthRule {
  const keys = objectFields(ctx, ruleNode, RULE_KEYS, what);
  const allowNode = keys.get('allow');
  if (allowNode === undefined) throw errorAt(ctx, ruleNode, `${what} needs "allow" (one of ${STRATEGIES.join(', ')})`);
  const allow = wordValue(ctx, allowNode.value, STRATEGIES, '"allow"');
  for (const [key, node] of keys) {
    const only = KEYS_BY_STRATEGY[key];
    if (only !== undefined && !only.includes(allow)) {
      throw errorAt(ctx, node, `"${key}" applies only to allow: ${only.join(' | ')} rules, not allow: ${allow}`);
    }
  }
  const providerNode = keys.get('provider');
  const providerRule = PROVIDER_RULES[allow];
  const provider = providerNode === undefined ? providerRule.default : wordValue(ctx, providerNode.value, PROVIDERS, '"provider"');
  if (!providerRule.allowed.includes(provider)) {
    throw errorAt(ctx, providerNode?.value, `provider ${provider} cannot be used with allow: ${allow} (use ${providerRule.allowed.join(' or ')})`);
  }
  const operationsNode = keys.get('operations');
  const operations = operationsNode === undefined ? [...DEFAULT_AUTH_OPERATIONS] : wordListValue(ctx, operationsNode.value, OPERATIONS, '"operations"');
  if (operations.length === 0) throw errorAt(ctx, operationsNode, `"operations" of ${what} is empty: the rule would grant nothing`);
  const text = (key: string): string | undefined => {
    const node = keys.get(key);
    return node === undefined ? undefined : stringValue(ctx, node.value, `"${key}"`);
  };

  if (allow === 'owner') {
    return {
      allow,
      provider,
      ownerField: text('ownerField') ?? DEFAULT_OWNER_FIELD,
      identityClaim: text('identityClaim') ?? DEFAULT_IDENTITY_CLAIM,
      operations,
    };
  }
  if (allow === 'groups') {
    const groupsNode = keys.get('groups');
    const groups = groupsNode === undefined ? undefined : stringListValue(ctx, groupsNode.value, '"groups"');
    const groupsField = text('groupsField');
    if ((groups === undefined) === (groupsField === undefined)) {
      throw errorAt(ctx, ruleNode, `a groups rule of ${modelName} needs exactly one of "groups" (static) or "groupsField" (dynamic)`);
    }
    return {
      allow,
      provider,
      ...(groups === undefined ? {} : { groups }),
      ...(groupsField === undefined ? {} : { groupsField }),
      groupClaim: text('groupClaim') ?? DEFAULT_GROUP_CLAIM,
      operations,
    };
  }
  return { allow, provider, operations };
}
