// The AppSync real-time endpoint over a real socket on 127.0.0.1, driven by a client that speaks
// the protocol as amplify-js does: both auth carriers, keep-alives, start/data/stop, filters,
// owner rules, limits and malformed input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { MemoryChangeBus } from '../../../server/realtime/memory-change-bus.js';
import { createRealtimeHandler, type RealtimeHandler } from '../../../server/realtime/realtime-handler.js';
import { AppSyncWsClient, type Frame } from './appsync-ws-client.js';
import { createTestAccounts, type HeaderObject, type TestAccounts } from './realtime-test-accounts.js';

const exampleSdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
// A second model readable with an API key, to exercise the public rule next to the owner-only ones.
const schema = parseSchema(
  `${exampleSdl}
type Notice @model @auth(rules: [{ allow: public, provider: apiKey, operations: [read] }, { allow: private }]) {
  id: ID!
  title: String!
  priority: Int
}`,
  'test-schema.graphql',
);

let ALICE = '';
let BOB = '';
let aliceAuth: HeaderObject = {};
let bobAuth: HeaderObject = {};
let keyAuth: HeaderObject = {};
let expiredAuth: HeaderObject = {};
let accounts: TestAccounts;

const SITE_SELECTION = 'id name code tags owner _version _lastChangedAt _deleted';
const onCreateSite = (withOwner: boolean): string =>
  withOwner
    ? `subscription operation($filter: ModelSubscriptionSiteFilterInput,$owner: String!){\n  onCreateSite(filter: $filter,owner: $owner){ ${SITE_SELECTION} }\n}`
    : `subscription operation($filter: ModelSubscriptionSiteFilterInput){\n  onCreateSite(filter: $filter){ ${SITE_SELECTION} }\n}`;

let seq = 0;
function site(owner: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    id: `site-${seq}`,
    name: `Site ${seq}`,
    code: null,
    location: null,
    tags: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    owner,
    _version: 1,
    _lastChangedAt: 1_767_225_600_000 + seq,
    _deleted: null,
    ...fields,
  };
}

const isData = (id: string) => (f: Frame) => f.type === 'data' && f.id === id;

describe('real-time endpoint', () => {
  let server: Server;
  let realtime: RealtimeHandler;
  let bus: MemoryChangeBus;
  let url: string;
  const reported: unknown[] = [];
  const clients: AppSyncWsClient[] = [];

  async function connect(header: HeaderObject | null = aliceAuth, carrier: 'subprotocol' | 'query' = 'subprotocol'): Promise<AppSyncWsClient> {
    const client = await AppSyncWsClient.open(url, header, carrier);
    clients.push(client);
    return client;
  }

  async function ready(header: HeaderObject = aliceAuth): Promise<AppSyncWsClient> {
    const client = await connect(header);
    const ack = await client.init();
    assert.equal(ack.type, 'connection_ack');
    return client;
  }

  const publish = (model: string, mutation: 'create' | 'update' | 'delete', item: Record<string, unknown>) => bus.publish({ model, mutation, item });

  before(async () => {
    accounts = await createTestAccounts();
    ({ alice: ALICE, bob: BOB, aliceAuth, bobAuth, keyAuth, expiredAuth } = accounts);
    bus = new MemoryChangeBus();
    realtime = createRealtimeHandler({
      schema,
      bus,
      authenticate: accounts.authenticate,
      limits: { keepAliveIntervalMs: 150, connectionInitTimeoutMs: 400, maxSubscriptionsPerConnection: 5, reauthorizeIntervalMs: 300 },
      reportError: (e) => reported.push(e),
    });
    server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const c of clients) c.close();
    await realtime.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await accounts.close();
  });

  it('handshakes with the header- subprotocol: graphql-ws selected, ack with connectionTimeoutMs, then ka', async () => {
    const client = await connect(aliceAuth, 'subprotocol');
    assert.equal(client.socket.protocol, 'graphql-ws');
    const ack = await client.init();
    assert.deepEqual(ack, { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    assert.deepEqual(await client.next(), { type: 'ka' }, 'a ka right after the ack');
    await client.next((f) => f.type === 'ka', 5_000);
    await client.next((f) => f.type === 'ka', 5_000);
  });

  it('handshakes with the legacy header query parameter (base64 JSON, payload=e30=) and an API key', async () => {
    const client = await connect(keyAuth, 'query');
    assert.equal(client.socket.protocol, 'graphql-ws');
    assert.equal((await client.init()).type, 'connection_ack');
    const answer = await client.subscribe('n1', 'subscription { onCreateNotice { id title } }', {}, keyAuth);
    assert.deepEqual(answer, { id: 'n1', type: 'start_ack' });
    await publish('Notice', 'create', { id: 'notice-1', title: 'Road closed', priority: 2, _version: 1, _lastChangedAt: 1, _deleted: null });
    assert.deepEqual(await client.next(isData('n1')), {
      id: 'n1',
      type: 'data',
      payload: { data: { onCreateNotice: { id: 'notice-1', title: 'Road closed' } } },
    });
  });

  for (const [label, header] of [
    ['a wrong API key', () => ({ 'x-api-key': 'da2-wrong', host: 'h' })],
    ['an expired token', () => expiredAuth],
    ['a forged token', () => ({ Authorization: `${aliceAuth.Authorization.slice(0, -6)}AAAAAA`, host: 'h' })],
    ['no auth header at all', () => null],
  ] as const) {
    it(`answers connection_init with connection_error (UnauthorizedException, 401) for ${label}, then closes`, async () => {
      const client = await connect(header());
      const answer = await client.init();
      assert.equal(answer.type, 'connection_error');
      const [error] = answer.payload?.errors ?? [];
      assert.equal(error?.errorType, 'UnauthorizedException');
      assert.equal(error?.errorCode, 401);
      assert.ok(error?.message.length);
      await client.closed();
    });
  }

  it('rejects an unreadable header query parameter with connection_error', async () => {
    const client = await AppSyncWsClient.open(url, null, 'query', '/graphql/realtime?header=!!!&payload=e30=');
    clients.push(client);
    const answer = await client.init();
    assert.equal(answer.type, 'connection_error');
    assert.match(answer.payload?.errors?.[0]?.message ?? '', /not base64/);
  });

  it('delivers the selected fields only, with metadata when selected, aliases and __typename', async () => {
    const client = await ready();
    const query = `subscription operation { onCreateSite { __typename id title: name _version } }`;
    assert.equal((await client.subscribe('s1', query, {}, aliceAuth)).type, 'start_ack');
    const item = site(ALICE, { code: 'X1', tags: ['a'] });
    await publish('Site', 'create', item);
    const frame = await client.next(isData('s1'));
    assert.deepEqual(frame.payload, { data: { onCreateSite: { __typename: 'Site', id: item.id, title: item.name, _version: 1 } } });
  });

  it('sends a record far larger than a NOTIFY payload, and belongsTo keys for DataStore selections', async () => {
    const client = await ready();
    const query = `subscription operation { onUpdateInspection { id title notes _version _deleted site { id _deleted } } }`;
    assert.equal((await client.subscribe('big', query, {}, aliceAuth)).type, 'start_ack');
    const notes = 'Ü'.repeat(200_000);
    await publish('Inspection', 'update', {
      id: 'insp-1',
      siteID: 'site-9',
      title: 'Roof',
      status: 'DRAFT',
      notes,
      owner: ALICE,
      _version: 3,
      _lastChangedAt: 5,
      _deleted: null,
    });
    const frame = await client.next(isData('big'));
    assert.deepEqual(frame.payload?.data?.onUpdateInspection, {
      id: 'insp-1',
      title: 'Roof',
      notes,
      _version: 3,
      _deleted: null,
      site: { id: 'site-9', _deleted: null },
    });
  });

  it('sends only the events of the subscribed model and mutation', async () => {
    const client = await ready();
    assert.equal((await client.subscribe('upd', `subscription { onUpdateSite { id _version } }`, {}, aliceAuth)).type, 'start_ack');
    await publish('Site', 'create', site(ALICE));
    await publish('Inspection', 'update', { id: 'i', siteID: 's', title: 't', status: 'DRAFT', owner: ALICE, _version: 2, _lastChangedAt: 1 });
    const updated = site(ALICE, { _version: 2 });
    await publish('Site', 'update', updated);
    const frame = await client.next(isData('upd'));
    assert.deepEqual(frame.payload?.data, { onUpdateSite: { id: updated.id, _version: 2 } });
    await client.expectNone(isData('upd'));
  });

  it('evaluates the filter argument server-side, including in and notIn', async () => {
    const client = await ready();
    const filter = {
      and: [{ name: { beginsWith: 'North' } }, { code: { in: ['A', 'B'] } }],
      or: [{ tags: { contains: 'urgent' } }, { code: { notIn: ['B'] } }],
    };
    assert.equal((await client.subscribe('f', onCreateSite(false), { filter }, aliceAuth)).type, 'start_ack');
    const sent = [
      site(ALICE, { name: 'North 1', code: 'A' }), // matches: in [A,B], notIn [B]
      site(ALICE, { name: 'North 2', code: 'B' }), // no: notIn [B] fails and no urgent tag
      site(ALICE, { name: 'North 3', code: 'B', tags: ['urgent'] }), // matches through contains
      site(ALICE, { name: 'South 4', code: 'A' }), // no: beginsWith
      site(ALICE, { name: 'North 5', code: 'C' }), // no: in [A,B]
    ];
    for (const item of sent) await publish('Site', 'create', item);
    const first = await client.next(isData('f'));
    const second = await client.next(isData('f'));
    assert.deepEqual([first.payload?.data?.onCreateSite?.name, second.payload?.data?.onCreateSite?.name], ['North 1', 'North 3']);
    await client.expectNone(isData('f'));
  });

  it('rejects a filter on an unknown field or with a bad operator value, naming it', async () => {
    const client = await ready();
    const unknownField = await client.subscribe('bad1', onCreateSite(false), { filter: { colour: { eq: 'red' } } }, aliceAuth);
    assert.equal(unknownField.type, 'error');
    assert.equal(unknownField.payload?.errors?.[0]?.errorType, 'ValidationError');
    assert.match(unknownField.payload?.errors?.[0]?.message ?? '', /colour/);
    const size = await client.subscribe('bad2', onCreateSite(false), { filter: { owner: { size: { eq: 3 } } } }, aliceAuth);
    assert.equal(size.type, 'error');
    assert.match(size.payload?.errors?.[0]?.message ?? '', /size.*not supported/);
  });

  it('answers an owner argument that is not the caller with Unauthorized', async () => {
    const client = await ready();
    const answer = await client.subscribe('o1', onCreateSite(true), { owner: BOB }, aliceAuth);
    assert.deepEqual(answer, {
      id: 'o1',
      type: 'error',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onCreateSite on type Subscription' }] },
    });
  });

  it('with the owner argument set to the caller (any claim form), delivers only their records', async () => {
    const client = await ready();
    for (const [id, owner] of [
      ['own1', ALICE],
      ['own2', 'alice'],
      ['own3', ALICE.split('::')[0]],
    ] as const) {
      assert.equal((await client.subscribe(id, onCreateSite(true), { owner }, aliceAuth)).type, 'start_ack', owner);
    }
    const bobs = site(BOB);
    const alices = site(ALICE);
    const legacy = site('alice'); // stored by an older API as the bare username
    await publish('Site', 'create', bobs);
    await publish('Site', 'create', alices);
    await publish('Site', 'create', legacy);
    for (const id of ['own1', 'own2', 'own3']) {
      assert.equal((await client.next(isData(id))).payload?.data?.onCreateSite?.id, alices.id);
      assert.equal((await client.next(isData(id))).payload?.data?.onCreateSite?.id, legacy.id);
    }
    await client.expectNone((f) => f.type === 'data');
  });

  it('with the owner argument omitted, filters to the caller’s records at run time', async () => {
    const a = await ready(aliceAuth);
    const b = await ready(bobAuth);
    assert.equal((await a.subscribe('mine', onCreateSite(false), {}, aliceAuth)).type, 'start_ack');
    assert.equal((await b.subscribe('mine', onCreateSite(false), {}, bobAuth)).type, 'start_ack');
    const alices = site(ALICE);
    const bobs = site(BOB);
    await publish('Site', 'create', bobs);
    await publish('Site', 'create', alices);
    assert.equal((await a.next(isData('mine'))).payload?.data?.onCreateSite?.id, alices.id);
    assert.equal((await b.next(isData('mine'))).payload?.data?.onCreateSite?.id, bobs.id);
    await a.expectNone(isData('mine'));
    await b.expectNone(isData('mine'));
  });

  it('authorizes each start with its own authorization, not the connection’s', async () => {
    const client = await ready(aliceAuth);
    assert.equal((await client.subscribe('as-bob', onCreateSite(false), {}, bobAuth)).type, 'start_ack');
    const bobs = site(BOB);
    await publish('Site', 'create', site(ALICE));
    await publish('Site', 'create', bobs);
    assert.equal((await client.next(isData('as-bob'))).payload?.data?.onCreateSite?.id, bobs.id);
    await client.expectNone(isData('as-bob'));

    const expired = await client.subscribe('exp', onCreateSite(false), {}, expiredAuth);
    assert.equal(expired.payload?.errors?.[0]?.errorType, 'UnauthorizedException');
    assert.match(expired.payload?.errors?.[0]?.message ?? '', /^Token expired/);
  });

  it('lets an API key listen only where @auth allows public apiKey reads', async () => {
    const client = await ready(keyAuth);
    const denied = await client.subscribe('k1', onCreateSite(false), {}, keyAuth);
    assert.equal(denied.type, 'error');
    assert.equal(denied.payload?.errors?.[0]?.errorType, 'Unauthorized');
    assert.equal((await client.subscribe('k2', 'subscription { onDeleteNotice { id _deleted } }', {}, keyAuth)).type, 'start_ack');
    await publish('Site', 'delete', site(ALICE, { _deleted: true }));
    await publish('Notice', 'delete', { id: 'n-9', title: 'gone', _version: 2, _lastChangedAt: 2, _deleted: true });
    assert.deepEqual((await client.next(isData('k2'))).payload?.data, { onDeleteNotice: { id: 'n-9', _deleted: true } });
  });

  it('stop → complete, and no data after it', async () => {
    const client = await ready();
    assert.equal((await client.subscribe('st', onCreateSite(false), {}, aliceAuth)).type, 'start_ack');
    client.send({ id: 'st', type: 'stop' });
    assert.deepEqual(await client.next((f) => f.id === 'st'), { id: 'st', type: 'complete' });
    await publish('Site', 'create', site(ALICE));
    await client.expectNone(isData('st'));
    // The id can be used again after the stop.
    assert.equal((await client.subscribe('st', onCreateSite(false), {}, aliceAuth)).type, 'start_ack');
  });

  it('refuses more subscriptions than the per-connection limit with MaxSubscriptionsReachedError', async () => {
    const client = await ready();
    for (let i = 0; i < 5; i++) {
      assert.equal((await client.subscribe(`l${i}`, onCreateSite(false), {}, aliceAuth)).type, 'start_ack');
    }
    const refused = await client.subscribe('l5', onCreateSite(false), {}, aliceAuth);
    assert.deepEqual(refused, {
      id: 'l5',
      type: 'error',
      payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 5 subscriptions reached' }] },
    });
    const duplicate = await client.subscribe('l0', onCreateSite(false), {}, aliceAuth);
    assert.equal(duplicate.payload?.errors?.[0]?.errorType, 'BadRequestException');
  });

  it('answers malformed frames with error frames and keeps the connection usable', async () => {
    const client = await ready();
    client.send('{not json');
    assert.equal((await client.next((f) => f.type === 'error')).payload?.errors?.[0]?.errorType, 'BadRequestException');
    client.send('[1,2]');
    assert.equal((await client.next((f) => f.type === 'error')).payload?.errors?.[0]?.errorType, 'BadRequestException');
    client.send({ type: 'subscribe', id: 'x' });
    assert.deepEqual(await client.next((f) => f.type === 'error'), {
      id: 'x',
      type: 'error',
      payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'subscribe not supported through the realtime channel' }] },
    });
    client.send({ type: 'start', payload: {} });
    assert.match((await client.next((f) => f.type === 'error')).payload?.errors?.[0]?.message ?? '', /"id"/);
    client.send({ id: 'p', type: 'start', payload: { data: '{"query": 42}', extensions: { authorization: aliceAuth } } });
    assert.match((await client.next((f) => f.id === 'p')).payload?.errors?.[0]?.message ?? '', /query must be/);
    client.send({ id: 'q', type: 'start', payload: { data: 'not json', extensions: { authorization: aliceAuth } } });
    assert.match((await client.next((f) => f.id === 'q')).payload?.errors?.[0]?.message ?? '', /not valid JSON/);
    assert.equal((await client.subscribe('ok', onCreateSite(false), {}, aliceAuth)).type, 'start_ack');
  });

  it('rejects documents that are not valid subscriptions of the API, with a clear error', async () => {
    const client = await ready();
    const unknownField = await client.subscribe('d1', 'subscription { onCreateSite { id colour } }', {}, aliceAuth);
    assert.equal(unknownField.payload?.errors?.[0]?.errorType, 'ValidationError');
    assert.match(unknownField.payload?.errors?.[0]?.message ?? '', /Cannot query field "colour" on type "Site"/);
    const unknownRoot = await client.subscribe('d2', 'subscription { onCreateGarden { id } }', {}, aliceAuth);
    assert.match(unknownRoot.payload?.errors?.[0]?.message ?? '', /onCreateGarden/);
    const query = await client.subscribe('d3', 'query { getSite(id: "1") { id } }', {}, aliceAuth);
    assert.deepEqual(query.payload?.errors, [{ errorType: 'UnsupportedOperation', message: 'query not supported through the realtime channel' }]);
    const syntax = await client.subscribe('d4', 'subscription { onCreateSite { id ', {}, aliceAuth);
    assert.match(syntax.payload?.errors?.[0]?.message ?? '', /Syntax Error/);
    const badVariable = await client.subscribe('d5', onCreateSite(true), { owner: 42 }, aliceAuth);
    assert.match(badVariable.payload?.errors?.[0]?.message ?? '', /\$owner/);
  });

  it('serves a start sent without connection_init (optional in AppSync), and refuses it without credentials', async () => {
    const client = await connect();
    client.start('early', onCreateSite(false), {}, aliceAuth);
    client.start('early2', onCreateSite(false), {}, aliceAuth);
    assert.deepEqual(await client.next((f) => f.id === 'early'), { id: 'early', type: 'start_ack' });
    assert.deepEqual(await client.next((f) => f.id === 'early2'), { id: 'early2', type: 'start_ack' });
    const item = site(ALICE);
    await publish('Site', 'create', item);
    assert.equal((await client.next(isData('early'))).payload?.data?.onCreateSite?.id, item.id);

    const anonymous = await connect(null);
    anonymous.start('x', onCreateSite(false), {}, aliceAuth);
    const answer = await anonymous.next((f) => f.type === 'connection_error');
    assert.equal(answer.payload?.errors?.[0]?.errorCode, 401);
    await anonymous.expectNone((f) => f.id === 'x', 200);
    await anonymous.closed();
  });

  it('closes a connection that never sends connection_init', async () => {
    const client = await connect();
    const closed = await client.closed();
    assert.equal(closed.code, 4408);
  });

  it('closes the connection of a subscriber whose token expired (so clients reconnect with a fresh one), instead of delivering', async () => {
    const client = await ready();
    // Issued 896 s ago with a 900 s lifetime: valid now (with room for a slow sign-in), expired 4 s from now.
    const auth = { Authorization: await accounts.aliceTokenIssuedAgo(896_000), host: 'h' };
    assert.equal((await client.subscribe('short', onCreateSite(false), {}, auth)).type, 'start_ack');
    const exp = JSON.parse(Buffer.from(auth.Authorization.split('.')[1], 'base64url').toString()).exp as number;
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
    await publish('Site', 'create', site(ALICE));
    const closed = await client.closed();
    assert.equal(closed.code, 4401);
    assert.equal(closed.reason, 'Token expired');
    // A per-subscription error would make DataStore drop the subscription for good.
    await client.expectNone((f) => f.id === 'short', 50);
  });

  it('ends live subscriptions whose API key is revoked, without waiting for an event', async () => {
    const key = await accounts.newApiKey();
    const client = await ready(key.auth);
    assert.equal((await client.subscribe('rk', 'subscription { onCreateNotice { id } }', {}, key.auth)).type, 'start_ack');
    await key.revoke();
    const ended = await client.next((f) => f.id === 'rk');
    assert.deepEqual(ended, {
      id: 'rk',
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'API key has been revoked' }] },
    });
    await publish('Notice', 'create', { id: 'after-revoke', title: 't', _version: 1, _lastChangedAt: 1, _deleted: null });
    await client.expectNone(isData('rk'));
  });

  it('reports a null in a non-null field as AppSync does, with the field path', async () => {
    const client = await ready();
    assert.equal((await client.subscribe('nn', `subscription { onCreateSite { id name } }`, {}, aliceAuth)).type, 'start_ack');
    await publish('Site', 'create', site(ALICE, { name: null }));
    const frame = await client.next(isData('nn'));
    assert.deepEqual(frame.payload?.data, { onCreateSite: null });
    assert.deepEqual(frame.payload?.errors?.[0]?.path, ['onCreateSite', 'name']);
  });

  it('closes every connection when the bus reports it may have lost changes', async () => {
    const client = await ready();
    bus.reportDisruption({ reason: 'test outage' });
    assert.equal((await client.closed()).code, 1012);
  });

  it('leaves other paths to the HTTP server', async () => {
    await assert.rejects(AppSyncWsClient.open(url, aliceAuth, 'subprotocol', '/elsewhere'));
  });
});
