// List paging is done by the datastore: a `query` over IPC answers only `limit` records — the
// right page of a filtered, sorted set — plus the count of every match, and a change reported by
// `observe` shows up in the next fetch of that page. Real main-process core, real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventOf } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { createApi, IpcRequestError } from '../../../preload/create-api.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signedIn() {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-paging-'));
  dirs.push(userData);
  const core = createAppCore({ userData, schema, credentials: memoryCredentialStore(), durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const window = bridge.connect();
  const api = createApi(window.transport);
  await api.signIn({ mode: 'offline', username: 'field' });
  return { core, api };
}

const name = (i: number) => `Site ${String(i).padStart(3, '0')}`;

test('a page request returns only limit rows: the right page of a filtered, sorted set, with the total count', async () => {
  const { core, api } = await signedIn();
  // 120 sites; every third one has code N (40 of them).
  for (let i = 0; i < 120; i++) await api.save({ model: 'Site', record: { name: name(i), code: i % 3 === 0 ? 'N' : 'S' } });
  const north = { field: 'code', op: 'eq', value: 'N' } as const;
  const expected = Array.from({ length: 120 }, (_, i) => i)
    .filter((i) => i % 3 === 0)
    .map(name)
    .sort()
    .reverse();

  const second = await api.query({ model: 'Site', where: north, sort: [{ field: 'name', direction: 'desc' }], page: 1, limit: 15, withCount: true });
  assert.equal(second.items.length, 15, 'only one page crosses IPC');
  assert.deepEqual(
    second.items.map((s) => s.name),
    expected.slice(15, 30),
  );
  assert.equal(second.count, 40, 'the count is of every match, not of the page');

  const last = await api.query({ model: 'Site', where: north, sort: [{ field: 'name', direction: 'desc' }], page: 2, limit: 15, withCount: true });
  assert.deepEqual(
    last.items.map((s) => s.name),
    expected.slice(30),
    'the last page is short',
  );
  assert.equal(last.count, 40);

  const beyond = await api.query({ model: 'Site', where: north, page: 9, limit: 15, withCount: true });
  assert.deepEqual(beyond, { items: [], count: 40 }, 'a page past the end is empty, the count still right');

  const unfiltered = await api.query({ model: 'Site', sort: [{ field: 'name', direction: 'asc' }], page: 0, limit: 25, withCount: true });
  assert.deepEqual(
    unfiltered.items.map((s) => s.name),
    Array.from({ length: 25 }, (_, i) => name(i)),
  );
  assert.equal(unfiltered.count, 120);

  const noCount = await api.query({ model: 'Site', page: 0, limit: 5 });
  assert.equal(noCount.items.length, 5);
  assert.equal('count' in noCount, false, 'the count is only computed when asked for');
  await core.close();
});

test('an observe event for the model arrives on a change, and refetching the page shows it', async () => {
  const { core, api } = await signedIn();
  for (let i = 0; i < 30; i++) await api.save({ model: 'Site', record: { name: name(i) } });
  const changes: EventOf<'dataChange'>[] = [];
  api.on('dataChange', (change) => changes.push(change));
  const { subscriptionId } = await api.observe({ model: 'Site' });
  const sort = [{ field: 'name', direction: 'asc' }] as const;
  const before = await api.query({ model: 'Site', sort: [...sort], page: 0, limit: 10, withCount: true });
  assert.equal(before.items[0]?.name, name(0));

  await api.save({ model: 'Site', record: { name: 'Site -01' } });
  const deadline = Date.now() + 5_000;
  while (!changes.some((c) => c.subscriptionId === subscriptionId && c.element.name === 'Site -01') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(
    changes.some((c) => c.subscriptionId === subscriptionId && c.model === 'Site' && c.opType === 'INSERT'),
    'observe reported the insert',
  );
  const after = await api.query({ model: 'Site', sort: [...sort], page: 0, limit: 10, withCount: true });
  assert.equal(after.items.length, 10);
  assert.equal(after.items[0]?.name, 'Site -01', 'the new record sorts onto the first page');
  assert.deepEqual(
    after.items.slice(1).map((s) => s.name),
    before.items.slice(0, 9).map((s) => s.name),
    'the rest shift down by one',
  );
  assert.equal(after.count, 31);
  await api.unobserve({ subscriptionId });
  await core.close();
});

test('bad paging requests are refused with an error naming the field', async () => {
  const { core, api } = await signedIn();
  for (const [request, path] of [
    [{ model: 'Site', page: 0, limit: 0 }, 'query.limit'],
    [{ model: 'Site', page: -1, limit: 10 }, 'query.page'],
    [{ model: 'Site', limit: 10, withCount: 'yes' }, 'query.withCount'],
  ] as const) {
    await assert.rejects(api.query(request as never), (e: unknown) => e instanceof IpcRequestError && e.code === 'ValidationError' && e.path === path);
  }
  await core.close();
});
