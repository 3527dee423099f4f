// Whether one sign-in's secret (refresh token or API key) is in the CredentialStore or, after a
// write failed once the server had issued it (keychain locked, D-Bus gone mid-session), only in
// this run's memory. A failed write never fails the sign-in or the refresh: the session goes on,
// and the user is told once that it will not survive a restart.
import type { CredentialStore } from './credential-store.js';

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
  ) {}

  /**
   * Writes `secret` to the store; never throws. On failure the caller keeps using the secret it
   * holds, the stale stored copy is removed (best effort: a restart must not present a refresh
   * token the server already spent, which it takes for theft), and the user is told — once per
   * run of failures, not at every hourly refresh. `renewed` says the secret replaces a spent one.
   */
  async save(secret: string, renewed = false): Promise<boolean> {
    try {
      await this.store.set(this.server, this.user, secret);
      this.#problem = null;
      return true;
    } catch (error) {
      const first = this.#problem === null;
      this.#problem = errorMessage(error) || 'the credential store failed without a message';
      await this.store.delete(this.server, this.user).catch(() => false);
      if (first) this.onNotKept(this.warning(renewed));
      return false;
    }
  }

  /** Where the secret is, in plain words for the Settings screen. */
  description(): string {
    return this.#problem === null ? this.store.description : `kept only until Outpost closes (could not be saved: ${this.#problem})`;
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
