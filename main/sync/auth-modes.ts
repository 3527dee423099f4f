// Amplify DataStore's MULTI_AUTH strategy (PROTOCOL.md §6.2, amplify-js multiAuthStrategy.ts): per
// model and operation, the auth modes to try in order, read from the model's @auth rules. Rule
// kinds go custom → owner → groups → private → public and, within a kind, providers go function →
// userPools → oidc → iam → apiKey. Only JWT (userPools, oidc) and API keys are spoken by this
// worker: IAM and Lambda (function) rules are skipped.
import type { AuthOperation, AuthProvider, AuthRule, AuthStrategy, ModelDef } from '../../common/schema/types.js';
import type { GraphqlAnswer } from './mutation-outcome.js';
import type { SyncAuth } from './sync-auth.js';

/** The auth modes the sync worker can send. */
export type AuthMode = 'jwt' | 'apiKey';

/** The operation a request performs, as DataStore names them (sync queries, gets and subscriptions read). */
export type ModelOperation = 'create' | 'read' | 'update' | 'delete';

const STRATEGY_ORDER: readonly AuthStrategy[] = ['custom', 'owner', 'groups', 'private', 'public'];
const PROVIDER_ORDER: readonly AuthProvider[] = ['function', 'userPools', 'oidc', 'iam', 'apiKey'];
const DEFAULT_PROVIDER: Readonly<Record<AuthStrategy, AuthProvider>> = {
  owner: 'userPools',
  groups: 'userPools',
  private: 'userPools',
  public: 'apiKey',
  custom: 'function',
};
/** Granular read operations (Gen 2) that count as `read`. */
const READ_OPERATIONS: readonly AuthOperation[] = ['read', 'get', 'list', 'sync', 'listen', 'search'];

function grants(rule: AuthRule, operation: ModelOperation): boolean {
  return operation === 'read' ? rule.operations.some((op) => READ_OPERATIONS.includes(op)) : rule.operations.includes(operation);
}

function modeOf(provider: AuthProvider): AuthMode | null {
  if (provider === 'userPools' || provider === 'oidc') return 'jwt';
  if (provider === 'apiKey') return 'apiKey';
  return null;
}

/**
 * The ordered, duplicate-free auth modes to try for `operation` on `model` with the credentials
 * `available`; owner, group and private rules count only when a user is signed in (a JWT). Empty
 * when no rule fits: the caller then uses its default mode.
 */
export function modelAuthModes(
  model: Pick<ModelDef, 'auth'>,
  operation: ModelOperation,
  available: { readonly apiKey: boolean; readonly jwt: boolean },
): AuthMode[] {
  const rules = model.auth
    .filter((rule) => grants(rule, operation))
    .map((rule) => ({ strategy: rule.allow, provider: rule.provider ?? DEFAULT_PROVIDER[rule.allow] }))
    .sort(
      (a, b) =>
        STRATEGY_ORDER.indexOf(a.strategy) - STRATEGY_ORDER.indexOf(b.strategy) || PROVIDER_ORDER.indexOf(a.provider) - PROVIDER_ORDER.indexOf(b.provider),
    );
  const modes: AuthMode[] = [];
  for (const { strategy, provider } of rules) {
    const needsUser = strategy === 'owner' || strategy === 'groups' || strategy === 'private';
    if (needsUser && !available.jwt) continue;
    const mode = modeOf(provider);
    if (mode === null || !available[mode] || modes.includes(mode)) continue;
    modes.push(mode);
  }
  return modes;
}

/** True when an answer is an auth refusal (HTTP 401/403 or errorType Unauthorized/UnauthorizedException): try the next mode. */
export function isUnauthorizedAnswer(answer: Pick<GraphqlAnswer, 'httpStatus' | 'errors'>): boolean {
  if (answer.httpStatus === 401 || answer.httpStatus === 403) return true;
  return answer.errors.some((e) => e.errorType === 'Unauthorized' || e.errorType === 'UnauthorizedException');
}

/** How requests are authorized: `DEFAULT` (one credential) or `MULTI_AUTH` (per model and operation, PROTOCOL.md §6.2). */
export type AuthModeStrategy = 'DEFAULT' | 'MULTI_AUTH';

/** MULTI_AUTH: the credentials by mode, validated (one per type, known types); null with DEFAULT (then `additional` must be empty). */
export function multiAuthProviders(
  strategy: AuthModeStrategy | undefined,
  auth: SyncAuth,
  additional: readonly SyncAuth[] = [],
): ReadonlyMap<AuthMode, SyncAuth> | null {
  const chosen = strategy ?? 'DEFAULT';
  if (chosen !== 'DEFAULT' && chosen !== 'MULTI_AUTH') throw new Error(`authModeStrategy must be 'DEFAULT' or 'MULTI_AUTH', got ${String(chosen)}`);
  if (chosen === 'DEFAULT') {
    if (additional.length > 0) throw new Error("additionalAuth needs authModeStrategy 'MULTI_AUTH' (with DEFAULT only auth is used)");
    return null;
  }
  const byMode = new Map<AuthMode, SyncAuth>();
  for (const one of [auth, ...additional]) {
    if (one.type !== 'apiKey' && one.type !== 'jwt') throw new Error(`MULTI_AUTH: unknown auth type ${String((one as { type: unknown }).type)}`);
    if (byMode.has(one.type)) throw new Error(`MULTI_AUTH: two ${one.type} providers given (auth and additionalAuth); give each type once`);
    byMode.set(one.type, one);
  }
  return byMode;
}
