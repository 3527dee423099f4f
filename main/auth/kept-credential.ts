// Whether one sign-in's secret (refresh token or API key) is in the CredentialStore or, after a
// write failed once the server had issued it (keychain locked, D-Bus gone mid-session), only in
// this run's memory. A failed write never fails the sign-in or the refresh: the session goes on,
// and the user is told once that it will not survive a restart. What Settings says comes from what
// happened (keptWords): a write counts as kept only when the store answered in time and reading it
// back gives the same secret; otherwise the secret is in this run's memory only, and says why.
import type { CredentialStore } from './credential-store.js';

/** A store write that has not answered after this long counts as failed (ms): a keychain waiting on a prompt or a dead D-Bus. */
export const SAVE_TIMEOUT_MS = 10_000;

/** Where one secret is: in the store it was written to or read from, or in this run's memory only (and why). */
export type KeptState = { readonly kind: 'inStore' } | { readonly kind: 'memoryOnly'; readonly why: string };

/** The Settings words for `state` with `store`: the store's own words only when the secret is in it. */
export function keptWords(store: Pick<CredentialStore, 'description'>, state: KeptState): string {
  return state.kind === 'inStore' ? store.description : `kept only until Outpost closes (could not be saved: ${state.why})`;
}

/** Rejects with "no answer within …" when `promise` takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the credential store did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the secret is, for the words of the warning. */
export type KeptSecretKind = 'refreshToken' | 'apiKey';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One sign-in's secret as kept this run; `onNotKept` gets a user-facing message when a write fails. */
export class KeptCredential {
  #problem: string | null = null;

  constructor(
    private readonly store: CredentialStore,
    readonly server: string,
    readonly user: string,
    private readonly secretKind: KeptSecretKind,
    private readonly onNotKept: (message: string) => void = (message) => console.warn(message),
    private readonly timeoutMs: number = SAVE_TIMEOUT_MS,
  ) {}

  /**
   * Writes `secret` to the store; never throws. On failure the caller keeps using the secret it
   * holds, the stale stored copy is removed (best effort: a restart must not present a refresh
   * token the server already spent, which it takes for theft), and the user is told — once per
   * run of failures, not at every hourly refresh. `renewed` says the secret replaces a spent one.
   */
  async save(secret: string, renewed = false): Promise<boolean> {
    const write = Promise.resolve().then(() => this.store.set(this.server, this.user, secret));
    try {
      await within(write, this.timeoutMs);
      // A store that says yes and keeps nothing (a keyring with no default collection) is not "kept".
      const back = await within(this.store.get(this.server, this.user), this.timeoutMs);
      if (back !== secret) throw new Error(`the credential store did not keep it (reading it back gave ${back === null ? 'nothing' : 'another value'})`);
      this.#problem = null;
      return true;
    } catch (error) {
      const first = this.#problem === null;
      this.#problem = errorMessage(error) || 'the credential store failed without a message';
      await this.store.delete(this.server, this.user).catch(() => false);
      // A write that answers after its time ran out must not leave a copy a restart would present.
      write.then(
        () => this.#problem !== null && this.store.delete(this.server, this.user).catch(() => false),
        () => undefined,
      );
      if (first) this.onNotKept(this.warning(renewed));
      return false;
    }
  }

  /** Where the secret is, in plain words for the Settings screen. */
  description(): string {
    return keptWords(this.store, this.state());
  }

  /** Where the secret is now. */
  state(): KeptState {
    return this.#problem === null ? { kind: 'inStore' } : { kind: 'memoryOnly', why: this.#problem };
  }

  /** False since a write failed (until one succeeds again). */
  isKept(): boolean {
    return this.#problem === null;
  }

  private warning(renewed: boolean): string {
    const what = renewed ? `Your sign-in as ${this.user} on ${this.server} was renewed` : `Signed in as ${this.user} on ${this.server}`;
    const again = this.secretKind === 'apiKey' ? 'the API key' : 'your password';
    return `${what}, but it could not be saved (${this.#problem ?? 'unknown error'}). It lasts until Outpost closes; next time you will need ${again}.`;
  }
}
