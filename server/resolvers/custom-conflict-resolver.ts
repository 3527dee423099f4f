// The LAMBDA conflict strategy as a local module (PROTOCOL.md §3.4): the module's default export
// (or `resolveConflict`) gets `{ newItem, existingItem, arguments, resolver, identity }` and answers
// `{ action: 'RESOLVE', item }`, `{ action: 'REJECT' }` or `{ action: 'REMOVE' }`.
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { Identity } from '../auth/identity.js';

/** What the resolver module receives. */
export interface ConflictResolverInput {
  readonly newItem: Readonly<Record<string, unknown>>;
  readonly existingItem: Readonly<Record<string, unknown>>;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly resolver: { readonly field: string; readonly model: string };
  /** null for API-key callers, as AppSync passes. */
  readonly identity: {
    readonly sub: string;
    readonly username: string;
    readonly groups: readonly string[];
    readonly claims: Readonly<Record<string, unknown>>;
  } | null;
}

/** A validated answer. */
export type ConflictResolution =
  { readonly action: 'RESOLVE'; readonly item: Readonly<Record<string, unknown>> } | { readonly action: 'REJECT' } | { readonly action: 'REMOVE' };

/** A loaded resolver; throws a plain Error naming what was wrong with a bad answer. */
export type ConflictResolverFn = (input: ConflictResolverInput) => Promise<ConflictResolution>;

/** How long a resolver may take before the mutation fails with ConflictError, ms. */
export const RESOLVER_TIMEOUT_MS = 5_000;

/** The identity as the resolver sees it. */
export function resolverIdentity(identity: Identity): ConflictResolverInput['identity'] {
  return identity.kind === 'user' ? { sub: identity.sub, username: identity.username, groups: identity.groups, claims: identity.claims } : null;
}

function validate(answer: unknown): ConflictResolution {
  if (typeof answer !== 'object' || answer === null) throw new Error(`answered ${JSON.stringify(answer)}, not an object`);
  const a = answer as Record<string, unknown>;
  if (a.action === 'REJECT' || a.action === 'REMOVE') return { action: a.action };
  if (a.action === 'RESOLVE') {
    const item = a.item;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error('answered RESOLVE without an item object');
    return { action: 'RESOLVE', item: item as Record<string, unknown> };
  }
  throw new Error(`answered action ${JSON.stringify(a.action)}; expected RESOLVE, REJECT or REMOVE`);
}

/** Loads the module at `path` (relative to `baseDir`); throws when it exports no function. */
export async function loadConflictResolver(path: string, baseDir: string): Promise<ConflictResolverFn> {
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  const mod = (await import(pathToFileURL(full).href)) as { default?: unknown; resolveConflict?: unknown };
  const fn = typeof mod.default === 'function' ? mod.default : mod.resolveConflict;
  if (typeof fn !== 'function') {
    throw new Error(`conflict resolver ${full} must export a default function or a function named resolveConflict`);
  }
  return async (input) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not answer within ${RESOLVER_TIMEOUT_MS} ms`)), RESOLVER_TIMEOUT_MS);
    });
    try {
      const answer: unknown = await Promise.race([Promise.resolve((fn as (i: ConflictResolverInput) => unknown)(input)), timeout]);
      return validate(answer);
    } finally {
      clearTimeout(timer);
    }
  };
}
