// A profile's data key: 256 random bits made for that profile, kept in the OS keychain through the
// credential module (account `profile-key#<profile id>`), or — where no keychain is usable —
// derived from a passphrase the user types (scrypt, parameters below, salt kept beside the
// database). Never a silent fallback to no key: without a keychain and without a passphrase the
// profile cannot be opened, and the error says which.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { OutpostError, ValidationError } from '../../common/errors.js';
import type { CredentialStore } from '../auth/credential-store.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** Bytes of a profile key (AES-256 / SQLite3MultipleCiphers' 256-bit ciphers). */
export const PROFILE_KEY_BYTES = 32;

/**
 * scrypt's cost for a passphrase-derived key: N = 2^17, r = 8, p = 1 (128 MiB, about 0.3–0.5 s on a
 * laptop core; OWASP's 2023 minimum is N = 2^17), 16-byte random salt.
 */
export const PASSPHRASE_KDF = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, saltBytes: 16 } as const;
const SCRYPT_MAXMEM = 256 * 1024 * 1024;
const MIN_PASSPHRASE = 10;

/** The keychain "server" under which profile keys are kept (never a real server URL). */
const KEY_SERVER = 'outpost-profile-key';

/** Why a profile's data could not be opened. */
export type ProfileKeyProblem =
  | 'keychainUnavailable'
  | 'keyMissing'
  | 'wrongPassphrase'
  | 'passphraseNeeded'
  /** No keychain and no passphrase chosen yet for this profile: the user picks one (and confirms it). */
  | 'newPassphraseNeeded'
  | 'wrongKey'
  | 'notADatabase';

/** The key could not be had: which profile, and what the user can do. */
export class ProfileKeyError extends OutpostError {
  constructor(message: string, profileId: string, reason: ProfileKeyProblem) {
    super('ProfileKeyError', message, { profileId, reason });
  }
}

/** A fresh random profile key. */
export function newProfileKey(): Buffer {
  return randomBytes(PROFILE_KEY_BYTES);
}

/** The profile's key from the keychain, made and stored there on first use; throws ProfileKeyError when the keychain fails. */
export async function keychainProfileKey(store: CredentialStore, profileId: string, options: { create: boolean }): Promise<Buffer> {
  let saved: string | null;
  try {
    saved = await store.get(KEY_SERVER, profileId);
  } catch (error) {
    throw new ProfileKeyError(
      `The system keychain did not answer for profile ${profileId}: ${(error as Error).message}. Unlock it, or use a passphrase.`,
      profileId,
      'keychainUnavailable',
    );
  }
  if (saved !== null) {
    const key = Buffer.from(saved, 'base64');
    if (key.length === PROFILE_KEY_BYTES) return key;
    throw new ProfileKeyError(
      `The keychain's key for profile ${profileId} is damaged (${key.length} bytes); its data cannot be opened with it`,
      profileId,
      'keyMissing',
    );
  }
  if (!options.create) {
    throw new ProfileKeyError(
      `The keychain has no key for profile ${profileId}: its data stays on disk, encrypted, and nothing was discarded. Restore the keychain entry, or sign in again to start this profile afresh.`,
      profileId,
      'keyMissing',
    );
  }
  const key = newProfileKey();
  try {
    await store.set(KEY_SERVER, profileId, key.toString('base64'));
    // A keychain that says yes and keeps nothing would lose the data at the next start: read it back.
    const back = await store.get(KEY_SERVER, profileId);
    if (back === null || !timingSafeEqual(Buffer.from(back, 'base64'), key)) throw new Error('the keychain did not keep the key');
  } catch (error) {
    throw new ProfileKeyError(
      `The system keychain could not keep a key for profile ${profileId}: ${(error as Error).message}. Use a passphrase instead.`,
      profileId,
      'keychainUnavailable',
    );
  }
  return key;
}

/** Forgets the profile's key (its data becomes unreadable): after the profile's files are removed. */
export async function forgetProfileKey(store: CredentialStore, profileId: string): Promise<void> {
  await store.delete(KEY_SERVER, profileId).catch(() => false);
}

/** How a passphrase key is checked without storing the key: salt, KDF parameters and a verifier. */
export interface PassphraseRecord {
  readonly kdf: typeof PASSPHRASE_KDF.name;
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64 */
  readonly salt: string;
  /** base64 SHA-256 of the derived key with a label: tells a wrong passphrase from a damaged file. */
  readonly verifier: string;
}

function verifierOf(key: Buffer): string {
  return createHash('sha256').update('outpost-passphrase-verifier\0').update(key).digest('base64');
}

/** A new passphrase key and the record to keep beside the profile's database. */
export async function passphraseProfileKey(passphrase: string, profileId: string): Promise<{ key: Buffer; record: PassphraseRecord }> {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new ValidationError(`a passphrase for profile ${profileId} needs at least ${MIN_PASSPHRASE} characters`, 'passphrase');
  }
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes);
  const { N, r, p } = PASSPHRASE_KDF;
  const key = await scrypt(passphrase.normalize('NFC'), salt, PROFILE_KEY_BYTES, { N, r, p, maxmem: SCRYPT_MAXMEM });
  return { key, record: { kdf: 'scrypt', N, r, p, salt: salt.toString('base64'), verifier: verifierOf(key) } };
}

/** The key for `passphrase` under `record`; throws ProfileKeyError (wrongPassphrase) when it does not match. */
export async function unlockWithPassphrase(passphrase: string, record: PassphraseRecord, profileId: string): Promise<Buffer> {
  if (record.kdf !== 'scrypt' || ![record.N, record.r, record.p].every((n) => Number.isSafeInteger(n) && n > 0) || record.N * record.r * 128 > SCRYPT_MAXMEM) {
    throw new ProfileKeyError(`profile ${profileId}'s passphrase record is damaged or from a newer Outpost`, profileId, 'keyMissing');
  }
  const key = await scrypt(passphrase.normalize('NFC'), Buffer.from(record.salt, 'base64'), PROFILE_KEY_BYTES, {
    N: record.N,
    r: record.r,
    p: record.p,
    maxmem: SCRYPT_MAXMEM,
  });
  const expected = Buffer.from(record.verifier, 'base64');
  const actual = Buffer.from(verifierOf(key), 'base64');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new ProfileKeyError(`That passphrase does not open profile ${profileId}`, profileId, 'wrongPassphrase');
  }
  return key;
}
