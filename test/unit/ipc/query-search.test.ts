// The list's query over IPC (real main-process core, real SQLite file, the in-process bridge):
// `search` narrows the page and the count alike, ignoring case and accents; `ignoreCase` folds text
// comparisons in `where`; `withMarks` answers one mark per item; the recency sort key puts a record
// made on this device first; bad input gets an error naming what is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CHANGED_AT_SORT_FIELD } from '../../../common/predicates/recency.js';
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
  const userData = mkdtempSync(join(tmpdir(), 'outpost-search-ipc-'));
  dirs.push(userData);
  const core = createAppCore({ userData, schema, credentials: memoryCredentialStore(), durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const api = createApi(bridge.connect().transport);
  await api.signIn({ mode: 'offline', username: 'field' });
  return { core, api };
}

test('search narrows items and count alike; ignoreCase folds where; marks are parallel to items; newest first', async () => {
  const { core, api } = await signedIn();
  for (const name of ['École Nord', 'East ridge', 'Ecology plot', 'West bank']) await api.save({ model: 'Site', record: { name } });
  const found = await api.query({ model: 'Site', search: 'ECOL', sort: [{ field: 'name', direction: 'asc' }], withCount: true, limit: 10 });
  assert.deepEqual(
    found.items.map((s) => s.name),
    ['Ecology plot', 'École Nord'],
  );
  assert.equal(found.count, 2);
  assert.equal(found.marks, undefined, 'no marks unless asked');

  const where = { field: 'name', op: 'contains', value: 'east' } as const;
  assert.equal((await api.query({ model: 'Site', where, withCount: true })).count, 0, 'case-sensitive by default');
  const folded = await api.query({ model: 'Site', where, ignoreCase: true, withCount: true, withMarks: true });
  assert.deepEqual(
    folded.items.map((s) => s.name),
    ['East ridge'],
  );
  assert.equal(folded.count, 1);
  assert.deepEqual(folded.marks, [{ unsynced: true, review: false }], 'an offline save is not synced');

  const newest = await api.query({ model: 'Site', sort: [{ field: CHANGED_AT_SORT_FIELD, direction: 'desc' }], limit: 1 });
  assert.equal(newest.items[0]?.name, 'West bank', 'the last record saved comes first');
  await core.close();
});

test('bad input: a search too long, a sort key that is no field', async () => {
  const { core, api } = await signedIn();
  await assert.rejects(
    api.query({ model: 'Site', search: 'x'.repeat(501) }),
    (error: unknown) => error instanceof IpcRequestError && /query\.search/.test(error.message),
  );
  await assert.rejects(
    api.query({ model: 'Site', sort: [{ field: '_changedAtt', direction: 'desc' }] }),
    (error: unknown) => error instanceof IpcRequestError && /no sortable field '_changedAtt'/.test(error.message),
  );
  await core.close();
});
