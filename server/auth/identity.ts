// Who is calling: produced by server/auth from request headers (HTTP) or the real-time
// `authorization` object, consumed by resolvers and the subscription registry for @auth rules.

/** The caller of one request. `user` covers built-in accounts and external OIDC issuers alike. */
export type Identity =
  | { readonly kind: 'apiKey'; readonly keyId: string }
  | {
      readonly kind: 'user';
      /** Stable subject (JWT `sub`). */
      readonly sub: string;
      readonly username: string;
      readonly groups: readonly string[];
      /** Every claim of the verified token, for `identityClaim` / `groupClaim` look-ups. */
      readonly claims: Readonly<Record<string, unknown>>;
      /** `oidc` for an external issuer, `userPools` for Outpost's own accounts. */
      readonly provider: 'userPools' | 'oidc';
    };

/** The owner value stored on create (PROTOCOL.md "Outpost decisions"): `<sub>::<username>`. */
export function ownerValueOf(identity: Identity & { kind: 'user' }): string {
  return `${identity.sub}::${identity.username}`;
}

/** Owner values that match this caller: `<sub>::<username>`, `sub` alone or `username` alone. */
export function ownerClaimsOf(identity: Identity & { kind: 'user' }): string[] {
  return [ownerValueOf(identity), identity.sub, identity.username];
}
