// The one module that owns long-lived secrets (refresh tokens, API keys). Everything else asks a
// CredentialStore, so the keychain library could be swapped without touching sign-in code.
// Access tokens never come here: they live only in memory (main/auth/token-session.ts).
// The other backends: main/auth/safe-storage-credential-store.ts (a file encrypted by Electron's
// safeStorage) and main/auth/choose-credential-store.ts (which one a machine gets).
import { OutpostError } from '../../common/errors.js';

/**
 * Where a store keeps secrets: the OS keychain, a file encrypted with a key the OS protects, a file
 * whose key is hard-coded (Chromium's `basic_text` on Linux: obfuscation, not protection), or only
 * this process's memory (gone when Outpost closes).
 */
export type CredentialStoreKind = 'keychain' | 'encryptedFile' | 'weakFile' | 'memory';

/** Secrets keyed by server and user; `server` is a base URL, `user` a user name or profile label. */
export interface CredentialStore {
  /** Which backend holds the secrets (for diagnostics and the settings screen). */
  readonly kind: CredentialStoreKind;
  /** Where the secrets are kept, in plain words for the Settings screen ("kept in the system keychain"). */
  readonly description: string;
  get(server: string, user: string): Promise<string | null>;
  set(server: string, user: string, secret: string): Promise<void>;
  /** Removes the entry; resolves false when there was none. */
  delete(server: string, user: string): Promise<boolean>;
}

/** A store that cannot be read or written (a damaged file, a key the OS no longer gives); names what to do. */
export class CredentialStoreError extends OutpostError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('CredentialStoreError', message, details);
  }
}

/** The keychain service name every entry is filed under (DESIGN.md "Auth and profiles"). */
export const KEYCHAIN_SERVICE = 'Outpost';

/** The keychain account name for one user on one server: `<server>#<user>`. */
export function keychainAccount(server: string, user: string): string {
  return `${server}#${user}`;
}

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * The OS keychain through keytar (Keychain on macOS, Credential Vault on Windows, Secret Service on
 * Linux). keytar is loaded on first use so a machine without libsecret fails at sign-in with a clear
 * error rather than at start-up (chooseCredentialStore probes it once and falls back).
 */
export function keytarCredentialStore(service: string = KEYCHAIN_SERVICE): CredentialStore {
  let loaded: Promise<KeytarApi> | undefined;
  const keytar = (): Promise<KeytarApi> => {
    loaded ??= import('keytar').then((m) => (m as { default?: KeytarApi }).default ?? (m as unknown as KeytarApi));
    return loaded;
  };
  return {
    kind: 'keychain',
    description: 'kept in the system keychain',
    get: async (server, user) => (await keytar()).getPassword(service, keychainAccount(server, user)),
    set: async (server, user, secret) => (await keytar()).setPassword(service, keychainAccount(server, user), secret),
    delete: async (server, user) => (await keytar()).deletePassword(service, keychainAccount(server, user)),
  };
}

/** What a memory store tells the Settings screen when no keychain was found. */
export const MEMORY_STORE_DESCRIPTION = 'kept only until Outpost closes (no keychain available)';

/** A process-lifetime store for tests and for machines where no keychain is available. */
export function memoryCredentialStore(description: string = MEMORY_STORE_DESCRIPTION): CredentialStore {
  const entries = new Map<string, string>();
  return {
    kind: 'memory',
    description,
    get: async (server, user) => entries.get(keychainAccount(server, user)) ?? null,
    set: async (server, user, secret) => {
      entries.set(keychainAccount(server, user), secret);
    },
    delete: async (server, user) => entries.delete(keychainAccount(server, user)),
  };
}
