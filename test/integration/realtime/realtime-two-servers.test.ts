// Two Outpost server processes on one PostgreSQL database, end to end: a mutation sent over HTTP
// to one process reaches WebSocket subscribers of the other, only for the owner, and a write the
// server rejects reaches nobody.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../../server/index.js';
import { AppSyncWsClient } from './appsync-ws-client.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const database = await createTestDatabase();
const SELECTION = 'id name code owner _version _lastChangedAt _deleted';

async function post(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Starts the second server process and resolves with its GraphQL URL. */
function startChild(dbUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./run-server-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbUrl], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('second server did not start within 30 s')), 30_000);
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.once('exit', (code) => reject(new Error(`second server exited with ${code}`)));
  });
}

describe('real-time across two server processes', { skip: 'skip' in database ? database.skip : false }, () => {
  const db = database as TestDatabase;
  let first: RunningServer;
  let second: { child: ChildProcess; url: string };
  let client: AppSyncWsClient | undefined;
  let aliceToken = '';
  let bobToken = '';

  before(async () => {
    first = await startServer({
      schema: readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'),
      database: db.url,
      port: 0,
      reportError: () => undefined,
    });
    await first.authStore.addUser({ username: 'alice', password: 'alice-password' });
    await first.authStore.addUser({ username: 'bob', password: 'bob-password' });
    second = await startChild(db.url);
    const auth = new URL('/auth/token', second.url).toString();
    aliceToken = String((await post(auth, { username: 'alice', password: 'alice-password' })).accessToken);
    bobToken = String((await post(auth, { username: 'bob', password: 'bob-password' })).accessToken);
  });
  after(async () => {
    client?.close();
    if (second?.child.exitCode === null) {
      const exited = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.stdin?.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      second.child.kill();
    }
    await first?.close();
    await db.drop();
  });

  it('a committed mutation on one process is delivered by the other; rejected writes are not', async () => {
    const header = { Authorization: aliceToken, host: new URL(first.url).host };
    client = await AppSyncWsClient.open(first.realtimeUrl.replace(/\/graphql\/realtime$/, ''), header);
    assert.equal((await client.init()).type, 'connection_ack');
    for (const op of ['Create', 'Update']) {
      const query = `subscription operation($filter: ModelSubscriptionSiteFilterInput){ on${op}Site(filter: $filter){ ${SELECTION} } }`;
      assert.equal((await client.subscribe(op, query, {}, header)).type, 'start_ack');
    }
    const create = `mutation operation($input: CreateSiteInput!){ createSite(input: $input){ ${SELECTION} } }`;
    const update = `mutation operation($input: UpdateSiteInput!, $condition: ModelSiteConditionInput){ updateSite(input: $input, condition: $condition){ ${SELECTION} } }`;

    const bobs = await post(second.url, { query: create, variables: { input: { id: 'bob-site', name: 'Bob’s' } } }, bobToken);
    assert.equal((bobs.errors as unknown[] | undefined)?.length ?? 0, 0, JSON.stringify(bobs));
    const made = await post(second.url, { query: create, variables: { input: { id: 'alice-site', name: 'North' } } }, aliceToken);
    const created = (made.data as Record<string, Record<string, unknown>>).createSite;

    const event = await client.next((f) => f.id === 'Create', 10_000);
    assert.deepEqual(event.payload?.data?.onCreateSite, created, 'the stored item, exactly as the mutation returned it');
    assert.match(String(created.owner), /::alice$/);

    // A failed condition and a duplicate create commit nothing, so publish nothing.
    const failed = await post(
      second.url,
      { query: update, variables: { input: { id: 'alice-site', name: 'Nope', _version: 1 }, condition: { name: { eq: 'South' } } } },
      aliceToken,
    );
    assert.equal((failed.errors as Array<{ errorType: string }>)[0]?.errorType, 'ConditionalCheckFailedException');
    const duplicate = await post(second.url, { query: create, variables: { input: { id: 'alice-site', name: 'Again' } } }, aliceToken);
    assert.ok((duplicate.errors as unknown[]).length > 0);

    const ok = await post(second.url, { query: update, variables: { input: { id: 'alice-site', name: 'North 2', _version: 1 } } }, aliceToken);
    assert.equal((ok.data as Record<string, Record<string, unknown>>).updateSite.name, 'North 2');
    const updated = await client.next((f) => f.id === 'Update', 10_000);
    assert.equal(updated.payload?.data?.onUpdateSite?.name, 'North 2');
    assert.equal(updated.payload?.data?.onUpdateSite?._version, 2);
    await client.expectNone((f) => f.type === 'data', 500);
  });
});
