// A faithful fake of Electron's safeStorage (electron.d.ts, Electron 45) for Node tests: the same
// method names and shapes, AES-256-GCM under a key of its own standing in for the OS-held key
// (so another "machine" cannot decrypt), Chromium's `v10`/`v11` ciphertext prefixes, and the
// errors Electron throws when encryption is unavailable or a buffer does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageApi } from '../../../main/auth/safe-storage-credential-store.js';

export interface FakeSafeStorageOptions {
  /** Default true. */
  readonly available?: boolean;
  /** Linux backend name; omit to fake Windows/macOS (where the method is not meaningful). */
  readonly backend?: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';
}

export function fakeSafeStorage(options: FakeSafeStorageOptions = {}): SafeStorageApi & { calls: { encrypt: number } } {
  const key = randomBytes(32);
  const prefix = Buffer.from(options.backend === 'basic_text' ? 'v10' : 'v11');
  const available = options.available ?? true;
  const calls = { encrypt: 0 };
  return {
    calls,
    isEncryptionAvailable: () => available,
    encryptString(plainText: string): Buffer {
      if (!available) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
      calls.encrypt += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([prefix, iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted: Buffer): string {
      if (!available) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
      try {
        if (!encrypted.subarray(0, 3).equals(prefix)) throw new Error('prefix');
        const iv = encrypted.subarray(3, 15);
        const tag = encrypted.subarray(15, 31);
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      }
    },
    ...(options.backend ? { getSelectedStorageBackend: () => options.backend! } : {}),
  };
}
