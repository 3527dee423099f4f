// The profile's sync settings (issue 9 "The sync cap is visible and never permanent") through the
// real IPC handlers and core (real SQLite and settings files in a temp dir), with a sync engine
// factory that records what it was asked for: `maxRecordsToSync` is validated naming the field,
// stored per profile across a core restart (a damaged file is the default), passed to the factory,
// and changing it while signed in rebuilds the running worker — the old one stopped and no longer
// heard, the new one started. An offline profile only stores it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAX_RECORDS_TO_SYNC_CEILING } from '../../../common/ipc/contract.js';
import { createAppCore, type AppCore, type SyncWorkerPort } from '../../../main/app-core.js';
import type { SyncEvent } from '../../../common/sync/sync-events.js';
import { profileDirectory } from '../../../main/auth/profiles.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { DESKTOP_MAX_RECORDS_TO_SYNC } from '../../../main/sync-worker-binding.js';
import { maxRecordsToSyncProblem, parseSyncSettings } from '../../../main/sync-settings.js';
import { createApi, IpcRequestError, type OutpostApi } from '../../../preload/create-api.js';
import { visitSchema as schema } from './visit-schema.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** One engine the fake factory built: what it was given and what the core did with it. */
interface BuiltEngine {
  readonly maxRecordsToSync: number | undefined;
  starts: number;
  stops: number;
  running: boolean;
  listeners: Set<(event: SyncEvent) => void>;
  emit(event: SyncEvent): void;
}

function setup(userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-sync-settings-')), credentials: CredentialStore = memoryCredentialStore()) {
  if (!dirs.includes(userData)) dirs.push(userData);
  const built: BuiltEngine[] = [];
  const core: AppCore = createAppCore({
    userData,
    schema,
    credentials,
    durability: 'NORMAL',
    fetch: async () => new Response(JSON.stringify({ data: { __typename: 'Query' } }), { status: 200 }),
    createSync: ({ maxRecordsToSync }): SyncWorkerPort => {
      const engine: BuiltEngine = {
        maxRecordsToSync,
        starts: 0,
        stops: 0,
        running: false,
        listeners: new Set(),
        emit: (event) => engine.listeners.forEach((l) => l(event)),
      };
      built.push(engine);
      return {
        start: async () => {
          engine.starts++;
          engine.running = true;
        },
        stop: async () => {
          engine.stops++;
          engine.running = false;
        },
        onEvent: (listener) => {
          engine.listeners.add(listener);
          return () => engine.listeners.delete(listener);
        },
      };
    },
  });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const api: OutpostApi = createApi(bridge.connect().transport);
  return { userData, credentials, core, api, built };
}

async function rejection(promise: Promise<unknown>): Promise<IpcRequestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IpcRequestError, `expected an IpcRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be refused');
}

const SERVER = { mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' } as const;

test('maxRecordsToSyncProblem accepts whole numbers 1 … 100,000,000 only', () => {
  const cases: Array<[unknown, boolean]> = [
    [1, true],
    [10_000, true],
    [MAX_RECORDS_TO_SYNC_CEILING, true],
    [0, false],
    [-5, false],
    [1.5, false],
    [MAX_RECORDS_TO_SYNC_CEILING + 1, false],
    [1e9, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ['10', false],
    [null, false],
    [undefined, false],
  ];
  for (const [value, ok] of cases) {
    const problem = maxRecordsToSyncProblem(value);
    assert.equal(problem === null, ok, `${String(value)}: ${problem}`);
    if (!ok) assert.match(problem!, /maxRecordsToSync/);
  }
});

test('parseSyncSettings: a stored value, else the fallback for a missing, damaged or out-of-range file', () => {
  const fallback = { maxRecordsToSync: 123 };
  const cases: Array<[string | null, number]> = [
    [null, 123],
    ['{"maxRecordsToSync":5000}', 5000],
    ['{"maxRecordsToSync":5000,"other":1}', 5000],
    ['', 123],
    ['{"maxRecordsToSync":', 123],
    ['not json', 123],
    ['null', 123],
    ['[5000]', 123],
    ['{"maxRecordsToSync":0}', 123],
    ['{"maxRecordsToSync":2.5}', 123],
    ['{"maxRecordsToSync":"5000"}', 123],
    ['{"maxRecordsToSync":1000000000}', 123],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseSyncSettings(text, fallback), { maxRecordsToSync: expected }, String(text));
});

test('setSyncSettings refuses 0, 1.5, "x", 10^9 and a missing value, naming the field; nothing changes', async () => {
  const { api, built } = setup();
  await api.signIn(SERVER);
  const bad: unknown[] = [0, 1.5, 'x', 1e9, -1, null];
  for (const value of bad) {
    const error = await rejection(api.setSyncSettings({ maxRecordsToSync: value } as never));
    assert.equal(error.code, 'ValidationError', String(value));
    assert.equal(error.path, 'setSyncSettings.maxRecordsToSync', String(value));
    assert.match(error.message, /setSyncSettings\.maxRecordsToSync: a whole number of records from 1 to 100,000,000/, String(value));
  }
  const missing = await rejection(api.setSyncSettings({} as never));
  assert.equal(missing.path, 'setSyncSettings.maxRecordsToSync');
  const extra = await rejection(api.setSyncSettings({ maxRecordsToSync: 5, other: 1 } as never));
  assert.equal(extra.code, 'ValidationError');
  assert.deepEqual(await api.syncSettings(), { maxRecordsToSync: DESKTOP_MAX_RECORDS_TO_SYNC });
  assert.equal(built.length, 1, 'a refused setting rebuilds nothing');
});

test('the default goes to the factory; a saved value is passed, survives a core restart, and a damaged file is the default', async () => {
  const first = setup();
  await first.api.signIn(SERVER);
  assert.equal(first.built[0]?.maxRecordsToSync, DESKTOP_MAX_RECORDS_TO_SYNC);
  assert.deepEqual(await first.api.syncSettings(), { maxRecordsToSync: DESKTOP_MAX_RECORDS_TO_SYNC });
  assert.deepEqual(await first.api.setSyncSettings({ maxRecordsToSync: 25_000 }), { maxRecordsToSync: 25_000 });
  const profileId = (await first.api.currentUser())!.profileId;
  const file = join(profileDirectory(first.userData, profileId), 'sync-settings.json');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { maxRecordsToSync: 25_000 });
  await first.core.close();

  const second = setup(first.userData, first.credentials);
  assert.ok(await second.core.restore(), 'the profile reopens');
  assert.deepEqual(await second.api.syncSettings(), { maxRecordsToSync: 25_000 });
  assert.equal(second.built.length, 1);
  assert.equal(second.built[0]!.maxRecordsToSync, 25_000, 'the stored value reaches the factory at sign-in');
  assert.equal(second.built[0]!.running, true);
  await second.core.close();

  writeFileSync(file, '{"maxRecordsToSync": 25');
  const third = setup(first.userData, first.credentials);
  assert.ok(await third.core.restore());
  assert.deepEqual(await third.api.syncSettings(), { maxRecordsToSync: DESKTOP_MAX_RECORDS_TO_SYNC }, 'a damaged file is the default');
  assert.equal(third.built[0]!.maxRecordsToSync, DESKTOP_MAX_RECORDS_TO_SYNC);
  await third.core.close();
});

test('changing the setting while signed in rebuilds the worker: old stopped and unheard, new one started', async () => {
  const { api, core, built } = setup();
  await api.signIn(SERVER);
  const old = built[0]!;
  assert.equal(old.running, true);
  old.emit({ type: 'syncLimitReached', data: { model: 'Site', maxRecordsToSync: DESKTOP_MAX_RECORDS_TO_SYNC, received: 1, leftOut: 1, total: 2 } });
  assert.ok((await api.syncStatus()).models.Site?.capped, 'the old worker is heard');

  await api.setSyncSettings({ maxRecordsToSync: 2_000_000 });
  assert.equal(built.length, 2);
  const next = built[1]!;
  assert.equal(next.maxRecordsToSync, 2_000_000);
  assert.equal(old.stops, 1);
  assert.equal(old.running, false);
  assert.equal(old.listeners.size, 0, 'the core no longer listens to the old worker');
  assert.equal(next.starts, 1);
  assert.equal(next.listeners.size, 1);
  assert.equal((await api.syncStatus()).running, true);

  old.emit({ type: 'networkStatus', data: { active: true } });
  assert.equal((await api.syncStatus()).online, false, 'an event of the old worker changes nothing');
  next.emit({ type: 'networkStatus', data: { active: true } });
  assert.equal((await api.syncStatus()).online, true, 'the new worker is heard');

  // Saving the same value again rebuilds nothing.
  await api.setSyncSettings({ maxRecordsToSync: 2_000_000 });
  assert.equal(built.length, 2);

  // Paused: rebuilt, but not started; startSync then starts the new one.
  await api.stopSync({});
  await api.setSyncSettings({ maxRecordsToSync: 50 });
  assert.equal(built.length, 3);
  assert.equal(built[2]!.starts, 0, 'a paused sync stays paused');
  assert.equal((await api.syncStatus()).running, false);
  await api.startSync({});
  assert.equal(built[2]!.starts, 1);
  assert.equal(built[1]!.starts, 1, 'the replaced worker is not started again');

  // Signing out stops the current worker and drops its listener.
  await api.signOut({ unsynced: 'discard' });
  assert.equal(built[2]!.running, false);
  assert.equal(built[2]!.listeners.size, 0);
  await core.close();
});

test('an offline profile stores the setting and builds no worker; nobody signed in is refused', async () => {
  const { api, core, built } = setup();
  const nobody = await rejection(api.syncSettings({}));
  assert.equal(nobody.code, 'Unauthorized');
  await api.signIn({ mode: 'offline', username: 'field' });
  assert.deepEqual(await api.setSyncSettings({ maxRecordsToSync: 10 }), { maxRecordsToSync: 10 });
  assert.deepEqual(await api.syncSettings(), { maxRecordsToSync: 10 });
  assert.equal(built.length, 0);
  assert.equal((await api.syncStatus()).mode, 'offline');
  await core.close();
});
