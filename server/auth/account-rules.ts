// What a username, password, group name or API-key lifetime may be. Usernames end up inside owner
// values (`<sub>::<username>`, PROTOCOL.md "Outpost decisions"), so `:` and whitespace are refused.
import { ValidationError } from '../../common/errors.js';

/** Username length bounds, in characters. */
export const USERNAME_MIN = 1;
export const USERNAME_MAX = 128;
/** Password length bounds, in characters (NIST SP 800-63B: length over composition rules). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;
/** API key lifetime bounds, in days (AppSync allows 1–365; self-hosters may want longer). */
export const API_KEY_DAYS_MIN = 1;
export const API_KEY_DAYS_MAX = 3650;

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@+-]*$/;
const GROUP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/**
 * Returns the canonical form of a username (trimmed, lower-cased: usernames are case-insensitive)
 * or throws ValidationError (path `username`) saying which rule it breaks.
 */
export function normalizeUsername(raw: unknown): string {
  if (typeof raw !== 'string') throw new ValidationError('username must be a string', 'username');
  const username = raw.trim().normalize('NFC').toLowerCase();
  if (username.length < USERNAME_MIN) throw new ValidationError('username must not be empty', 'username');
  if (username.length > USERNAME_MAX) {
    throw new ValidationError(`username must be at most ${USERNAME_MAX} characters`, 'username');
  }
  if (!USERNAME_PATTERN.test(username)) {
    throw new ValidationError('username may contain only letters a-z, digits and . _ @ + - and must start with a letter or digit', 'username');
  }
  return username;
}

/** Throws ValidationError (path `password`) unless the password is acceptable for `username`. */
export function checkPassword(password: unknown, username?: string): asserts password is string {
  if (typeof password !== 'string') throw new ValidationError('password must be a string', 'password');
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw new ValidationError(`password must be at least ${PASSWORD_MIN} characters`, 'password');
  if (length > PASSWORD_MAX) throw new ValidationError(`password must be at most ${PASSWORD_MAX} characters`, 'password');
  if (password.trim().length === 0) throw new ValidationError('password must not be only whitespace', 'password');
  if (username !== undefined && password.toLowerCase() === username.toLowerCase()) {
    throw new ValidationError('password must not be the same as the username', 'password');
  }
}

/** Returns the groups de-duplicated in their given order, or throws ValidationError (path `groups`). */
export function normalizeGroups(groups: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const group of groups) {
    if (typeof group !== 'string' || !GROUP_PATTERN.test(group)) {
      throw new ValidationError(`group ${JSON.stringify(group)} is invalid: use 1-128 letters, digits and . _ @ + - starting with a letter or digit`, 'groups');
    }
    if (!out.includes(group)) out.push(group);
  }
  return out;
}

/** Throws ValidationError (path `days`) unless `days` is a whole number of days within the bounds. */
export function checkApiKeyDays(days: unknown): asserts days is number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < API_KEY_DAYS_MIN || days > API_KEY_DAYS_MAX) {
    throw new ValidationError(`API key lifetime must be a whole number of days from ${API_KEY_DAYS_MIN} to ${API_KEY_DAYS_MAX}`, 'days');
  }
}
