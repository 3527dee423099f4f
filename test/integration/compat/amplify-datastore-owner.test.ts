// The official Amplify DataStore client syncs with the Outpost server unchanged with a JWT
// (`userPool` auth mode): the example schema as it is (owner rules), tokens from the server's own
// POST /auth/token handed to Amplify through its custom token provider. Each user sees, and hears
// about, only their own records. Every wait is bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { PersistentModel, PersistentModelConstructor, SubscriptionMessage, SyncError } from '@aws-amplify/datastore';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { toAmplifyModelIntrospection } from './amplify-model-introspection.js';
import {
  gql,
  installWebSocket,
  loadAmplify,
  recordGraphqlRequests,
  recordHub,
  startTlsServer,
  waitFor,
  type HubEvent,
  type RecordedRequest,
  type SocketTap,
  type TlsOutpost,
} from './amplify-node-client.js';

const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

type Site = { readonly id: string; readonly name: string; readonly code?: string | null; readonly tags?: readonly string[] | null; readonly _version?: number };

const SITE_FIELDS = 'id name code tags owner _version _lastChangedAt _deleted';

interface SignedIn {
  readonly accessToken: string;
  readonly idToken: string;
  readonly headers: Record<string, string>;
}

const amplify = loadAmplify();
const { DataStore } = amplify;
let outpost: TlsOutpost;
let alice: SignedIn;
let bob: SignedIn;
let aliceOwner: string;
let tap: SocketTap;
let requests: RecordedRequest[];
let hub: { events: HubEvent[]; stop: () => void };
const observed: Array<SubscriptionMessage<PersistentModel>> = [];
let observation: { unsubscribe(): void } | undefined;
const syncErrors: Array<SyncError<PersistentModel>> = [];
let SiteModel: PersistentModelConstructor<Site>;
let aliceSeedId: string;
let bobSeedId: string;

async function signIn(username: string): Promise<SignedIn> {
  const res = await fetch(outpost.server.url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  const body = (await res.json()) as { accessToken?: string; idToken?: string };
  if (res.status !== 200 || body.accessToken === undefined || body.idToken === undefined)
    throw new Error(`sign-in of ${username} failed: ${JSON.stringify(body)}`);
  return { accessToken: body.accessToken, idToken: body.idToken, headers: { authorization: body.accessToken } };
}

/** Amplify's JWT shape: the token text and its decoded payload. */
function amplifyJwt(token: string): { payload: Record<string, string | number | string[]>; toString(): string } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, string | number | string[]>;
  return { payload, toString: () => token };
}

async function createSiteAs(user: SignedIn, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body = await gql(outpost.server.url, user.headers, `mutation($input: CreateSiteInput!) { createSite(input: $input) { ${SITE_FIELDS} } }`, { input });
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data?.createSite as Record<string, unknown>;
}

before(async () => {
  outpost = await startTlsServer(schema);
  for (const name of ['alice', 'bob']) await outpost.server.authStore.addUser({ username: name, password: `${name} password 123` });
  alice = await signIn('alice');
  bob = await signIn('bob');
  aliceOwner = `${String(amplifyJwt(alice.accessToken).payload.sub)}::alice`;
  aliceSeedId = (await createSiteAs(alice, { name: 'Alice seeded' })).id as string;
  bobSeedId = (await createSiteAs(bob, { name: 'Bob seeded' })).id as string;

  tap = installWebSocket(outpost.cert);
  requests = recordGraphqlRequests().requests;
  amplify.Amplify.configure(
    { API: { GraphQL: { endpoint: outpost.server.url, region: 'us-east-1', defaultAuthMode: 'userPool' } } },
    { Auth: { tokenProvider: { getTokens: async () => ({ accessToken: amplifyJwt(alice.accessToken), idToken: amplifyJwt(alice.idToken) }) } } },
  );
  DataStore.configure({
    storageAdapter: amplify.indexedDbAdapter,
    errorHandler: (error) => {
      syncErrors.push(error);
    },
  });
  const models = amplify.initSchema(toAmplifyModelIntrospection(schema));
  SiteModel = models.Site as PersistentModelConstructor<Site>;
  hub = recordHub(amplify.Hub);
  observation = DataStore.observe().subscribe((message) => observed.push(message));
  await DataStore.start();
});

after(async () => {
  observation?.unsubscribe();
  await DataStore.clear();
  hub?.stop();
  await outpost?.close();
});

test("with the access token, the full sync brings only the caller's records; subscriptions pass the owner claim and are acknowledged", async () => {
  const syncs = requests.filter((r) => /\bsyncSites\(/.test(r.body.query));
  assert.equal(syncs.length, 1);
  assert.equal(syncs[0]?.headers.authorization, alice.accessToken);
  assert.equal(syncs[0]?.status, 200);
  assert.equal((await DataStore.query(SiteModel, aliceSeedId))?.name, 'Alice seeded');
  assert.equal(await DataStore.query(SiteModel, bobSeedId), undefined, "bob's record never reaches alice");

  const socket = tap.opened[0];
  assert.ok(socket);
  const header = JSON.parse(Buffer.from(socket.protocols[1]?.replace(/^header-/, '') ?? '', 'base64url').toString()) as Record<string, string>;
  assert.equal(header.Authorization, alice.accessToken);
  // Codegen's owner rule names `cognito:username`, so DataStore sends the username from the ID token.
  const starts = tap.frames.filter((f) => f.direction === 'out' && f.frame.type === 'start');
  assert.equal(starts.length, 3 * Object.keys(schema.models).length);
  for (const start of starts) {
    const payload = start.frame.payload as { data: string; extensions: { authorization: Record<string, string> } };
    assert.deepEqual((JSON.parse(payload.data) as { variables: unknown }).variables, { owner: 'alice' });
    assert.equal(payload.extensions.authorization.Authorization, alice.accessToken);
  }
  const acks = tap.frames.filter((f) => f.direction === 'in' && f.frame.type === 'start_ack');
  assert.equal(acks.length, starts.length);
  assert.equal(hub.events.filter((e) => e.event === 'subscriptionsEstablished').length, 1);
  assert.deepEqual(syncErrors, []);
});

test('a save in DataStore is stored with the caller as owner and is invisible to another user', async () => {
  const site = await DataStore.save(new SiteModel({ name: 'Alice via DataStore', tags: ['field'] }));
  const accepted = await waitFor('outboxMutationProcessed', () => {
    const hit = hub.events.find((e) => e.event === 'outboxMutationProcessed' && (e.data as { element: { id: string } }).element.id === site.id);
    return hit === undefined ? undefined : (hit.data as { element: Record<string, unknown> }).element;
  });
  assert.equal(accepted.owner, aliceOwner);
  assert.equal(accepted._version, 1);
  const create = requests.filter((r) => /\bcreateSite\(/.test(r.body.query)).at(-1);
  assert.equal((create?.body.variables?.input as Record<string, unknown>).owner, undefined, 'DataStore never sends the owner');

  const asAlice = await gql(outpost.server.url, alice.headers, `query($id: ID!) { getSite(id: $id) { ${SITE_FIELDS} } }`, { id: site.id });
  assert.equal((asAlice.data?.getSite as Record<string, unknown>).owner, aliceOwner);
  const asBob = await gql(outpost.server.url, bob.headers, `query($id: ID!) { getSite(id: $id) { ${SITE_FIELDS} } }`, { id: site.id });
  assert.equal(asBob.data?.getSite ?? null, null);
  const local = await waitFor('local copy with the owner', async () => {
    const row = await DataStore.query(SiteModel, site.id);
    return row?._version === 1 ? row : undefined;
  });
  assert.equal((local as Site & { owner?: string }).owner, aliceOwner);
});

test("a record alice creates elsewhere arrives over the subscription; bob's does not", async () => {
  const from = observed.length;
  const bobs = await createSiteAs(bob, { name: 'Bob elsewhere' });
  const alices = await createSiteAs(alice, { name: 'Alice elsewhere' });
  await waitFor("observe INSERT of alice's record", () => observed.slice(from).find((m) => m.opType === 'INSERT' && (m.element as Site).id === alices.id));
  assert.equal((await DataStore.query(SiteModel, alices.id as string))?.name, 'Alice elsewhere');
  // Events on one socket come in publish order, so bob's would have arrived first.
  assert.equal(
    observed.slice(from).some((m) => (m.element as Site).id === bobs.id),
    false,
  );
  assert.equal(
    tap.frames.some((f) => f.direction === 'in' && JSON.stringify(f.frame).includes(String(bobs.id))),
    false,
    'the server never sent it',
  );
  assert.equal(await DataStore.query(SiteModel, bobs.id as string), undefined);
  assert.deepEqual(syncErrors, []);
});

test('an update and a delete in DataStore pass the owner check on the server', async () => {
  const site = await DataStore.save(new SiteModel({ name: 'To change' }));
  const atV1 = await waitFor('v1 locally', async () => {
    const row = await DataStore.query(SiteModel, site.id);
    return row?._version === 1 ? row : undefined;
  });
  await DataStore.save(
    SiteModel.copyOf(atV1, (draft) => {
      draft.code = 'C1';
    }),
  );
  const atV2 = await waitFor('v2 locally', async () => {
    const row = await DataStore.query(SiteModel, site.id);
    return row?._version === 2 ? row : undefined;
  });
  assert.equal(atV2.code, 'C1');
  await DataStore.delete(atV2);
  const tombstone = await waitFor('tombstone on the server', async () => {
    const body = await gql(outpost.server.url, alice.headers, `query { syncSites(limit: 1000) { items { ${SITE_FIELDS} } } }`);
    const items = (body.data?.syncSites as { items: Array<Record<string, unknown>> }).items;
    const item = items.find((i) => i.id === site.id);
    return item?._deleted === true ? item : undefined;
  });
  assert.equal(tombstone._version, 3);
  assert.equal(tombstone.code, 'C1');
  assert.equal(tombstone.owner, aliceOwner);
  assert.deepEqual(syncErrors, []);
});
