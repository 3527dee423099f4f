// Secrets in one file in the user-data folder, each encrypted by Electron's safeStorage: DPAPI on
// Windows, a key held in the Keychain on macOS, a key held in the Secret Service or KWallet on
// Linux — or, on a Linux desktop with neither, Chromium's `basic_text` (a hard-coded key), which
// this store reports as weak so the chooser and the Settings screen can say so.
// Each entry is encrypted on its own, so an entry that no longer decrypts (the OS key changed,
// the file came from another computer) is reported and kept, never dropped by the next write.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import { CredentialStoreError, keychainAccount, type CredentialStore } from './credential-store.js';

/** The part of Electron's `safeStorage` this store uses (node_modules/electron/electron.d.ts, Electron 45). */
export interface SafeStorageApi {
  /** False before the app is ready, and on Linux when no key could be had. */
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  /** Throws when the buffer was not made by this machine's key. */
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text`, `gnome_libsecret`, `kwallet`, `kwallet5`, `kwallet6`, or `unknown` before ready. */
  getSelectedStorageBackend?(): string;
}

/** How well safeStorage protects a file on this machine, in the store's terms. */
export interface SafeStorageProtection {
  readonly kind: 'encryptedFile' | 'weakFile';
  /** Plain words for the Settings screen. */
  readonly description: string;
  /** What encrypts it: `DPAPI`, `Keychain`, or the Linux backend name. */
  readonly backend: string;
}

const LINUX_KEYRINGS: Readonly<Record<string, string>> = {
  gnome_libsecret: 'gnome-libsecret',
  kwallet: 'kwallet',
  kwallet5: 'kwallet5',
  kwallet6: 'kwallet6',
};

/**
 * What safeStorage's encryption is worth on `platform` with Linux backend `backend`: real on
 * Windows (DPAPI), macOS (Keychain) and Linux with a keyring; weak with `basic_text` (Chromium's
 * hard-coded key: anyone who can read the file can decrypt it) and with a backend it cannot name.
 */
export function safeStorageProtection(platform: NodeJS.Platform, backend: string | undefined): SafeStorageProtection {
  const strong = (name: string): SafeStorageProtection => ({
    kind: 'encryptedFile',
    description: `kept in a file encrypted by the system (${name})`,
    backend: name,
  });
  if (platform === 'win32') return strong('DPAPI');
  if (platform === 'darwin') return strong('Keychain');
  const keyring = backend === undefined ? undefined : LINUX_KEYRINGS[backend];
  if (keyring !== undefined) return strong(keyring);
  return { kind: 'weakFile', description: 'kept in a file with weak protection (no keyring)', backend: backend ?? 'unknown' };
}

export interface SafeStorageCredentialStoreOptions {
  readonly safeStorage: SafeStorageApi;
  /** The JSON file holding the encrypted entries (created with mode 0600 on first write). */
  readonly file: string;
  /** The platform whose protection the store reports (default `process.platform`). */
  readonly platform?: NodeJS.Platform;
}

const FORMAT = 'outpost-credentials';

interface CredentialFile {
  readonly format: typeof FORMAT;
  readonly version: 1;
  /** `keychainAccount(server, user)` → base64 of safeStorage's ciphertext. */
  readonly entries: Record<string, string>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A CredentialStore in one safeStorage-encrypted file, keyed like the keychain (`<server>#<user>`). */
export function safeStorageCredentialStore(options: SafeStorageCredentialStoreOptions): CredentialStore {
  const { safeStorage, file } = options;
  const protection = safeStorageProtection(options.platform ?? process.platform, options.safeStorage.getSelectedStorageBackend?.());

  const damaged = (why: string): CredentialStoreError =>
    new CredentialStoreError(`the saved sign-ins in ${file} cannot be read (${why}); Outpost leaves the file as it is. Move it away and sign in again.`, {
      file,
    });

  const read = (): Record<string, string> => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw damaged(errorMessage(error));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw damaged(`not JSON: ${errorMessage(error)}`);
    }
    const doc = parsed as Partial<CredentialFile> | null;
    if (typeof doc !== 'object' || doc === null || doc.format !== FORMAT || doc.version !== 1) {
      throw damaged(`not an ${FORMAT} file of version 1`);
    }
    const entries = doc.entries;
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries) || Object.values(entries).some((v) => typeof v !== 'string')) {
      throw damaged('its entries are not strings');
    }
    return { ...entries };
  };

  const write = (entries: Record<string, string>): void => {
    mkdirSync(dirname(file), { recursive: true });
    const doc: CredentialFile = { format: FORMAT, version: 1, entries };
    // Only the user may read it, from the moment it exists (a no-op on Windows, where DPAPI binds it to the user).
    writeFileAtomically(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  };

  // One read-modify-write at a time, so two sign-ins cannot lose each other's entry.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => T): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    kind: protection.kind,
    description: protection.description,
    get: (server, user) =>
      serial(() => {
        const account = keychainAccount(server, user);
        const sealed = read()[account];
        if (sealed === undefined) return null;
        try {
          return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
        } catch (error) {
          throw new CredentialStoreError(
            `the saved sign-in for ${account} in ${file} cannot be decrypted (${errorMessage(error)}): the system's key changed or the file came from another computer. Sign in again.`,
            { file, account },
          );
        }
      }),
    set: (server, user, secret) =>
      serial(() => {
        const entries = read();
        entries[keychainAccount(server, user)] = safeStorage.encryptString(secret).toString('base64');
        write(entries);
      }),
    delete: (server, user) =>
      serial(() => {
        const entries = read();
        const account = keychainAccount(server, user);
        if (!Object.hasOwn(entries, account)) return false;
        delete entries[account];
        write(entries);
        return true;
      }),
  };
}
