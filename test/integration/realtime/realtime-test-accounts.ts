// Real accounts and an API key through server/auth on a SQLite file in a temp dir, for the
// real-time tests. The store's clock runs 3 h behind so tokens can be issued "in the past"
// (one already expired, one about to expire) and still post-date the accounts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createTokenSigner } from '../../../server/auth/access-tokens.js';
import { createAuthStore } from '../../../server/auth/auth-store.js';
import { createAuthenticator, type Authenticate } from '../../../server/auth/authenticate.js';
import { createSignInService } from '../../../server/auth/sign-in.js';

const HOUR = 3_600_000;

/** Header objects as amplify-js sends them (realtime `header` / `extensions.authorization`). */
export type HeaderObject = Record<string, string>;

export interface TestAccounts {
  readonly authenticate: Authenticate;
  /** Stored owner values (`<sub>::<username>`). */
  readonly alice: string;
  readonly bob: string;
  readonly aliceAuth: HeaderObject;
  readonly bobAuth: HeaderObject;
  readonly keyAuth: HeaderObject;
  /** Alice's token that expired an hour ago. */
  readonly expiredAuth: HeaderObject;
  /** A fresh sign-in for alice whose token was issued `ageMs` ago (lifetime 900 s). */
  aliceTokenIssuedAgo(ageMs: number): Promise<string>;
  /** A new API key's header object, and a way to revoke that key. */
  newApiKey(): Promise<{ readonly auth: HeaderObject; revoke(): Promise<void> }>;
  close(): Promise<void>;
}

/** Creates alice, bob and a one-day API key in a throw-away auth store. */
export async function createTestAccounts(): Promise<TestAccounts> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-realtime-'));
  const db = new Kysely<object>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'auth.db')) }) });
  const store = await createAuthStore(db, 'sqlite', { now: () => Date.now() - 3 * HOUR });
  const alice = await store.addUser({ username: 'alice', password: 'alice-password' });
  const bob = await store.addUser({ username: 'bob', password: 'bob-password' });
  const aliceTokenIssuedAgo = async (ageMs: number): Promise<string> =>
    (
      await createSignInService(
        store,
        createTokenSigner(store, {}, () => Date.now() - ageMs),
      ).signIn('alice', 'alice-password')
    ).accessToken;
  const bobTokens = await createSignInService(store, createTokenSigner(store)).signIn('bob', 'bob-password');
  const host = 'api.example.com';
  return {
    authenticate: createAuthenticator({ store }),
    alice: `${alice.id}::alice`,
    bob: `${bob.id}::bob`,
    aliceAuth: { Authorization: await aliceTokenIssuedAgo(0), host },
    bobAuth: { Authorization: bobTokens.accessToken, host },
    keyAuth: { 'x-api-key': (await store.createApiKey({ days: 1 })).key, host, 'x-amz-date': '20240501T100000Z' },
    expiredAuth: { Authorization: await aliceTokenIssuedAgo(2 * HOUR), host },
    aliceTokenIssuedAgo,
    async newApiKey() {
      const { key, info } = await store.createApiKey({ days: 1 });
      return {
        auth: { 'x-api-key': key, host },
        async revoke() {
          await store.revokeApiKey(info.id);
        },
      };
    },
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
