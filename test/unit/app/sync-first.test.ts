// "Sync first" before sign-out or clear when it cannot sync: through the real core (real IPC
// handlers, real SQLite) with a worker the test drives, it answers at once with the reason
// instead of waiting out its 20 s, nothing is deleted, a paused sync is paused again, and the
// Sync activity screen has the session's lines. The reason itself is a plain function, by table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYNC_FIRST_CONNECT_MS, syncFirstBlocker } from '../../../main/app/unsynced-guard.js';
import { settle, setup } from './core-broadcasts-harness.js';

const SERVER = 'http://127.0.0.1:9';

test('syncFirstBlocker, by table', () => {
  const rows: ReadonlyArray<readonly [string, Parameters<typeof syncFirstBlocker>, string | null]> = [
    ['online: it may sync', [{ mode: 'server', online: true }, SERVER, { heard: false }], null],
    ['offline profile: not its business', [{ mode: 'offline', online: false }, null, { heard: false }], null],
    ['still connecting: wait', [{ mode: 'server', online: false }, SERVER, { heard: null }], null],
    [
      'the worker said it cannot reach the server',
      [{ mode: 'server', online: false }, SERVER, { heard: false }],
      'Cannot sync now: 127.0.0.1:9 cannot be reached (this computer may be offline). Nothing was deleted.',
    ],
    [
      'no word within the connect time',
      [{ mode: 'server', online: false }, SERVER, { heard: null, timedOut: true }],
      `Cannot sync now: 127.0.0.1:9 did not answer within ${SYNC_FIRST_CONNECT_MS / 1000} s (this computer may be offline). Nothing was deleted.`,
    ],
  ];
  for (const [name, args, expected] of rows) assert.equal(syncFirstBlocker(...args), expected, name);
});

test('sign-out → sync first while the worker is offline: answered at once with the reason, nothing deleted', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: SERVER, apiKey: 'test-key' });
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  t.emit({ type: 'networkStatus', data: { active: false } });
  await settle();
  const started = Date.now();
  const answer = await t.api.signOut({ unsynced: 'syncFirst' });
  const took = Date.now() - started;
  assert.ok(took < 1000, `answered in ${took} ms`);
  assert.ok('needsConfirmation' in answer);
  assert.equal(answer.unsynced, 1);
  assert.match((answer as { reason?: string }).reason ?? '', /^Cannot sync now: 127\.0\.0\.1:9 cannot be reached/);
  assert.equal(t.core.services.currentUser()?.username, 'api-key', 'still signed in');
  assert.equal((await t.api.syncStatus()).unsynced, 1, 'the change is still there');
  const lines = (await t.api.syncActivity({})).map((e) => e.text);
  assert.match(lines[0]!, /^Sync first did not run: 127\.0\.0\.1:9 cannot be reached/);
  assert.ok(lines.includes('Went offline: changes wait on this computer and are sent when the server can be reached'));
  assert.ok(lines.includes('Signed in as api-key on 127.0.0.1:9'));
  assert.ok(lines.includes('Sync started with 127.0.0.1:9'));
  await t.core.close();
});

test('clear → sync first while paused: the worker is started, says it cannot connect, and is paused again', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: SERVER, apiKey: 'test-key' });
  await t.api.stopSync();
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  const started = Date.now();
  const pending = t.api.clear({ unsynced: 'syncFirst' });
  // The real worker reports a failed first round as networkStatus false.
  setTimeout(() => t.emit({ type: 'networkStatus', data: { active: false } }), 200);
  const answer = await pending;
  const took = Date.now() - started;
  assert.ok(took < 1500, `answered in ${took} ms`);
  assert.match((answer as { reason?: string }).reason ?? '', /cannot be reached/);
  assert.equal((await t.api.syncStatus()).running, false, 'paused again, as the user left it');
  assert.equal((await t.api.syncStatus()).unsynced, 1);
  await t.core.close();
});

test('sync first that reaches the server waits for the outbox and goes ahead', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: SERVER, apiKey: 'test-key' });
  t.emit({ type: 'networkStatus', data: { active: true } });
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  await settle();
  const pending = t.api.signOut({ unsynced: 'syncFirst' });
  setTimeout(() => {
    // The server accepts the change: the outbox row goes, as the processor would remove it.
    const outbox = t.datastore().outbox;
    void outbox.listEntries().then(([entry]) => entry && outbox.completeEntry(entry.id, { ...entry.data, _version: 1, _lastChangedAt: 1, _deleted: false }));
  }, 200);
  assert.deepEqual(await pending, { signedOut: true, discarded: 0 });
  assert.match((await t.api.syncActivity({}))[0]!.text, /^Signed out api-key/);
  await t.core.close();
});
