// Profile keys (main/crypto/profile-key.ts): made once and kept in the keychain, read back the
// same; a keychain that fails or keeps nothing is a clear ProfileKeyError naming the profile
// (never a silent key-less store); a passphrase derives a key with the stated scrypt cost and a
// wrong one is told apart from a damaged record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import {
  forgetProfileKey,
  keychainProfileKey,
  PASSPHRASE_KDF,
  passphraseProfileKey,
  ProfileKeyError,
  PROFILE_KEY_BYTES,
  unlockWithPassphrase,
} from '../../../main/crypto/profile-key.js';

const reasonOf = (err: unknown) => (err instanceof ProfileKeyError ? err.details?.reason : undefined);

test('a keychain key is made once per profile and read back the same; another profile gets another', async () => {
  const store = memoryCredentialStore();
  const first = await keychainProfileKey(store, 'p1', { create: true });
  assert.equal(first.length, PROFILE_KEY_BYTES);
  assert.deepEqual(await keychainProfileKey(store, 'p1', { create: false }), first);
  assert.notDeepEqual(await keychainProfileKey(store, 'p2', { create: true }), first);
  await forgetProfileKey(store, 'p1');
  await assert.rejects(
    keychainProfileKey(store, 'p1', { create: false }),
    (err) => reasonOf(err) === 'keyMissing' && /nothing was discarded/.test((err as Error).message),
  );
});

test('a keychain that fails, or says yes and keeps nothing, is a clear error naming the profile', async () => {
  const failing: CredentialStore = {
    kind: 'keychain',
    description: 'broken',
    get: async () => {
      throw new Error('org.freedesktop.secrets was not provided');
    },
    set: async () => undefined,
    delete: async () => false,
  };
  await assert.rejects(
    keychainProfileKey(failing, 'p9', { create: true }),
    (err) => reasonOf(err) === 'keychainUnavailable' && /p9/.test((err as Error).message),
  );
  const forgetful: CredentialStore = {
    kind: 'keychain',
    description: 'forgetful',
    get: async () => null,
    set: async () => undefined,
    delete: async () => false,
  };
  await assert.rejects(
    keychainProfileKey(forgetful, 'p9', { create: true }),
    (err) => reasonOf(err) === 'keychainUnavailable' && /did not keep/.test((err as Error).message),
  );
  const damaged = memoryCredentialStore();
  await damaged.set('outpost-profile-key', 'p3', Buffer.alloc(7).toString('base64'));
  await assert.rejects(keychainProfileKey(damaged, 'p3', { create: true }), (err) => reasonOf(err) === 'keyMissing' && /damaged/.test((err as Error).message));
});

test('a passphrase derives the key with the stated scrypt cost; the right one unlocks, a wrong one is told', async () => {
  const { key, record } = await passphraseProfileKey('correct horse battery staple', 'p1');
  assert.equal(key.length, PROFILE_KEY_BYTES);
  assert.deepEqual([record.kdf, record.N, record.r, record.p], ['scrypt', PASSPHRASE_KDF.N, PASSPHRASE_KDF.r, PASSPHRASE_KDF.p]);
  assert.ok(!JSON.stringify(record).includes(key.toString('base64')), 'the record does not hold the key');
  assert.deepEqual(await unlockWithPassphrase('correct horse battery staple', record, 'p1'), key);
  await assert.rejects(unlockWithPassphrase('correct horse battery stapler', record, 'p1'), (err) => reasonOf(err) === 'wrongPassphrase');
  await assert.rejects(unlockWithPassphrase('correct horse battery staple', { ...record, N: 2 ** 40 }, 'p1'), (err) => reasonOf(err) === 'keyMissing');
  await assert.rejects(passphraseProfileKey('short', 'p1'), /at least 10 characters/);
  const again = await passphraseProfileKey('correct horse battery staple', 'p1');
  assert.notDeepEqual(again.key, key, 'a new salt makes a new key');
});
