// The urql SyncTransport's auth-mode choice (main/sync/urql-sync-transport.ts), over a fake fetch:
// DEFAULT sends everything with `auth`; MULTI_AUTH tries a model's modes in its @auth order and
// moves to the next after an Unauthorized refusal; mutation routes carry those modes.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { AuthRule, Schema } from '../../../common/schema/types.js';
import { ServerCapabilities } from '../../../main/sync/server-capabilities.js';
import { staticTokenProvider } from '../../../main/sync/sync-auth.js';
import { urqlSyncTransports } from '../../../main/sync/urql-sync-transport.js';
import { exampleSchema } from '../datastore/temp-datastore.js';

const base = exampleSchema();
const rules: AuthRule[] = [
  { allow: 'owner', provider: 'userPools', operations: ['create', 'read', 'update', 'delete'] },
  { allow: 'public', provider: 'apiKey', operations: ['read'] },
];
const schema: Schema = { ...base, models: { ...base.models, Site: { ...base.models.Site, auth: rules } } };
const key = { type: 'apiKey', apiKey: 'the-key' } as const;
const jwt = { type: 'jwt', tokens: staticTokenProvider('the-token') } as const;

/** A fetch refusing JWT requests (401) and answering API-key ones; records which credential each request carried. */
function fakeFetch(seen: string[]): typeof fetch {
  return async (_input, init) => {
    const headers = new Headers(init?.headers);
    const mode = headers.has('x-api-key') ? 'apiKey' : 'jwt';
    seen.push(mode);
    const body = mode === 'apiKey' ? { data: { ok: true } } : { errors: [{ message: 'no', errorType: 'Unauthorized' }] };
    return new Response(JSON.stringify(body), { status: mode === 'apiKey' ? 200 : 401, headers: { 'content-type': 'application/json' } });
  };
}

function open(strategy: 'DEFAULT' | 'MULTI_AUTH', seen: string[]) {
  const controller = new AbortController();
  const openTransport = urqlSyncTransports({
    schema,
    endpoint: 'http://127.0.0.1:9/graphql',
    auth: jwt,
    authModeStrategy: strategy,
    ...(strategy === 'MULTI_AUTH' ? { additionalAuth: [key] } : {}),
    fetch: fakeFetch(seen),
  });
  return openTransport({ capabilities: new ServerCapabilities(), signal: controller.signal });
}

test('DEFAULT: a query goes with `auth` only, and the route has no modes', async () => {
  const seen: string[] = [];
  const transport = open('DEFAULT', seen);
  const answer = await transport.query('Site', 'query { ok }', {});
  assert.equal(answer.httpStatus, 401);
  // The JWT stage refreshes once after a 401: two requests, both with the JWT.
  assert.deepEqual(seen, ['jwt', 'jwt']);
  assert.deepEqual(transport.mutationRoute('Site', 'Create'), { modes: [], key: '' });
  transport.close();
});

test('MULTI_AUTH: a read of a model tries its JWT rule first, then the API key', async () => {
  const seen: string[] = [];
  const transport = open('MULTI_AUTH', seen);
  const answer = await transport.query('Site', 'query { ok }', {});
  assert.deepEqual(answer.data, { ok: true });
  assert.deepEqual(seen, ['jwt', 'jwt', 'apiKey']);
  assert.deepEqual(transport.mutationRoute('Site', 'Create').modes, ['jwt']);
  const [first, second] = [transport.mutationRoute('Site', 'Update'), transport.mutationRoute('Site', 'Update')];
  assert.equal(first.key, second.key, 'one mode: one batching key');
  transport.close();
});

test('MULTI_AUTH without a second credential type for additionalAuth is refused at creation', () => {
  assert.throws(
    () => urqlSyncTransports({ schema, endpoint: 'http://127.0.0.1:9/graphql', auth: key, authModeStrategy: 'MULTI_AUTH', additionalAuth: [key] }),
    /two apiKey providers/,
  );
  assert.throws(() => urqlSyncTransports({ schema, endpoint: 'http://127.0.0.1:9/graphql', auth: key, additionalAuth: [jwt] }), /needs authModeStrategy/);
});
