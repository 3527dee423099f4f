// What the sign-in form sends and says, as plain functions over its fields: the request for each
// way of signing in, and the labels of its tabs and button.
import type { RequestOf } from '../common/ipc/contract.js';

/** How a profile signs in: an account on a server, an API key, or offline (local only). */
export type SignInMode = 'password' | 'apiKey' | 'offline';

/** The ways of signing in, in tab order. */
export const SIGN_IN_MODES: readonly SignInMode[] = ['password', 'apiKey', 'offline'];

/** What the user typed. */
export interface SignInFields {
  readonly server: string;
  readonly username: string;
  readonly password: string;
  readonly apiKey: string;
}

/** The `signIn` request for `mode`: only the fields that mode takes (an API key's label only when given). */
export function signInRequest(mode: SignInMode, fields: SignInFields): RequestOf<'signIn'> {
  const { server, username, password, apiKey } = fields;
  if (mode === 'password') return { mode, server, username, password };
  if (mode === 'apiKey') return { mode, server, apiKey, ...(username ? { username } : {}) };
  return { mode, username };
}

/** The tab's label: "Account", "API key", "Offline". */
export function modeLabel(mode: SignInMode): string {
  return mode === 'password' ? 'Account' : mode === 'apiKey' ? 'API key' : 'Offline';
}

/** The submit button's label while `busy` or not. */
export function submitLabel(mode: SignInMode, busy: boolean): string {
  return busy ? 'Signing in…' : mode === 'offline' ? 'Open profile' : 'Sign in';
}
