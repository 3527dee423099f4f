// Which key opens a profile's data (main/app/profile-data-key.ts), over real files: a keychain key is
// made once and reused; an encrypted database never gets a new key; with no usable keychain a
// passphrase is asked for (a new one, then the same one each time), a wrong one is told apart, and
// a profile that chose a passphrase keeps it even once a keychain answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { ProfileKeyError } from '../../../main/crypto/profile-key.js';
import {
  forgetProfileDataKey,
  keepsDataKeys,
  PASSPHRASE_FILE,
  profileDataKey,
  storeFileState,
  withDataKeys,
  type DataKeyStore,
} from '../../../main/app/profile-data-key.js';

function profileDir(t: { after(fn: () => void): void }): { dir: string; databaseFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-data-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, databaseFile: join(dir, 'outpost.db') };
}

const reasonOf = (error: unknown): unknown => (error instanceof ProfileKeyError ? error.details?.reason : undefined);

function keyFor(dir: { dir: string; databaseFile: string }, store: DataKeyStore, passphrase?: string) {
  return profileDataKey({ profileId: 'p1', ...dir, store, passphrase });
}

/** A keychain that refuses every call, as a locked keyring does. */
const lockedKeychain: CredentialStore = {
  kind: 'keychain',
  description: 'kept in the system keychain',
  get: () => Promise.reject(new Error('the keyring is locked')),
  set: () => Promise.reject(new Error('the keyring is locked')),
  delete: () => Promise.reject(new Error('the keyring is locked')),
};

test('a keychain key is made for a new profile, reused after, and forgotten at sign-out', async (t) => {
  const dir = profileDir(t);
  const store = memoryCredentialStore();
  const first = await keyFor(dir, store);
  assert.equal(first.protection, 'keychain');
  assert.equal(first.key.length, 32);
  assert.match(first.text, /system keychain/);
  writeFileSync(dir.databaseFile, Buffer.alloc(4096, 7)); // an encrypted file: no SQLite header
  assert.deepEqual((await keyFor(dir, store)).key, first.key);
  await forgetProfileDataKey(store, 'p1');
  // An encrypted database never gets a fresh key: that would hide its data for good.
  await assert.rejects(keyFor(dir, store), (error) => reasonOf(error) === 'keyMissing' && /nothing was discarded/.test(String(error)));
});

test('without a usable keychain a new passphrase is asked for, then the same one each time; a wrong one is named', async (t) => {
  const dir = profileDir(t);
  await assert.rejects(keyFor(dir, 'passphrase'), (error) => reasonOf(error) === 'newPassphraseNeeded' && /no usable keychain/.test(String(error)));
  assert.equal(existsSync(join(dir.dir, PASSPHRASE_FILE)), false, 'nothing is kept before a passphrase is chosen');
  const made = await keyFor(dir, 'passphrase', 'correct horse battery');
  assert.equal(made.protection, 'passphrase');
  assert.match(made.text, /passphrase/);
  assert.equal(existsSync(join(dir.dir, PASSPHRASE_FILE)), true);
  await assert.rejects(keyFor(dir, 'passphrase'), (error) => reasonOf(error) === 'passphraseNeeded');
  await assert.rejects(keyFor(dir, 'passphrase', 'wrong horse battery'), (error) => reasonOf(error) === 'wrongPassphrase');
  assert.deepEqual((await keyFor(dir, 'passphrase', 'correct horse battery')).key, made.key);
  // Once chosen, the passphrase stays the profile's protection even where a keychain answers later.
  const later = await keyFor(dir, memoryCredentialStore(), 'correct horse battery');
  assert.equal(later.protection, 'passphrase');
  assert.deepEqual(later.key, made.key);
});

test('a keychain that does not answer asks for a passphrase for a new profile, and names the profile for an encrypted one', async (t) => {
  const fresh = profileDir(t);
  await assert.rejects(keyFor(fresh, lockedKeychain), (error) => reasonOf(error) === 'newPassphraseNeeded' && /keyring is locked/.test(String(error)));
  assert.equal((await keyFor(fresh, lockedKeychain, 'a long passphrase')).protection, 'passphrase');

  const encrypted = profileDir(t);
  writeFileSync(encrypted.databaseFile, Buffer.alloc(4096, 9));
  await assert.rejects(
    keyFor(encrypted, lockedKeychain, 'a long passphrase'),
    (error) => reasonOf(error) === 'keychainUnavailable' && /p1/.test(String(error)),
  );
  await assert.rejects(keyFor(encrypted, 'passphrase', 'a long passphrase'), (error) => reasonOf(error) === 'keyMissing');
});

test('the file state tells a plain SQLite file from an encrypted one, and which stores keep data keys', async (t) => {
  const dir = profileDir(t);
  assert.equal(storeFileState(dir.databaseFile), 'absent');
  writeFileSync(dir.databaseFile, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(100)]));
  assert.equal(storeFileState(dir.databaseFile), 'plain');
  writeFileSync(dir.databaseFile, Buffer.alloc(200, 1));
  assert.equal(storeFileState(dir.databaseFile), 'encrypted');
  assert.equal(keepsDataKeys(memoryCredentialStore()), false);
  assert.equal(keepsDataKeys(lockedKeychain), true);
  assert.equal(withDataKeys(memoryCredentialStore()).dataKeys, 'passphrase');
  assert.equal(withDataKeys(lockedKeychain).dataKeys, lockedKeychain);
});
