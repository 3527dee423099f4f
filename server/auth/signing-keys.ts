// Named server secrets (the token-signing key, the next-token HMAC key): created once, shared by
// every server process on the database.
import type { Kysely } from 'kysely';
import type { AuthDatabase } from './auth-tables.js';

/** The signing-keys aggregate. */
export interface SigningKeys {
  /** A named server secret, created by `create` on first use; concurrent first uses (several processes) agree. */
  secret(name: string, create: () => string | Promise<string>): Promise<string>;
}

/** Signing keys over `db`; `now` is epoch ms. */
export function createSigningKeys(db: Kysely<AuthDatabase>, now: () => number): SigningKeys {
  return {
    async secret(name, create) {
      const existing = await db.selectFrom('outpost_auth_secrets').select('value').where('name', '=', name).executeTakeFirst();
      if (existing) return existing.value;
      const value = await create();
      await db
        .insertInto('outpost_auth_secrets')
        .values({ name, value, created_at: now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // Read back: if another process won the race, its value is the one everybody uses.
      const stored = await db.selectFrom('outpost_auth_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return stored.value;
    },
  };
}
