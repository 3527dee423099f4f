// Which CredentialStore this machine gets: the OS keychain when it answers, else a file encrypted
// by Electron's safeStorage when the OS protects its key, else memory (sign-ins last until Outpost
// closes) — always with a line saying which and why, so "no keychain" never means "no sign-in".
//
// Why the keychain (keytar) first and safeStorage second: keytar's entries are real keychain items,
// one per sign-in, that the browser mode (`npm run start:browser`, plain Node, no safeStorage) and
// the CLI read and write too, so a sign-in is shared across them and the user can see or remove it
// in Keychain Access / Credential Manager / Seahorse. keytar is archived upstream and is a native
// module to rebuild per Electron ABI — but when it fails to load or answer, the probe below notices
// and safeStorage takes over. safeStorage is maintained with Electron and needs no native module of
// ours, but its file is readable by this app only (not by the browser mode or the CLI), and on Linux
// it depends on the same Secret Service (or KWallet) and otherwise degrades to `basic_text`.
//
// `basic_text` is refused by default: its key is hard-coded in Chromium, so the "encrypted" file is
// a refresh token anyone who copies the file can use; DESIGN.md keeps secrets out of plaintext.
// Memory is honest instead (the Settings screen says the sign-in lasts until Outpost closes);
// `acceptWeakProtection: true` is for a deployment that prefers surviving restarts (as VS Code lets
// its users choose `--password-store=basic`).
import { ValidationError } from '../../common/errors.js';
import { memoryCredentialStore, type CredentialStore } from './credential-store.js';
import { safeStorageCredentialStore, safeStorageProtection, type SafeStorageApi, type SafeStorageProtection } from './safe-storage-credential-store.js';

/** What the chooser found on this machine: the decision's only input. */
export interface CredentialStoreFacts {
  /** Null when the keychain answered the probe; else why it did not (keytar's error message). */
  readonly keychainProblem: string | null;
  /** How safeStorage would protect the file; null when it is not offered (browser mode) or unavailable. */
  readonly safeStorage: SafeStorageProtection | null;
  /** Use safeStorage even when its protection is weak (`basic_text`); default false. */
  readonly acceptWeakProtection: boolean;
}

/** Which store to build, and the line to log when it is not the keychain. */
export type CredentialStoreDecision =
  { readonly use: 'keychain' } | { readonly use: 'safeStorage'; readonly warning: string } | { readonly use: 'memory'; readonly warning: string };

/** The choice as a plain function of what was found (keychain, then safeStorage, then memory). */
export function decideCredentialStore(facts: CredentialStoreFacts): CredentialStoreDecision {
  if (facts.keychainProblem === null) return { use: 'keychain' };
  const noKeychain = `No usable keychain (${facts.keychainProblem})`;
  const protection = facts.safeStorage;
  if (protection === null) {
    return { use: 'memory', warning: `${noKeychain}; sign-ins last until Outpost closes.` };
  }
  if (protection.kind === 'encryptedFile') {
    return { use: 'safeStorage', warning: `${noKeychain}; sign-ins are kept in a file encrypted by the system (${protection.backend}).` };
  }
  if (facts.acceptWeakProtection) {
    return {
      use: 'safeStorage',
      warning: `${noKeychain} and no keyring for Electron's safeStorage (${protection.backend}); sign-ins are kept in a file with weak protection.`,
    };
  }
  return {
    use: 'memory',
    warning: `${noKeychain} and no keyring for Electron's safeStorage (${protection.backend}); sign-ins last until Outpost closes. Run a Secret Service (gnome-keyring) or KWallet to keep them.`,
  };
}

export interface ChooseCredentialStoreOptions {
  /** The OS keychain store (keytarCredentialStore()); probed once with a get. */
  readonly keychain: CredentialStore;
  /** Electron's safeStorage, after the app is ready; omit where there is none (browser mode). */
  readonly safeStorage?: SafeStorageApi | null;
  /** The file the safeStorage store writes; required with `safeStorage`. */
  readonly file?: string;
  /** Default `process.platform`. */
  readonly platform?: NodeJS.Platform;
  /** Where the one line about a fallback goes (default console.warn). */
  readonly warn?: (message: string) => void;
  /** Use safeStorage's `basic_text` (a hard-coded key) rather than memory; default false. */
  readonly acceptWeakProtection?: boolean;
  /** A keychain that has not answered the probe after this long counts as unusable (ms, default 10,000). */
  readonly probeTimeoutMs?: number;
}

/** The account the probe reads: never written, so the answer is null when the keychain works. */
const PROBE = 'outpost-probe';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Null when `keychain` answers a get within `timeoutMs`; else why not. A get that throws means
 * unusable: keytar without a Secret Service says "Cannot autolaunch D-Bus without X11 $DISPLAY" or
 * "The name org.freedesktop.secrets was not provided by any .service files"; a missing libsecret
 * fails the import.
 */
export async function probeKeychain(keychain: CredentialStore, timeoutMs = 10_000): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([keychain.get(PROBE, PROBE), timeout]);
    return null;
  } catch (error) {
    return errorMessage(error) || 'the keychain failed without a message';
  } finally {
    clearTimeout(timer);
  }
}

function safeStorageFacts(safeStorage: SafeStorageApi, platform: NodeJS.Platform): SafeStorageProtection | null {
  try {
    if (!safeStorage.isEncryptionAvailable()) return null;
    return safeStorageProtection(platform, safeStorage.getSelectedStorageBackend?.());
  } catch {
    return null;
  }
}

/** Probes the keychain once and returns the store to use: keychain, else safeStorage's file, else memory. */
export async function chooseCredentialStore(options: ChooseCredentialStoreOptions): Promise<CredentialStore> {
  const platform = options.platform ?? process.platform;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  if (options.safeStorage && options.file === undefined) {
    throw new ValidationError('chooseCredentialStore: safeStorage needs the file to keep the encrypted sign-ins in', 'file');
  }
  const offered = options.safeStorage && options.file !== undefined ? { safeStorage: options.safeStorage, file: options.file, platform } : null;
  const keychainProblem = await probeKeychain(options.keychain, options.probeTimeoutMs);
  const decision = decideCredentialStore({
    keychainProblem,
    safeStorage: offered ? safeStorageFacts(offered.safeStorage, platform) : null,
    acceptWeakProtection: options.acceptWeakProtection ?? false,
  });
  if (decision.use === 'keychain') return options.keychain;
  if (decision.use === 'safeStorage' && offered) {
    warn(`${decision.warning} (${offered.file})`);
    return safeStorageCredentialStore(offered);
  }
  warn(decision.warning);
  return memoryCredentialStore();
}
