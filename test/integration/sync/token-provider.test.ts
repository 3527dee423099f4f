// tokenProviderFromSession over a real TokenSession against the real server's /auth endpoints:
// refreshes ahead of expiry on its own timer, and on a forced refresh, telling listeners each time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { requestTokens } from '../../../main/auth/token-client.js';
import { createTokenSession } from '../../../main/auth/token-session.js';
import { tokenProviderFromSession } from '../../../main/sync/sync-auth.js';
import { startHarness, type Harness } from '../server/server-harness.js';
import { waitFor } from './sync-clients.js';

let h: Harness;
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  await h.close();
});

test('the provider refreshes before expiry and on demand, and tells listeners about new tokens', async () => {
  const server = h.server.url.replace(/\/graphql$/, '');
  const credentials = memoryCredentialStore();
  const pair = await requestTokens(server, 'alice', 'alice password 123');
  await credentials.set(server, 'alice', pair.refreshToken);
  // Pretend the first access token expires in 2 s, so the provider's timer fires after ~1 s.
  const session = createTokenSession({ server, user: 'alice', credentials, initial: { ...pair, expiresIn: 2 }, skewMs: 200 });
  const provider = tokenProviderFromSession(session, { refreshAheadMs: 1_000 });
  try {
    const first = await provider.getToken();
    assert.equal(first, pair.accessToken);
    const seen: string[] = [];
    provider.onRefresh((token) => seen.push(token));
    await waitFor('a refresh ahead of expiry', () => seen.length === 1, 5_000);
    assert.notEqual(seen[0], first);
    assert.equal(await provider.getToken(), seen[0]);
    const forced = await provider.getToken({ forceRefresh: true });
    assert.notEqual(forced, seen[0]);
    assert.deepEqual(seen.slice(1), [forced]);
  } finally {
    provider.close();
  }
});
