// The official Amplify DataStore client (aws-amplify 6) syncs with the Outpost server unchanged,
// under the server's default FIELD_MERGE and under AUTOMERGE (one test file each, one DataStore per process),
// with an API key: the example schema with public rules, DataStore in Node over IndexedDB
// (fake-indexeddb), its own HTTP and WebSocket code pointed at https://127.0.0.1:<port>/graphql.
// Another client talks to the same server over plain GraphQL. Every wait is bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { PersistentModel, PersistentModelConstructor, SubscriptionMessage, SyncConflict, SyncError } from '@aws-amplify/datastore';
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
  type GraphqlRecorder,
  type HubEvent,
  type RecordedRequest,
  type SocketTap,
  type TlsOutpost,
} from './amplify-node-client.js';

const OWNER_RULE = '@auth(rules: [{ allow: owner }])';
const exampleSdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
assert.ok(exampleSdl.includes(OWNER_RULE), 'the example schema still uses owner rules');
// Plus a model whose only required field is the one a test edits: DataStore can build its conflict
// input only from the fields an update sends (see the OPTIMISTIC_CONCURRENCY tests).
const MEMO_SDL = 'type Memo @model @auth(rules: [{ allow: public }]) { id: ID! text: String! pinned: Boolean }';
const schema = parseSchema(`${exampleSdl.replaceAll(OWNER_RULE, '@auth(rules: [{ allow: public }])')}\n${MEMO_SDL}\n`);

type GeoPoint = { latitude: number; longitude: number; accuracyMeters?: number | null };
type Site = {
  readonly id: string;
  readonly name: string;
  readonly code?: string | null;
  readonly location?: GeoPoint | null;
  readonly tags?: readonly string[] | null;
  readonly createdAt?: string | null;
  readonly _version?: number;
};
type Inspection = {
  readonly id: string;
  readonly siteID: string;
  readonly title: string;
  readonly status: string;
  readonly score?: number | null;
  readonly inspectedAt?: string | null;
  readonly _version?: number;
};
type Memo = { readonly id: string; readonly text: string; readonly pinned?: boolean | null; readonly _version?: number };
type Observation = {
  readonly id: string;
  readonly inspectionID: string;
  readonly category: string;
  readonly severity: string;
  readonly description?: string | null;
  readonly measurements?: readonly number[] | null;
  readonly resolved?: boolean | null;
  readonly _version?: number;
};

const SITE_FIELDS = 'id name code location { latitude longitude accuracyMeters } tags createdAt updatedAt _version _lastChangedAt _deleted';
const OBSERVATION_FIELDS = 'id inspectionID category severity description measurements resolved _version _lastChangedAt _deleted';
const MEMO_FIELDS = 'id text pinned _version _lastChangedAt _deleted';
const FIELDS = { Site: SITE_FIELDS, Observation: OBSERVATION_FIELDS, Memo: MEMO_FIELDS } as const;

const SYNC_PAGE_SIZE = 2;

/** Strategies the suite runs under: the server default (FIELD_MERGE) and AppSync's AUTOMERGE. */
export type CompatStrategy = 'FIELD_MERGE' | 'AUTOMERGE';

/** Defines the suite against a server whose default strategy (Site, Inspection) is `strategy`; Observation and Memo run OPTIMISTIC_CONCURRENCY. */
export function defineAmplifyDataStoreSuite(strategy: CompatStrategy): void {
  const amplify = loadAmplify();
  const { DataStore } = amplify;
  let outpost: TlsOutpost;
  let other: Record<string, string>;
  let tap: SocketTap;
  let http: GraphqlRecorder;
  let requests: RecordedRequest[];
  let hub: { events: HubEvent[]; stop: () => void };
  const observed: Array<SubscriptionMessage<PersistentModel>> = [];
  let observation: { unsubscribe(): void } | undefined;
  const conflicts: SyncConflict[] = [];
  const syncErrors: Array<SyncError<PersistentModel>> = [];
  let SiteModel: PersistentModelConstructor<Site>;
  let InspectionModel: PersistentModelConstructor<Inspection>;
  let ObservationModel: PersistentModelConstructor<Observation>;
  let MemoModel: PersistentModelConstructor<Memo>;
  let seedId: string;
  let siteSyncCode: string | undefined;
  let goneId: string;

  /** What another client reads from the server for `id` (full selection), or null. */
  async function serverGet(type: keyof typeof FIELDS, id: string): Promise<Record<string, unknown> | null> {
    const fields = FIELDS[type];
    const body = await gql(outpost.server.url, other, `query($id: ID!) { get${type}(id: $id) { ${fields} } }`, { id });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return (body.data?.[`get${type}`] as Record<string, unknown> | null) ?? null;
  }

  /** Runs a mutation as the other client and returns its item. */
  async function otherMutates(mutation: string, input: Record<string, unknown>, fields = SITE_FIELDS): Promise<Record<string, unknown>> {
    const inputType = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;
    const body = await gql(outpost.server.url, other, `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${fields} } }`, { input });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.[mutation] as Record<string, unknown>;
  }

  /** Resolves once DataStore reports the server accepted a mutation for `id`; returns the server's record. */
  function processed(id: string, from = 0): Promise<Record<string, unknown>> {
    return waitFor(`outboxMutationProcessed for ${id}`, () => {
      const hit = hub.events.slice(from).find((e) => e.event === 'outboxMutationProcessed' && (e.data as { element: { id: string } }).element.id === id);
      return hit === undefined ? undefined : (hit.data as { element: Record<string, unknown> }).element;
    });
  }

  /** Errors DataStore reported, less the `RetryMutation` it always reports when a conflict handler's answer is resent. */
  function unexpectedErrors(): Array<SyncError<PersistentModel>> {
    return syncErrors.filter((e) => e.message !== 'RetryMutation');
  }

  function requestsFor(field: string): RecordedRequest[] {
    return requests.filter((r) => new RegExp(`\\b${field}\\(`).test(r.body.query));
  }

  /** Saves `record`, waits until the server accepted it and DataStore holds version 1; returns that copy. */
  async function savedAtV1<T extends { readonly id: string; readonly _version?: number }>(record: T, read: (id: string) => Promise<T | undefined>): Promise<T> {
    await DataStore.save(record);
    await processed(record.id);
    return waitFor('version 1 locally', async () => {
      const row = await read(record.id);
      return row?._version === 1 ? row : undefined;
    });
  }

  /** The other client updates `input` while DataStore's subscription event for it is lost. */
  async function updateUnheard(mutation: string, input: Record<string, unknown>, fields: string, marker: string): Promise<void> {
    tap.dropData = true;
    try {
      await otherMutates(mutation, input, fields);
      await waitFor(`the dropped ${mutation} event`, () =>
        tap.frames.find((f) => f.direction === 'in' && f.frame.type === 'data' && JSON.stringify(f.frame).includes(marker)),
      );
    } finally {
      tap.dropData = false;
    }
  }

  before(async () => {
    outpost = await startTlsServer(schema, {
      // FIELD_MERGE runs as the server default (no conflictHandler given); AUTOMERGE is configured.
      ...(strategy === 'AUTOMERGE' ? { conflictHandler: 'AUTOMERGE' as const } : {}),
      models: { Observation: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' }, Memo: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' } },
    });
    const { key } = await outpost.server.authStore.createApiKey();
    other = { 'x-api-key': key };
    // Before DataStore's first start: four live sites and one already deleted (a tombstone), five
    // items for the first sync, in pages of two.
    seedId = (await otherMutates('createSite', { name: 'Seeded', tags: ['s'] })).id as string;
    for (const n of [2, 3, 4]) await otherMutates('createSite', { name: `Seeded ${n}` });
    const gone = await otherMutates('createSite', { name: 'Gone' });
    goneId = gone.id as string;
    await otherMutates('deleteSite', { id: goneId, _version: 1 });

    tap = installWebSocket(outpost.cert);
    http = recordGraphqlRequests();
    requests = http.requests;
    amplify.Amplify.configure({ API: { GraphQL: { endpoint: outpost.server.url, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: key } } });
    const models = amplify.initSchema(toAmplifyModelIntrospection(schema));
    SiteModel = models.Site as PersistentModelConstructor<Site>;
    InspectionModel = models.Inspection as PersistentModelConstructor<Inspection>;
    ObservationModel = models.Observation as PersistentModelConstructor<Observation>;
    MemoModel = models.Memo as PersistentModelConstructor<Memo>;
    DataStore.configure({
      storageAdapter: amplify.indexedDbAdapter,
      syncPageSize: SYNC_PAGE_SIZE,
      // Re-evaluated at every start(): the selective-sync test narrows Site by changing siteSyncCode.
      syncExpressions: [amplify.syncExpression(SiteModel, () => (siteSyncCode === undefined ? amplify.Predicates.ALL : (site) => site.code.eq(siteSyncCode)))],
      conflictHandler: async (conflict) => {
        conflicts.push(conflict);
        // The server's item with the local edit applied, marked. (Spreading localModel, as the default
        // handler does, would also send null for every field the update did not carry.)
        return { ...conflict.remoteModel, text: `${String(conflict.localModel.text)} (after conflict)` };
      },
      errorHandler: (error) => {
        syncErrors.push(error);
      },
    });
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

  test('start: a paged full sync from lastSync 0 brings the live records, not the tombstone, over the real-time URL Amplify derives', async () => {
    const order = ['storageSubscribed', 'subscriptionsEstablished', 'syncQueriesStarted', 'syncQueriesReady', 'ready'];
    const seen = hub.events.map((e) => e.event).filter((e) => order.includes(e));
    assert.deepEqual(seen, order);
    const siteSynced = hub.events.find((e) => e.event === 'modelSynced' && (e.data as { model: { name: string } }).model.name === 'Site');
    assert.ok(siteSynced, 'modelSynced for Site');
    const { isFullSync, counts } = siteSynced.data as { isFullSync: boolean; counts: Record<string, number> };
    assert.equal(isFullSync, true);
    assert.deepEqual(counts, { new: 4, updated: 0, deleted: 1 });

    // Five items in pages of two: each page asks with the previous page's token; startedAt stays put.
    const pages = requestsFor('syncSites');
    assert.equal(pages.length, 3);
    let token: unknown = null;
    let startedAt: unknown;
    for (const page of pages) {
      assert.deepEqual(page.body.variables, { limit: SYNC_PAGE_SIZE, nextToken: token, lastSync: 0, filter: null });
      assert.equal(page.status, 200);
      assert.ok(page.headers['x-api-key'], 'API key header sent');
      const connection = page.response?.data?.syncSites as { items: unknown[]; nextToken: string | null; startedAt: number };
      startedAt ??= connection.startedAt;
      assert.equal(connection.startedAt, startedAt);
      token = connection.nextToken;
    }
    assert.equal(token, null, 'the last page ends the chain');

    const local = await DataStore.query(SiteModel, seedId);
    assert.equal(local?.name, 'Seeded');
    assert.deepEqual(local?.tags, ['s']);
    assert.equal(local?._version, 1);
    assert.equal(await DataStore.query(SiteModel, goneId), undefined);

    // appsyncUrl.ts: a non-AppSync host gets `/realtime` appended and the scheme becomes wss://.
    const socket = tap.opened[0];
    assert.ok(socket, 'Amplify opened a socket');
    assert.equal(socket.url.split('?')[0], `wss://127.0.0.1:${outpost.server.port}/graphql/realtime`);
    assert.equal(socket.protocols[0], 'graphql-ws');
    const header = JSON.parse(Buffer.from(socket.protocols[1]?.replace(/^header-/, '') ?? '', 'base64url').toString()) as Record<string, string>;
    assert.equal(header['x-api-key'], other['x-api-key']);
    assert.equal(header.host, `127.0.0.1:${outpost.server.port}`);
    const acks = tap.frames.filter((f) => f.direction === 'in' && f.frame.type === 'start_ack');
    assert.equal(acks.length, 3 * Object.keys(schema.models).length, 'three subscriptions per model, all acknowledged');
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('the Outpost wire extensions (extensions.outpost on every response) do not disturb DataStore; a sync first page carries syncTotals', async () => {
    const body = (await gql(outpost.server.url, other, `query { syncSites(limit: 1) { items { id } nextToken startedAt } }`)) as {
      extensions?: { outpost?: { version?: number; capabilities?: string[]; attachmentsPath?: string; syncTotals?: Record<string, number> } };
    };
    assert.equal(body.extensions?.outpost?.version, 1);
    // The example schema has attachment fields, so the server also announces its upload endpoint.
    assert.deepEqual(body.extensions?.outpost?.capabilities, ['mutationBatching', 'mutationIds', 'syncTotals', 'attachments']);
    assert.equal(body.extensions?.outpost?.attachmentsPath, '/attachments/');
    assert.equal(typeof body.extensions?.outpost?.syncTotals?.syncSites, 'number');
    // DataStore read every earlier response with these extensions: its first sync completed above.
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('records saved in DataStore reach the server with version 1, their enums, lists, embedded objects and relations', async () => {
    const site = await DataStore.save(
      new SiteModel({ name: 'North quarry', code: 'NQ', location: { latitude: 51.5, longitude: -0.12, accuracyMeters: 4 }, tags: ['a', 'b'] }),
    );
    const inspection = await DataStore.save(
      new InspectionModel({ siteID: site.id, title: 'Walkround', status: 'IN_PROGRESS', score: 7, inspectedAt: '2026-11-01T09:30:00.000Z' }),
    );
    const observationRecord = await DataStore.save(
      new ObservationModel({ inspectionID: inspection.id, category: 'Fence', severity: 'HIGH', measurements: [1.5, 2.25], resolved: false }),
    );
    const accepted = await processed(observationRecord.id);
    assert.equal(accepted._version, 1);

    const onServer = await serverGet('Site', site.id);
    assert.equal(onServer?.name, 'North quarry');
    assert.equal(onServer?.code, 'NQ');
    assert.deepEqual(onServer?.location, { latitude: 51.5, longitude: -0.12, accuracyMeters: 4 });
    assert.deepEqual(onServer?.tags, ['a', 'b']);
    assert.equal(onServer?._version, 1);
    assert.equal(onServer?._deleted, null);
    assert.match(String(onServer?.createdAt), /^\d{4}-\d\d-\d\dT/);
    const inspectionBody = await gql(outpost.server.url, other, 'query($id: ID!) { getInspection(id: $id) { siteID status score inspectedAt _version } }', {
      id: inspection.id,
    });
    assert.deepEqual(inspectionBody.data?.getInspection, {
      siteID: site.id,
      status: 'IN_PROGRESS',
      score: 7,
      inspectedAt: '2026-11-01T09:30:00.000Z',
      _version: 1,
    });
    const observationOnServer = await serverGet('Observation', observationRecord.id);
    assert.deepEqual(observationOnServer?.measurements, [1.5, 2.25]);
    assert.equal(observationOnServer?.severity, 'HIGH');
    assert.equal(observationOnServer?.resolved, false);

    // The local copy takes the server's metadata once the response is merged.
    const local = await waitFor('local site at version 1', async () => {
      const row = await DataStore.query(SiteModel, site.id);
      return row?._version === 1 ? row : undefined;
    });
    assert.equal(local.createdAt, onServer?.createdAt);
    const create = requestsFor('createSite').at(-1);
    assert.equal(create?.body.variables?.condition, undefined, 'creates carry no condition');
    assert.equal((create?.body.variables?.input as Record<string, unknown>).createdAt, undefined, 'read-only timestamps are not sent');
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('a record another client creates on the server arrives in DataStore through the subscription', async () => {
    const from = observed.length;
    const created = await otherMutates('createSite', { name: 'From the office', code: 'OF', tags: ['remote'] });
    const message = await waitFor('observe INSERT', () => observed.slice(from).find((m) => m.opType === 'INSERT' && (m.element as Site).id === created.id));
    assert.equal(message.model, SiteModel);
    const local = await DataStore.query(SiteModel, created.id as string);
    assert.equal(local?.name, 'From the office');
    assert.deepEqual(local?.tags, ['remote']);
    assert.equal(local?._version, 1);
  });

  test('an update made in DataStore carries _version and bumps it on the server; a remote update with _version arrives', async () => {
    const site = await savedAtV1(new SiteModel({ name: 'Old name', tags: ['x'] }), (id) => DataStore.query(SiteModel, id));
    const mark = hub.events.length;
    await DataStore.save(
      SiteModel.copyOf(site, (draft) => {
        draft.name = 'New name';
      }),
    );
    const accepted = await processed(site.id, mark);
    assert.equal(accepted._version, 2);
    const update = requestsFor('updateSite').at(-1);
    assert.deepEqual(update?.body.variables, { input: { id: site.id, name: 'New name', _version: 1 }, condition: null });
    const onServer = await serverGet('Site', site.id);
    assert.equal(onServer?.name, 'New name');
    assert.equal(onServer?._version, 2);

    const from = observed.length;
    await otherMutates('updateSite', { id: site.id, code: 'R2', _version: 2 });
    await waitFor('observe UPDATE', () => observed.slice(from).find((m) => m.opType === 'UPDATE' && (m.element as Site).id === site.id));
    const local = await waitFor('remote update merged', async () => {
      const row = await DataStore.query(SiteModel, site.id);
      return row?._version === 3 ? row : undefined;
    });
    assert.equal(local.code, 'R2');
    assert.equal(local.name, 'New name');
  });

  test('a delete in DataStore tombstones the record on the server; a remote delete removes it locally', async () => {
    const site = await savedAtV1(new SiteModel({ name: 'To delete' }), (id) => DataStore.query(SiteModel, id));
    const mark = hub.events.length;
    await DataStore.delete(site);
    const accepted = await processed(site.id, mark);
    assert.equal(accepted._deleted, true);
    const del = requestsFor('deleteSite').at(-1);
    assert.deepEqual(del?.body.variables, { input: { id: site.id, _version: 1 }, condition: null });
    const tombstone = await serverGet('Site', site.id);
    assert.equal(tombstone?._deleted, true);
    assert.equal(tombstone?._version, 2);

    const remote = await otherMutates('createSite', { name: 'Deleted elsewhere' });
    await waitFor('remote create arrives', async () => DataStore.query(SiteModel, remote.id as string));
    const from = observed.length;
    await otherMutates('deleteSite', { id: remote.id, _version: 1 });
    await waitFor('observe DELETE', () => observed.slice(from).find((m) => m.opType === 'DELETE' && (m.element as Site).id === remote.id));
    assert.equal(await DataStore.query(SiteModel, remote.id as string), undefined);
  });

  test('rapid edits queued behind an update in flight all land: the server echoes what was sent, so DataStore carries the new _version forward', async () => {
    const site = await savedAtV1(new SiteModel({ name: 'R0' }), (id) => DataStore.query(SiteModel, id));
    const inspection = await savedAtV1(new InspectionModel({ siteID: site.id, title: 'T0', status: 'DRAFT', inspectedAt: '2026-11-01T09:30:00Z' }), (id) =>
      DataStore.query(InspectionModel, id),
    );
    const mark = hub.events.length;
    // A slow network: the first update is still in flight while the next two are queued (and merged).
    http.responseDelayMs = 500;
    try {
      const first = await DataStore.save(
        InspectionModel.copyOf(inspection, (d) => {
          d.title = 'T1';
          d.inspectedAt = '2026-11-02T10:00:00+02:00';
        }),
      );
      await waitFor('the first update in flight', () =>
        requestsFor('updateInspection').find((r) => (r.body.variables?.input as { id: string }).id === inspection.id),
      );
      const second = await DataStore.save(
        InspectionModel.copyOf(first, (d) => {
          d.score = 5;
        }),
      );
      await DataStore.save(
        InspectionModel.copyOf(second, (d) => {
          d.title = 'T3';
        }),
      );
      await waitFor('two updates answered', () => {
        const sent = requestsFor('updateInspection').filter((r) => (r.body.variables?.input as { id: string }).id === inspection.id);
        return sent.length === 2 && sent.every((r) => r.response !== undefined) ? sent : undefined;
      });
      await waitFor('the outbox drained', () => hub.events.slice(mark).find((e) => e.event === 'outboxStatus' && (e.data as { isEmpty: boolean }).isEmpty));
    } finally {
      http.responseDelayMs = 0;
    }
    const updates = requestsFor('updateInspection').filter((r) => (r.body.variables?.input as { id: string }).id === inspection.id);
    // The server's answer repeats the sent values exactly (the +02:00 offset too), which is DataStore's
    // test for carrying the new _version to the queued update; otherwise the queued one would go out
    // with version 1 and AUTOMERGE would keep title T1 (amplify-js#6363).
    assert.deepEqual(
      updates.map((u) => u.body.variables?.input),
      [
        { id: inspection.id, title: 'T1', inspectedAt: '2026-11-02T10:00:00+02:00', _version: 1 },
        { id: inspection.id, score: 5, title: 'T3', _version: 2 },
      ],
    );
    const body = await gql(outpost.server.url, other, 'query($id: ID!) { getInspection(id: $id) { title score inspectedAt _version } }', { id: inspection.id });
    assert.deepEqual(body.data?.getInspection, { title: 'T3', score: 5, inspectedAt: '2026-11-02T10:00:00+02:00', _version: 3 });
    const local = await waitFor('local copy at the last version', async () => {
      const row = await DataStore.query(InspectionModel, inspection.id);
      return row?._version === 3 ? row : undefined;
    });
    assert.equal(local.title, 'T3');
    assert.equal(local.score, 5);
    assert.deepEqual(unexpectedErrors(), []);
  });

  test(`${strategy}: a DataStore update against a version it never saw is merged by the server and DataStore takes the merge`, async () => {
    const site = await savedAtV1(new SiteModel({ name: 'A', tags: ['x'] }), (id) => DataStore.query(SiteModel, id));
    // DataStore misses the other client's update (its subscription event is lost), so it still holds v1.
    tap.dropData = true;
    try {
      await otherMutates('updateSite', { id: site.id, name: 'B', _version: 1 });
      await waitFor('the dropped onUpdateSite frame', () =>
        tap.frames.find((f) => f.direction === 'in' && f.frame.type === 'data' && JSON.stringify(f.frame).includes(`"name":"B"`)),
      );
    } finally {
      tap.dropData = false;
    }
    const mark = hub.events.length;
    await DataStore.save(
      SiteModel.copyOf(site, (draft) => {
        draft.name = 'C';
        draft.code = 'K';
        draft.tags = ['x', 'y'];
      }),
    );
    const merged = await processed(site.id, mark);
    // Both: the scalar both sides changed keeps the server value, a field only DataStore set is taken.
    // Lists: AUTOMERGE concatenates; FIELD_MERGE merges against the base (v1, ['x']) and adds 'y' once.
    const tags = strategy === 'AUTOMERGE' ? ['x', 'x', 'y'] : ['x', 'y'];
    assert.equal(merged.name, 'B');
    assert.equal(merged.code, 'K');
    assert.deepEqual(merged.tags, tags);
    assert.equal(merged._version, 3);
    const update = requestsFor('updateSite').at(-1);
    assert.equal((update?.body.variables?.input as Record<string, unknown>)._version, 1, 'sent with the stale version');
    const onServer = await serverGet('Site', site.id);
    assert.equal(onServer?.name, 'B');
    assert.deepEqual(onServer?.tags, tags);
    assert.equal(onServer?._version, 3);
    const local = await waitFor('local copy at the merged version', async () => {
      const row = await DataStore.query(SiteModel, site.id);
      return row?._version === 3 ? row : undefined;
    });
    assert.equal(local.name, 'B');
    assert.equal(local.code, 'K');
    assert.deepEqual(local.tags, tags);
    assert.equal(conflicts.filter((c) => c.remoteModel.id === site.id).length, 0, `${strategy} is not a conflict for the client`);
  });

  test("OPTIMISTIC_CONCURRENCY: ConflictUnhandled reaches DataStore's conflict handler with the server item, and its resolution is written", async () => {
    const atV1 = await savedAtV1(new MemoModel({ text: 'first', pinned: true }), (id) => DataStore.query(MemoModel, id));
    await updateUnheard('updateMemo', { id: atV1.id, text: 'remote', _version: 1 }, MEMO_FIELDS, '"text":"remote"');
    const mark = hub.events.length;
    await DataStore.save(
      MemoModel.copyOf(atV1, (draft) => {
        draft.text = 'local';
      }),
    );
    const accepted = await processed(atV1.id, mark);
    const conflict = conflicts.find((c) => c.remoteModel.id === atV1.id);
    const retry = requestsFor('updateMemo').at(-1);
    assert.equal((retry?.body.variables?.input as Record<string, unknown>)._version, 2, 'resent against the server version');
    assert.ok(conflict, 'the conflict handler ran');
    assert.equal(conflict.operation, 'UPDATE');
    assert.equal(conflict.attempts, 1);
    assert.equal(conflict.modelConstructor, MemoModel);
    assert.equal(conflict.remoteModel.text, 'remote');
    assert.equal(conflict.remoteModel.pinned, true);
    assert.equal(conflict.remoteModel._version, 2);
    assert.equal(conflict.localModel.text, 'local');
    assert.equal(accepted.text, 'local (after conflict)');
    assert.equal(accepted._version, 3);
    const onServer = await serverGet('Memo', atV1.id);
    assert.equal(onServer?.text, 'local (after conflict)');
    assert.equal(onServer?.pinned, true);
    assert.equal(onServer?._version, 3);
    const local = await waitFor('local copy at version 3', async () => {
      const row = await DataStore.query(MemoModel, atV1.id);
      return row?._version === 3 ? row : undefined;
    });
    assert.equal(local.text, 'local (after conflict)');
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('OPTIMISTIC_CONCURRENCY with required fields the update does not send: DataStore cannot call its handler (amplify-js#10487), gives up after 10 attempts and takes the server item from get', async () => {
    const inspection = await DataStore.save(new InspectionModel({ siteID: seedId, title: 'OCC', status: 'DRAFT' }));
    const atV1 = await savedAtV1(new ObservationModel({ inspectionID: inspection.id, category: 'Gate', severity: 'LOW', description: 'first' }), (id) =>
      DataStore.query(ObservationModel, id),
    );
    await updateUnheard('updateObservation', { id: atV1.id, description: 'remote', _version: 1 }, OBSERVATION_FIELDS, '"description":"remote"');
    const mark = hub.events.length;
    const sentBefore = requests.length;
    await DataStore.save(
      ObservationModel.copyOf(atV1, (draft) => {
        draft.description = 'local';
      }),
    );
    const accepted = await processed(atV1.id, mark);
    // DataStore builds the handler's localModel from the update input ({id, description, _version}),
    // which fails its own required-field check (inspectionID), so the handler never runs.
    assert.equal(conflicts.filter((c) => c.remoteModel.id === atV1.id).length, 0);
    const sent = requests.slice(sentBefore);
    const updates = sent.filter((r) => /\bupdateObservation\(/.test(r.body.query));
    assert.equal(updates.length, 11, 'the first attempt and 10 retries');
    for (const update of updates) assert.deepEqual(update.body.variables?.input, { id: atV1.id, description: 'local', _version: 1 });
    const gets = sent.filter((r) => /\bgetObservation\(/.test(r.body.query));
    assert.equal(gets.length, 1);
    assert.deepEqual(gets[0]?.body.variables, { id: atV1.id });
    assert.equal(accepted.description, 'remote');
    assert.equal(accepted._version, 2);
    const onServer = await serverGet('Observation', atV1.id);
    assert.equal(onServer?.description, 'remote');
    assert.equal(onServer?._version, 2, 'no rejected attempt changed the server');
    const local = await waitFor('local copy at the server version', async () => {
      const row = await DataStore.query(ObservationModel, atV1.id);
      return row?._version === 2 ? row : undefined;
    });
    assert.equal(local.description, 'remote');
  });

  test('a save with a condition the server item no longer meets: ConditionalCheckFailedException reaches the error handler and DataStore takes the server item', async () => {
    const site = await savedAtV1(new SiteModel({ name: 'Guarded', code: 'X' }), (id) => DataStore.query(SiteModel, id));
    await updateUnheard('updateSite', { id: site.id, code: 'Y', _version: 1 }, SITE_FIELDS, '"code":"Y"');
    const mark = hub.events.length;
    const errorsBefore = syncErrors.length;
    // DataStore checks the condition against its own copy (code X) first, then the server against its item.
    await DataStore.save(
      SiteModel.copyOf(site, (draft) => {
        draft.name = 'Guarded, edited';
      }),
      (s) => s.code.eq('X'),
    );
    const taken = await processed(site.id, mark);
    const update = requestsFor('updateSite').at(-1);
    assert.deepEqual(update?.body.variables?.condition, { and: [{ code: { eq: 'X' } }] });
    const error = await waitFor('the error handler call', () => syncErrors.slice(errorsBefore).find((e) => e.message !== 'RetryMutation'));
    assert.equal(error.process, 'mutate');
    assert.equal(error.operation, 'Update');
    assert.equal((error.cause as { errorType?: string } | undefined)?.errorType, 'ConditionalCheckFailedException');
    assert.equal(error.remoteModel?.code, 'Y');
    syncErrors.splice(errorsBefore);
    assert.equal(taken.code, 'Y');
    assert.equal(taken.name, 'Guarded');
    const onServer = await serverGet('Site', site.id);
    assert.equal(onServer?.name, 'Guarded', 'the failed write changed nothing');
    assert.equal(onServer?._version, 2);
    const local = await waitFor('local copy at the server item', async () => {
      const row = await DataStore.query(SiteModel, site.id);
      return row?._version === 2 ? row : undefined;
    });
    assert.equal(local.code, 'Y');
    assert.equal(local.name, 'Guarded');
  });

  test('observeQuery: a snapshot follows a record another client creates', async () => {
    const snapshots: Array<{ items: Site[]; isSynced: boolean }> = [];
    const subscription = DataStore.observeQuery(SiteModel, (s) => s.code.eq('OQ')).subscribe((snapshot) => snapshots.push(snapshot));
    try {
      await waitFor('the first snapshot', () => snapshots[0]);
      assert.deepEqual(snapshots[0]?.items, []);
      const created = await otherMutates('createSite', { name: 'Watched', code: 'OQ' });
      const hit = await waitFor('a snapshot holding the remote record', () => snapshots.find((s) => s.items.some((i) => i.id === created.id)));
      assert.equal(hit.isSynced, true);
      assert.equal(hit.items.length, 1);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('after stop(), changes made on the server meanwhile arrive through a delta sync (lastSync = the last startedAt)', async () => {
    await DataStore.stop();
    const created = await otherMutates('createSite', { name: 'While stopped' });
    const before = requestsFor('syncSites').length;
    await DataStore.start();
    const sync = requestsFor('syncSites')[before];
    assert.ok(sync, 'a sync query after restart');
    const lastSync = sync.body.variables?.lastSync;
    assert.equal(typeof lastSync, 'number');
    assert.ok((lastSync as number) > 0, 'a delta sync, not a full one');
    const local = await waitFor('site created while stopped', async () => DataStore.query(SiteModel, created.id as string));
    assert.equal(local.name, 'While stopped');
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('a cut real-time socket: Amplify reconnects by itself, re-subscribes, and DataStore catches up on what it missed with a delta sync', async () => {
    const opened = tap.opened.length;
    const framesBefore = tap.frames.length;
    const syncsBefore = requestsFor('syncSites').length;
    assert.equal(tap.cut(), 1, 'one socket carries every subscription');
    const missed = await otherMutates('createSite', { name: 'While cut' });
    // Amplify's reconnection monitor retries after 5 s: a new socket, the same subscriptions started
    // again, and (DataStore's disruption listener) a sync round from the last startedAt.
    const local = await waitFor('the missed record', async () => DataStore.query(SiteModel, missed.id as string), 40_000);
    assert.equal(local.name, 'While cut');
    assert.ok(tap.opened.length > opened, 'a new socket was opened');
    const catchUp = requestsFor('syncSites').slice(syncsBefore);
    assert.ok(catchUp.length >= 1, 'a sync round after reconnecting');
    assert.ok((catchUp[0]?.body.variables?.lastSync as number) > 0, 'a delta sync');
    const subscriptions = 3 * Object.keys(schema.models).length;
    await waitFor('every subscription acknowledged on the new socket', () => {
      const acks = tap.frames.slice(framesBefore).filter((f) => f.direction === 'in' && f.frame.type === 'start_ack').length;
      return acks >= subscriptions ? acks : undefined;
    });
    // (DataStore.observe() subscriptions end with stop(), which an earlier test called; read the store.)
    const syncsNow = requestsFor('syncSites').length;
    const live = await otherMutates('createSite', { name: 'Live again' });
    assert.equal((await waitFor('a live event on the new socket', async () => DataStore.query(SiteModel, live.id as string))).name, 'Live again');
    assert.equal(requestsFor('syncSites').length, syncsNow, 'delivered by the subscription, not by a sync');
    assert.deepEqual(unexpectedErrors(), []);
  });

  test('selective sync: the sync expression becomes the sync filter and the subscription filter, and the server applies both', async () => {
    const matching = await otherMutates('createSite', { name: 'Selected before', code: 'SEL' });
    const syncsBefore = requestsFor('syncSites').length;
    const framesBefore = tap.frames.length;
    await DataStore.stop();
    siteSyncCode = 'SEL';
    await DataStore.start();
    const sync = requestsFor('syncSites')[syncsBefore];
    assert.ok(sync, 'a sync query after restart');
    // A changed sync expression forces a full sync of that model, filtered.
    assert.deepEqual(sync.body.variables, { limit: SYNC_PAGE_SIZE, nextToken: null, lastSync: 0, filter: { and: [{ code: { eq: 'SEL' } }] } });
    assert.equal(sync.status, 200);
    const siteStarts = tap.frames
      .slice(framesBefore)
      .filter((f) => f.direction === 'out' && f.frame.type === 'start')
      .map((f) => JSON.parse((f.frame.payload as { data: string }).data) as { query: string; variables: Record<string, unknown> })
      .filter((p) => /on(Create|Update|Delete)Site\(/.test(p.query));
    assert.equal(siteStarts.length, 3);
    for (const start of siteStarts) {
      assert.match(start.query, /\$filter: ModelSubscriptionSiteFilterInput/);
      assert.deepEqual(start.variables, { filter: { and: [{ code: { eq: 'SEL' } }] } });
    }
    assert.equal(
      tap.frames.slice(framesBefore).filter((f) => f.direction === 'in' && f.frame.type === 'error').length,
      0,
      'the server accepts the filtered subscriptions',
    );
    assert.equal((await DataStore.query(SiteModel, matching.id as string))?.code, 'SEL');

    const framesAfterStart = tap.frames.length;
    const ignored = await otherMutates('createSite', { name: 'Not selected', code: 'NO' });
    const selected = await otherMutates('createSite', { name: 'Selected live', code: 'SEL' });
    await waitFor('the selected record', async () => DataStore.query(SiteModel, selected.id as string));
    const delivered = tap.frames.slice(framesAfterStart).filter((f) => f.direction === 'in' && f.frame.type === 'data');
    assert.equal(
      delivered.some((f) => JSON.stringify(f.frame).includes(String(ignored.id))),
      false,
      'filtered out on the server',
    );
    assert.equal(await DataStore.query(SiteModel, ignored.id as string), undefined);
    assert.deepEqual(unexpectedErrors(), []);
  });
}
