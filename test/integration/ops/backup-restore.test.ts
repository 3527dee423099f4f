// Backup of a live server under a write load, and restore (issue 17). Writers in a child process
// create Sites and log each acknowledged id; `outpost-server backup` runs in another process while
// they write. After restore: every mutation acknowledged before the backup began is there; the
// change log from a lastSync taken before the backup holds each change once and misses none the
// backup holds; a sync from any lastSync before the restore is answered as a base sync (flagged in
// extensions.outpost.baseSyncs), and the desktop sync worker, whose last sync and live events came
// after the backup, reconciles it as a full sync: the records the restore took away leave it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { openKyselyStorage } from '../../../server/storage/open-storage.js';
import { restoreSqlite } from '../../../server/ops/restore.js';
import { authOf, openClient, waitFor, type TestClient } from '../sync/sync-clients.js';
import { APP_SDL, gql, runChild, signIn, syncSites } from './ops-harness.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../../server/cli/main.ts', import.meta.url));
const WRITER = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
const appSchema = parseSchema(APP_SDL);
const dir = mkdtempSync(join(tmpdir(), 'outpost-backup-'));
/** Closed at the end whatever failed, so a failing assertion does not leave the process running. */
const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const thing of open) await thing.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

interface Ack {
  readonly ack?: string;
  readonly at?: number;
  readonly done?: boolean;
}

async function start(database: string): Promise<RunningServer> {
  const server = await startServer({ schema: APP_SDL, database, port: 0, attachments: { directory: join(dir, 'blobs') } });
  open.push(server);
  return server;
}

function client(url: string, headers: Record<string, string>, file: string): TestClient {
  const opened = openClient(url, authOf({ headers }), { schema: appSchema, models: ['Site'], file });
  open.unshift(opened);
  return opened;
}

test('a backup taken during a write load restores every acknowledged write; clients synced after it do a full sync', async () => {
  const database = `sqlite:${join(dir, 'live', 'server.db')}`;
  let server = await start(database);
  await server.authStore.addUser({ username: 'ana', password: 'ana password 123' });
  const base = server.url.replace(/\/graphql$/, '');
  const ana = await signIn(base, 'ana', 'ana password 123');
  // A blob in the store, so the backup carries one.
  writeFileSync(
    join(dir, 'blobs', 'f'.repeat(64) + '.json'),
    JSON.stringify({ id: 'x', length: 1, owner: 'o', metadata: {}, createdAt: new Date().toISOString() }),
  );
  writeFileSync(join(dir, 'blobs', 'f'.repeat(64) + '.blob'), 'x');

  // A desktop client synced from the start; it stays connected (live events) through the backup.
  const file = join(dir, 'client.db');
  let device = client(server.url, ana, file);
  await device.worker.start();
  await waitFor('the client to finish its first sync', () => device.events.some((e) => e.type === 'modelSynced'));

  const writers = await runChild<Ack>(WRITER, [server.url, ana.authorization, 'w', '3']);
  try {
    await writers.until('writes before the backup', (lines) => lines.length >= 60);
    const beforeBackup = await syncSites(base, ana, 0);
    const lastSyncBeforeBackup = beforeBackup.startedAt;
    await writers.until('writes after that lastSync', (lines) => lines.length >= 120);
    const backupBegan = Date.now();
    const out = join(dir, 'backup.tar');
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'backup',
      '--database',
      database,
      '--attachments-dir',
      join(dir, 'blobs'),
      '--out',
      out,
    ]);
    assert.match(stdout, /Backup written: .*backup\.tar\n.* 1 blobs/);
    const backupEnded = Date.now();
    await writers.until('writes after the backup', (lines) => lines.filter((l) => (l.at ?? 0) > backupEnded).length >= 30);
    // The client holds some of those later writes (live events or its sync rounds).
    await waitFor('the client to hold a write from after the backup', async () => {
      const late = writers.lines.filter((l) => (l.at ?? 0) > backupEnded + 200);
      for (const l of late) if ((await device.datastore.get('Site', l.ack!)) !== undefined) return true;
      return false;
    });
    writers.child.kill('SIGTERM');
    await writers.until('the writers to stop', (lines) => lines.some((l) => l.done === true));
    await device.close();
    await server.close();

    const acked = writers.lines.filter((l) => l.ack !== undefined);
    const ackedBeforeBackup = acked.filter((l) => l.at! < backupBegan).map((l) => l.ack!);
    const ackedAfter = acked.filter((l) => l.at! > backupEnded).map((l) => l.ack!);
    assert.ok(ackedBeforeBackup.length >= 120 && ackedAfter.length >= 30, `${ackedBeforeBackup.length} before, ${ackedAfter.length} after`);

    await assert.rejects(restoreSqlite({ from: out, database, attachmentsDir: join(dir, 'blobs') }), /already holds a server database.*--force/);
    const restored = await restoreSqlite({ from: out, database, attachmentsDir: join(dir, 'blobs'), force: true });
    assert.equal(restored.blobs, 1);

    // The change log of the restored database, read directly: entries since the pre-backup lastSync, each change once.
    const storage = await openKyselyStorage(database);
    storage.useSchema(appSchema);
    const entries = await storage.deltaPage('Site', { since: lastSyncBeforeBackup, afterSeq: 0, limit: 100_000 });
    await storage.close();
    const deltaIds = entries.map((e) => e.item.id as string);
    assert.equal(new Set(deltaIds).size, deltaIds.length, 'no change twice');
    const expectedSince = new Set(ackedBeforeBackup.filter((id) => !beforeBackup.items.some((s) => s.id === id)));
    for (const id of expectedSince) assert.ok(deltaIds.includes(id), `change of ${id} (acknowledged after that lastSync, before the backup) is in the delta`);

    server = await start(database);
    const anaAgain = await signIn(base.replace(/:\d+$/, `:${server.port}`), 'ana', 'ana password 123');
    const newBase = server.url.replace(/\/graphql$/, '');
    const all = await syncSites(newBase, anaAgain, 0);
    const present = new Set(all.items.map((s) => s.id as string));
    const missing = ackedBeforeBackup.filter((id) => !present.has(id));
    assert.deepEqual(missing, [], 'every mutation acknowledged before the backup began is restored');
    const lost = ackedAfter.filter((id) => !present.has(id));
    assert.ok(lost.length > 0, 'writes after the backup are not in it');

    // Any lastSync from before the restore: a base sync, flagged.
    const fromBefore = await syncSites(newBase, anaAgain, lastSyncBeforeBackup);
    assert.deepEqual(fromBefore.baseSyncs, ['syncSites']);
    assert.equal(fromBefore.items.length, all.items.length);
    // After the restore, delta syncs are deltas again.
    await gql(newBase, anaAgain, 'mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }', { i: { id: 'after-restore', name: 'after' } });
    const fresh = await syncSites(newBase, anaAgain, all.startedAt);
    assert.deepEqual(fresh.baseSyncs, []);
    assert.deepEqual(
      fresh.items.map((s) => s.id),
      ['after-restore'],
    );

    // The desktop client, last synced after the backup: its next (delta) round becomes a full sync and drops what the restore took away.
    device = client(server.url, anaAgain, file);
    await device.worker.start();
    await waitFor('the client to sync with the restored server', () => device.events.some((e) => e.type === 'modelSynced'), 20_000);
    const synced = device.events.find((e) => e.type === 'modelSynced');
    assert.ok(synced?.type === 'modelSynced' && synced.data.isFullSync, JSON.stringify(synced));
    for (const id of lost) assert.equal(await device.datastore.get('Site', id), undefined, `${id} (lost by the restore) left the client`);
    assert.ok((await device.datastore.get('Site', 'after-restore')) !== undefined);
    for (const id of ackedBeforeBackup.slice(0, 20)) assert.ok((await device.datastore.get('Site', id)) !== undefined);
    await device.dispose();
    await server.close();
  } finally {
    writers.child.kill('SIGKILL');
  }
});
