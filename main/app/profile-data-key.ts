// Which key opens a profile's data on this computer, and how it is protected (issue 15): a random
// key kept in the keychain where the computer has one that outlives Outpost, else a key derived from
// the user's passphrase (its salt and verifier in `passphrase.json` beside the database). A profile
// that once used a passphrase keeps using it; a database that is already encrypted never gets a new
// key (that would hide its data for good) — a missing key is an error naming the profile.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialStore } from '../auth/credential-store.js';
import { writeFileAtomically } from '../atomic-file.js';
import { storeFileKind } from '../datastore/store-encryption.js';
import {
  forgetProfileKey,
  keychainProfileKey,
  passphraseProfileKey,
  ProfileKeyError,
  unlockWithPassphrase,
  type PassphraseRecord,
} from '../crypto/profile-key.js';

/** Where data keys live: a store that outlives the process, or nowhere ('passphrase': asked each time). */
export type DataKeyStore = CredentialStore | 'passphrase';

/** A profile's data key and the words Settings shows for it. */
export interface ProfileDataKey {
  readonly key: Buffer;
  readonly protection: 'keychain' | 'passphrase';
  /** currentUser.dataProtection. */
  readonly text: string;
}

/** The file beside a passphrase profile's database that lets a passphrase be checked. */
export const PASSPHRASE_FILE = 'passphrase.json';

/** Settings' words for each protection. */
export function dataProtectionText(protection: ProfileDataKey['protection']): string {
  return protection === 'keychain'
    ? 'Encrypted with a key kept in the system keychain'
    : 'Encrypted with your passphrase: this computer has no usable keychain';
}

/** True for a store whose keys survive a restart under the OS's protection (keychain, OS-encrypted file). */
export function keepsDataKeys(store: CredentialStore): boolean {
  return store.kind === 'keychain' || store.kind === 'encryptedFile';
}

/** The core's `credentials` and `dataKeys` for a chosen store: keys in it when it keeps them (keepsDataKeys), else passphrases. */
export function withDataKeys(credentials: CredentialStore): { readonly credentials: CredentialStore; readonly dataKeys: DataKeyStore } {
  return { credentials, dataKeys: keepsDataKeys(credentials) ? credentials : 'passphrase' };
}

/** What is on disk for the profile: no database yet, a plain (pre-encryption) one, or an encrypted one. */
export type StoreFileState = 'absent' | 'plain' | 'encrypted';

/** What is on disk, from the store's own header check: anything but plain SQLite counts as locked data (never a fresh key for it). */
export function storeFileState(file: string): StoreFileState {
  const kind = storeFileKind(file);
  return kind === 'missing' ? 'absent' : kind === 'plain' ? 'plain' : 'encrypted';
}

function readPassphraseRecord(file: string, profileId: string): PassphraseRecord | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PassphraseRecord;
  } catch (error) {
    throw new ProfileKeyError(`profile ${profileId}'s ${PASSPHRASE_FILE} cannot be read (${(error as Error).message})`, profileId, 'keyMissing');
  }
}

export interface ProfileDataKeyRequest {
  readonly profileId: string;
  /** The profile's folder (passphrase.json lives there). */
  readonly dir: string;
  /** The profile's database file. */
  readonly databaseFile: string;
  readonly store: DataKeyStore;
  /** What the user typed, when the renderer asked for it. */
  readonly passphrase?: string | undefined;
}

/** The key for a profile (made on first use); throws ProfileKeyError (passphraseNeeded, wrongPassphrase, keyMissing…). */
export async function profileDataKey(request: ProfileDataKeyRequest): Promise<ProfileDataKey> {
  const { profileId, dir, store, passphrase } = request;
  const recordFile = join(dir, PASSPHRASE_FILE);
  const record = readPassphraseRecord(recordFile, profileId);
  const state = storeFileState(request.databaseFile);
  const needPassphrase = (why: string): ProfileKeyError =>
    new ProfileKeyError(`${why} Choose a passphrase of at least 10 characters to protect profile ${profileId}'s data.`, profileId, 'newPassphraseNeeded');
  if (record !== null) {
    if (passphrase === undefined) {
      throw new ProfileKeyError(`Profile ${profileId}'s data is protected by a passphrase: type it to open the profile.`, profileId, 'passphraseNeeded');
    }
    return { key: await unlockWithPassphrase(passphrase, record, profileId), protection: 'passphrase', text: dataProtectionText('passphrase') };
  }
  if (store !== 'passphrase') {
    try {
      const key = await keychainProfileKey(store, profileId, { create: state !== 'encrypted' });
      return { key, protection: 'keychain', text: dataProtectionText('keychain') };
    } catch (error) {
      // A keychain that does not answer is like none, but only while no data is locked under its key.
      const reason = error instanceof ProfileKeyError ? error.details?.reason : undefined;
      if (reason !== 'keychainUnavailable' || state === 'encrypted') throw error;
      if (passphrase === undefined) throw needPassphrase(`${(error as Error).message}`);
    }
  } else if (state === 'encrypted') {
    throw new ProfileKeyError(
      `Profile ${profileId}'s data was encrypted with a key from a keychain this computer no longer offers: unlock the keychain (or start the Secret Service) and open it again. Nothing was discarded.`,
      profileId,
      'keyMissing',
    );
  } else if (passphrase === undefined) {
    throw needPassphrase('This computer has no usable keychain to keep the key to your data.');
  }
  const made = await passphraseProfileKey(passphrase!, profileId);
  mkdirSync(dir, { recursive: true });
  writeFileAtomically(recordFile, JSON.stringify(made.record, null, 2), { mode: 0o600, durable: true });
  return { key: made.key, protection: 'passphrase', text: dataProtectionText('passphrase') };
}

/** Forgets the profile's key wherever it was kept (after its files are gone); the passphrase record goes with the folder. */
export async function forgetProfileDataKey(store: DataKeyStore, profileId: string): Promise<void> {
  if (store !== 'passphrase') await forgetProfileKey(store, profileId);
}
