// The one module that owns long-lived secrets (refresh tokens, API keys). Everything else asks a
// CredentialStore, so the keychain library could be swapped without touching sign-in code.
// Access tokens never come here: they live only in memory (main/auth/token-session.ts).

/** Secrets keyed by server and user; `server` is a base URL, `user` a user name or profile label. */
export interface CredentialStore {
  /** Which backend holds the secrets (for diagnostics and the settings screen). */
  readonly kind: 'keychain' | 'memory';
  get(server: string, user: string): Promise<string | null>;
  set(server: string, user: string, secret: string): Promise<void>;
  /** Removes the entry; resolves false when there was none. */
  delete(server: string, user: string): Promise<boolean>;
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
 * error rather than at start-up.
 */
export function keytarCredentialStore(service: string = KEYCHAIN_SERVICE): CredentialStore {
  let loaded: Promise<KeytarApi> | undefined;
  const keytar = (): Promise<KeytarApi> => {
    loaded ??= import('keytar').then((m) => ((m as { default?: KeytarApi }).default ?? (m as unknown as KeytarApi)));
    return loaded;
  };
  return {
    kind: 'keychain',
    get: async (server, user) => (await keytar()).getPassword(service, keychainAccount(server, user)),
    set: async (server, user, secret) => (await keytar()).setPassword(service, keychainAccount(server, user), secret),
    delete: async (server, user) => (await keytar()).deletePassword(service, keychainAccount(server, user)),
  };
}

/** A process-lifetime store for tests and for machines where no keychain is available. */
export function memoryCredentialStore(): CredentialStore {
  const entries = new Map<string, string>();
  return {
    kind: 'memory',
    get: async (server, user) => entries.get(keychainAccount(server, user)) ?? null,
    set: async (server, user, secret) => {
      entries.set(keychainAccount(server, user), secret);
    },
    delete: async (server, user) => entries.delete(keychainAccount(server, user)),
  };
}
