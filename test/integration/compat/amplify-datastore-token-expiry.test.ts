// The official Amplify DataStore client across access-token expiry: the server issues 4-second
// tokens (no clock tolerance) and Amplify's custom token provider renews them through
// POST /auth/refresh. HTTP requests after expiry go out with a renewed token. For real-time, a
// per-subscription `Token expired` error frame (the server's behaviour before 84da183) made
// DataStore abort its sync engine (its subscription processor only tolerates errorType
// "Unauthorized" exactly; "UnauthorizedException" is rethrown), so the client heard nothing more
// until restarted. The server now closes the connection (4401 'Token expired'): amplify-js
// reconnects with a fresh token and DataStore catches up with a delta sync. Every wait is bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { PersistentModel, PersistentModelConstructor, SyncError } from '@aws-amplify/datastore';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { toAmplifyModelIntrospection } from './amplify-model-introspection.js';
import {
  gql,
  installWebSocket,
  loadAmplify,
  recordGraphqlRequests,
  startTlsServer,
  waitFor,
  type RecordedRequest,
  type SocketTap,
  type TlsOutpost,
} from './amplify-node-client.js';

const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const TOKEN_TTL_SEC = 4;

type Site = { readonly id: string; readonly name: string; readonly _version?: number };
interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

const amplify = loadAmplify();
const { DataStore } = amplify;
let outpost: TlsOutpost;
let tokens: Tokens;
const refreshes: string[] = [];
let tap: SocketTap;
let requests: RecordedRequest[];
const syncErrors: Array<SyncError<PersistentModel>> = [];
let SiteModel: PersistentModelConstructor<Site>;

async function authPost(path: string, body: Record<string, string>): Promise<Tokens> {
  const res = await fetch(outpost.server.url.replace(/\/graphql$/, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Partial<Tokens>;
  if (res.status !== 200 || answer.accessToken === undefined || answer.idToken === undefined || answer.refreshToken === undefined) {
    throw new Error(`${path} failed: ${res.status} ${JSON.stringify(answer)}`);
  }
  return { accessToken: answer.accessToken, idToken: answer.idToken, refreshToken: answer.refreshToken };
}

function payloadOf(token: string): Record<string, string | number | string[]> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, string | number | string[]>;
}

let refreshing: Promise<Tokens> | undefined;

/**
 * The current tokens, renewed through /auth/refresh within a second of expiry (what Cognito's
 * provider does for Amplify). One refresh at a time: Amplify asks for tokens from several places
 * at once, and presenting a used refresh token again counts as reuse, which ends the session.
 */
async function currentTokens(): Promise<Tokens> {
  if (Number(payloadOf(tokens.accessToken).exp) * 1000 - 1000 > Date.now()) return tokens;
  refreshing ??= authPost('/auth/refresh', { refreshToken: tokens.refreshToken })
    .then((fresh) => {
      tokens = fresh;
      refreshes.push(fresh.accessToken);
      return fresh;
    })
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

before(async () => {
  outpost = await startTlsServer(schema, { auth: { tokens: { accessTokenTtlSec: TOKEN_TTL_SEC, clockToleranceSec: 0 } } });
  await outpost.server.authStore.addUser({ username: 'alice', password: 'alice password 123' });
  tokens = await authPost('/auth/token', { username: 'alice', password: 'alice password 123' });

  tap = installWebSocket(outpost.cert);
  requests = recordGraphqlRequests().requests;
  amplify.Amplify.configure(
    { API: { GraphQL: { endpoint: outpost.server.url, region: 'us-east-1', defaultAuthMode: 'userPool' } } },
    {
      Auth: {
        tokenProvider: {
          getTokens: async () => {
            const { accessToken, idToken } = await currentTokens();
            return {
              accessToken: { payload: payloadOf(accessToken), toString: () => accessToken },
              idToken: { payload: payloadOf(idToken), toString: () => idToken },
            };
          },
        },
      },
    },
  );
  DataStore.configure({
    storageAdapter: amplify.indexedDbAdapter,
    errorHandler: (error) => {
      syncErrors.push(error);
    },
  });
  SiteModel = amplify.initSchema(toAmplifyModelIntrospection(schema)).Site as PersistentModelConstructor<Site>;
  await DataStore.start();
});

after(async () => {
  await DataStore.clear();
  await outpost?.close();
});

test('after the access token expires, real-time recovers: Amplify reconnects with a refreshed token and DataStore catches up on the record created meanwhile', async () => {
  const firstSocket = tap.opened.length;
  assert.ok(firstSocket >= 1);
  const firstToken = tokens.accessToken;
  // Let the token the subscriptions were started with expire.
  await new Promise((resolve) => setTimeout(resolve, (TOKEN_TTL_SEC + 1) * 1000));
  const elsewhere = await authPost('/auth/token', { username: 'alice', password: 'alice password 123' });
  const created = await gql(
    outpost.server.url,
    { authorization: elsewhere.accessToken },
    'mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }',
    {
      input: { name: 'After expiry' },
    },
  );
  const id = (created.data?.createSite as { id: string }).id;

  // amplify-js waits 5 s before reconnecting.
  const local = await waitFor('the record, after reconnecting', async () => DataStore.query(SiteModel, id), 15_000);
  assert.equal(local.name, 'After expiry');
  assert.ok(refreshes.length >= 1, 'the token provider refreshed');
  const reopened = tap.opened.slice(firstSocket);
  assert.ok(reopened.length >= 1, 'a new socket');
  const header = JSON.parse(Buffer.from(reopened.at(-1)?.protocols[1]?.replace(/^header-/, '') ?? '', 'base64url').toString()) as Record<string, string>;
  assert.notEqual(header.Authorization, firstToken, 'the new socket carries a refreshed token');
  assert.ok(refreshes.includes(header.Authorization ?? ''), 'one the refresh issued');
});

test('a save after expiry goes out with a refreshed token and is accepted', async () => {
  // Past the expiry of the token DataStore last used.
  const expiresAt = Number(payloadOf(tokens.accessToken).exp) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 500)));
  const refreshed = refreshes.length;
  const before = requests.length;
  const site = await DataStore.save(new SiteModel({ name: 'Saved later' }));
  const local = await waitFor(
    'the save accepted',
    async () => {
      const row = await DataStore.query(SiteModel, site.id);
      return row?._version === 1 ? row : undefined;
    },
    30_000,
  );
  assert.equal(local.name, 'Saved later');
  const create = requests.slice(before).find((r) => /\bcreateSite\(/.test(r.body.query));
  assert.equal(create?.status, 200);
  assert.ok(refreshes.length > refreshed, 'the provider refreshed the expired token');
  assert.ok(refreshes.includes(create?.headers.authorization ?? ''), 'sent with a refreshed token');
  assert.deepEqual(
    syncErrors.filter((e) => e.process === 'mutate'),
    [],
  );
});
