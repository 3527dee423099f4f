// Upgrading a deployed database (issue 17): a copy of the database 1929b40 made (test/fixtures/upgrade,
// before storage versions existed) is started by this server: it records storage version 2 and this
// Outpost version in one transaction and says so; accounts sign in, the API key authenticates, sync
// queries return the sites (deleted ones as tombstones), the attachment downloads byte for byte.
// A database recorded as newer than this code is refused, naming both versions, before anything changes.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../../server/index.js';
import { openStorage } from '../../../server/storage/open-storage.js';
import { OUTPOST_VERSION, recordedVersion, STORAGE_VERSION, STORAGE_VERSION_KEY, DATABASE_EPOCH_KEY } from '../../../server/ops/storage-version.js';
import { APP_SDL, gql, signIn, syncSites } from './ops-harness.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/upgrade/1929b40/', import.meta.url));
const fixture = JSON.parse(readFileSync(join(FIXTURE, 'fixture.json'), 'utf8')) as {
  apiKey: string;
  users: Record<string, string>;
  sites: { ana: number; anaDeleted: number; ben: number };
  inspection: string;
  attachmentSha256: string;
};

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fixtureCopy(): { dir: string; database: string; blobs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-upgrade-'));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  return { dir, database: `sqlite:${join(dir, 'server.db')}`, blobs: join(dir, 'blobs') };
}

test('a database made by 1929b40 is upgraded to this storage version and serves everything it held', async () => {
  const copy = fixtureCopy();
  const lines: string[] = [];
  const { pino } = await import('pino');
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  // The fixture ages: a retention of years keeps its change log (and delta syncs over it) whatever the date.
  const retention = { changeLogMs: 10 * 365 * 24 * 3600 * 1000 };
  const server = await startServer({ schema: APP_SDL, database: copy.database, port: 0, attachments: { directory: copy.blobs }, logger, retention });
  try {
    const said = lines
      .map((l) => JSON.parse(l) as { event?: string; msg: string; from?: number; to?: number; applied?: string[] })
      .find((l) => l.event === 'storage-upgrade');
    assert.equal(said?.from, 1);
    assert.equal(said?.to, STORAGE_VERSION);
    assert.equal(said?.applied?.length, 1);
    assert.match(said?.msg ?? '', /upgraded storage 1 → 2 .*before versioning.*database epoch/);

    const base = server.url.replace(/\/graphql$/, '');
    const ana = await signIn(base, 'ana', fixture.users.ana!);
    const ben = await signIn(base, 'ben', fixture.users.ben!);
    const byKey = await gql(base, { 'x-api-key': fixture.apiKey }, '{ __typename }');
    assert.equal(byKey.status, 200, JSON.stringify(byKey.body));
    assert.equal((await gql(base, { 'x-api-key': 'da2-not-the-key' }, '{ __typename }')).status, 401);

    const anaSites = await syncSites(base, ana, 0);
    assert.equal(anaSites.items.length, fixture.sites.ana + fixture.sites.anaDeleted);
    assert.equal(anaSites.items.filter((s) => s._deleted === true).length, fixture.sites.anaDeleted);
    assert.equal(anaSites.items.filter((s) => typeof s.name === 'string' && s.name.startsWith('Renamed')).length, 5);
    assert.equal((await syncSites(base, ben, 0)).items.length, fixture.sites.ben);
    // A delta from before every change returns each change (20 creates, 5 updates, 3 deletes).
    const firstChange = Math.min(...anaSites.items.map((s) => s._lastChangedAt as number));
    // The fixture script made every change within a few seconds.
    const delta = await syncSites(base, ana, firstChange - 60_000);
    assert.equal(delta.items.length, 28, JSON.stringify({ b: delta.baseSyncs, firstChange, n: delta.items.map((i) => i._version) }));
    assert.deepEqual(delta.baseSyncs, []);

    const blob = await fetch(`${server.attachmentsUrl!}Inspection/${fixture.inspection}/${fixture.attachmentSha256}`, { headers: ana });
    assert.equal(blob.status, 200);
    assert.equal(
      createHash('sha256')
        .update(Buffer.from(await blob.arrayBuffer()))
        .digest('hex'),
      fixture.attachmentSha256,
    );

    const recorded = await recordedVersion(server.storage);
    assert.equal(recorded?.storageVersion, STORAGE_VERSION);
    assert.equal(recorded?.outpostVersion, OUTPOST_VERSION);
    assert.match((await server.storage.getMeta(DATABASE_EPOCH_KEY)) ?? '', /^[0-9a-f-]{36}$/);
  } finally {
    await server.close();
  }
  // A second start has nothing to do.
  lines.length = 0;
  const again = await startServer({ schema: APP_SDL, database: copy.database, port: 0, attachments: { directory: copy.blobs }, logger });
  assert.match(lines.join(''), /storage version 2 \(last migrated by Outpost [^)]+\): nothing to do/);
  await again.close();
});

test('a database recorded as newer than this server is refused, naming both versions, and left as it was', async () => {
  const copy = fixtureCopy();
  const first = await startServer({ schema: APP_SDL, database: copy.database, port: 0, attachments: { directory: copy.blobs } });
  await first.close();
  const storage = await openStorage(copy.database);
  const newer = JSON.stringify({ outpostVersion: '9.0.0', storageVersion: STORAGE_VERSION + 1, migratedAt: Date.now() });
  await storage.setMeta(STORAGE_VERSION_KEY, newer);
  const schemaBefore = await storage.getMeta('deployed-schema');
  await storage.close();

  await assert.rejects(
    startServer({
      schema: APP_SDL.replace('notes: String', 'notes: String\n  extra: String'),
      database: copy.database,
      port: 0,
      attachments: { directory: copy.blobs },
    }),
    (error: Error & { code?: string }) => {
      assert.match(error.message, new RegExp(`Outpost 9\\.0\\.0 \\(storage version ${STORAGE_VERSION + 1}\\)`));
      assert.match(error.message, new RegExp(`Outpost ${OUTPOST_VERSION.replace(/\./g, '\\.')} \\(storage version ${STORAGE_VERSION}\\)`));
      return true;
    },
  );
  const after = await openStorage(copy.database);
  assert.equal(await after.getMeta(STORAGE_VERSION_KEY), newer);
  assert.equal(await after.getMeta('deployed-schema'), schemaBefore, 'the refused start deployed nothing');
  await after.close();
});
