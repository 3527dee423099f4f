// What the sign-in form sends and says, as plain functions over its fields: the request for each
// way of signing in, the labels of its tabs and button, which tab an arrow key moves to, and
// whether an error asks for the passphrase step.
import type { RequestOf } from '../common/ipc/contract.js';

/** How a profile signs in: an account on a server, an API key, an identity provider (OIDC), or offline (local only). */
export type SignInMode = 'password' | 'apiKey' | 'oidc' | 'offline';

/** The ways of signing in, in tab order. */
export const SIGN_IN_MODES: readonly SignInMode[] = ['password', 'apiKey', 'oidc', 'offline'];

/** What the user typed. */
export interface SignInFields {
  readonly server: string;
  readonly username: string;
  readonly password: string;
  readonly apiKey: string;
  /** Identity provider: its issuer URL and this app's client id there. */
  readonly issuer?: string;
  readonly clientId?: string;
  /** Advanced: scopes separated by spaces (empty: the default), and which token the server verifies (default id). */
  readonly scopes?: string;
  readonly tokenUse?: 'id' | 'access';
  /** Advanced: a fixed loopback port for the redirect (empty: any free port); Cognito wants the callback URL it has registered. */
  readonly callbackPort?: string;
}

/** Fields before anything is typed. */
export const EMPTY_FIELDS: SignInFields = { server: '', username: '', password: '', apiKey: '', issuer: '', clientId: '', scopes: '', tokenUse: 'id' };

/** The `signIn` request for `mode`: only the fields that mode takes (an API key's label and OIDC scopes only when given). */
export function signInRequest(mode: SignInMode, fields: SignInFields, passphrase?: string): RequestOf<'signIn'> {
  const { server, username, password, apiKey } = fields;
  const secret = passphrase === undefined ? {} : { passphrase };
  if (mode === 'password') return { mode, server, username, password, ...secret };
  if (mode === 'apiKey') return { mode, server, apiKey, ...(username ? { username } : {}), ...secret };
  if (mode === 'oidc') {
    const scopes = (fields.scopes ?? '').split(/\s+/).filter((s) => s !== '');
    return {
      mode,
      server,
      issuer: (fields.issuer ?? '').trim(),
      clientId: (fields.clientId ?? '').trim(),
      ...(scopes.length > 0 ? { scopes } : {}),
      ...(fields.tokenUse === 'access' ? { tokenUse: 'access' as const } : {}),
      ...((fields.callbackPort ?? '').trim() === '' ? {} : { callbackPort: Number((fields.callbackPort ?? '').trim()) }),
      ...secret,
    };
  }
  return { mode, username, ...secret };
}

/** The tab's label: "Account", "API key", "Identity provider", "Offline". */
export function modeLabel(mode: SignInMode): string {
  return mode === 'password' ? 'Account' : mode === 'apiKey' ? 'API key' : mode === 'oidc' ? 'Identity provider' : 'Offline';
}

/** The submit button's label while `busy` or not; an identity-provider sign-in waits for the browser. */
export function submitLabel(mode: SignInMode, busy: boolean): string {
  if (busy) return mode === 'oidc' ? 'Waiting for your browser…' : 'Signing in…';
  return mode === 'offline' ? 'Open profile' : 'Sign in';
}

/** The id of a tab and of the tab panel it controls (SignInTabs' aria-controls, SignInFieldset's id). */
export function tabId(mode: SignInMode): string {
  return `sign-in-tab-${mode}`;
}
export const SIGN_IN_PANEL_ID = 'sign-in-panel';

/** The tab a key moves to from `mode` (ArrowLeft/ArrowRight wrap, Home, End), or null for other keys. */
export function tabForKey(mode: SignInMode, key: string): SignInMode | null {
  const i = SIGN_IN_MODES.indexOf(mode);
  const n = SIGN_IN_MODES.length;
  if (key === 'ArrowRight') return SIGN_IN_MODES[(i + 1) % n]!;
  if (key === 'ArrowLeft') return SIGN_IN_MODES[(i - 1 + n) % n]!;
  if (key === 'Home') return SIGN_IN_MODES[0]!;
  if (key === 'End') return SIGN_IN_MODES[n - 1]!;
  return null;
}

/**
 * What the passphrase step shows after a refusal: nothing, or the ask — for a new passphrase (`confirm`: typed twice;
 * a profile on a computer with no usable keychain) or the profile's own (`wrong` after a wrong one).
 */
export type PassphraseStep = { readonly kind: 'none' } | { readonly kind: 'ask'; readonly wrong: boolean; readonly confirm: boolean };

/** The passphrase step an error asks for: ProfileKeyError with reason passphraseNeeded, newPassphraseNeeded or wrongPassphrase. */
export function passphraseStepFor(error: { readonly code?: unknown; readonly reason?: unknown }): PassphraseStep {
  if (error.code !== 'ProfileKeyError') return { kind: 'none' };
  if (error.reason === 'passphraseNeeded') return { kind: 'ask', wrong: false, confirm: false };
  if (error.reason === 'newPassphraseNeeded') return { kind: 'ask', wrong: false, confirm: true };
  if (error.reason === 'wrongPassphrase') return { kind: 'ask', wrong: true, confirm: false };
  return { kind: 'none' };
}

/** The words above the passphrase field. */
export const PASSPHRASE_EXPLANATION =
  "This computer has no usable keychain, so Outpost protects this profile's data with a passphrase. You will need it each time you open this profile; it cannot be recovered.";

/** The words above the passphrase field of a profile that already has one. */
export const PASSPHRASE_ASK = "This profile's data is protected by a passphrase. Type it to open the profile.";

/** Why the passphrase (and its confirmation, for a new profile) cannot be sent yet, or null when it can. Minimum 10 characters (the contract's). */
export function passphraseProblem(passphrase: string, confirm: string | null): string | null {
  if (passphrase.length < 10) return 'Use at least 10 characters.';
  if (confirm !== null && confirm !== passphrase) return 'The two passphrases differ.';
  return null;
}
