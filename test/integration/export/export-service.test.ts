// exportList through the real app core (an offline profile, its real datastore): without a chooser
// the file goes to <userData>/exports/<Model plural>-<date>.<ext> and an existing file is never
// replaced ("(2)", "(3)"); a chooser's path is used as given (its dialog asked about replacing),
// its cancel writes nothing; GeoJSON for a model without a location is refused plainly.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import { suggestedExportName } from '../../../common/export/export-formats.js';
import { createAppCore, type AppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { readCsv, schema, zipEntries, zipEntry } from './export-harness.js';

let userData: string;
let core: AppCore;
let chosen: string | null | undefined;
let chooserCore: AppCore;

describe('exportList in the app core', () => {
  before(async () => {
    userData = mkdtempSync(join(tmpdir(), 'outpost-export-core-'));
    core = createAppCore({ userData: join(userData, 'a'), schema, credentials: memoryCredentialStore(), durability: 'NORMAL' });
    await core.services.signIn({ mode: 'offline', username: 'field' });
    const store = core.services.store();
    for (const name of ['Beta', 'Alpha', 'Gamma']) await store.save('Site', { name, tags: [name.toLowerCase()] }, {});
    chooserCore = createAppCore({
      userData: join(userData, 'b'),
      schema,
      credentials: memoryCredentialStore(),
      durability: 'NORMAL',
      chooseExportPath: async (suggested) => (chosen === undefined ? join(userData, suggested) : chosen),
    });
    await chooserCore.services.signIn({ mode: 'offline', username: 'field' });
    await chooserCore.services.store().save('Site', { name: 'Only' }, {});
  });
  after(async () => {
    await core?.close();
    await chooserCore?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('the default path: <userData>/exports/<suggested name>, then "(2)" and "(3)", never replacing a file', async () => {
    const name = suggestedExportName(getModel(schema, 'Site'), 'csv', false, new Date());
    assert.match(name, /^Sites-\d{4}-\d{2}-\d{2}\.csv$/);
    const exports = join(userData, 'a', 'exports');
    const first = await core.services.exportList({ model: 'Site', format: 'csv', withAttachments: false, sort: [{ field: 'name', direction: 'asc' }] });
    assert.equal(first.path, join(exports, name));
    assert.equal(first.records, 3);
    assert.equal(first.bytes, readFileSync(first.path!).length);
    assert.deepEqual(
      readCsv(first.path!).rows.map((r) => r.name),
      ['Alpha', 'Beta', 'Gamma'],
    );
    const before = readFileSync(first.path!);
    const second = await core.services.exportList({ model: 'Site', format: 'csv', withAttachments: false, where: { field: 'name', op: 'eq', value: 'Beta' } });
    assert.equal(second.path, join(exports, name.replace('.csv', ' (2).csv')));
    assert.deepEqual(readFileSync(first.path!), before);
    assert.deepEqual(
      readCsv(second.path!).rows.map((r) => r.name),
      ['Beta'],
    );
    // A file put there by someone else is not replaced either.
    writeFileSync(join(exports, name.replace('.csv', ' (3).csv')), 'mine');
    const fourth = await core.services.exportList({ model: 'Site', format: 'csv', withAttachments: false });
    assert.equal(fourth.path, join(exports, name.replace('.csv', ' (4).csv')));
    assert.equal(readFileSync(join(exports, name.replace('.csv', ' (3).csv')), 'utf8'), 'mine');
  });

  test("a chooser's path is written (replacing, as its dialog asked); its cancel writes nothing", async () => {
    const target = join(userData, 'chosen.csv');
    writeFileSync(target, 'old');
    chosen = target;
    const written = await chooserCore.services.exportList({ model: 'Site', format: 'csv', withAttachments: false });
    assert.equal(written.path, target);
    assert.deepEqual(
      readCsv(target).rows.map((r) => r.name),
      ['Only'],
    );
    chosen = null;
    const before = readdirSync(userData).sort();
    assert.deepEqual(await chooserCore.services.exportList({ model: 'Site', format: 'json', withAttachments: false }), { path: null, records: 0, bytes: 0 });
    assert.deepEqual(readdirSync(userData).sort(), before);
    chosen = undefined;
  });

  test('GeoJSON of a model without a GeoPoint-shaped field is refused, naming the model', async () => {
    await assert.rejects(core.services.exportList({ model: 'Inspection', format: 'geojson', withAttachments: false }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ValidationError');
      assert.match(error.message, /Inspection has none/);
      return true;
    });
  });

  test('a zip through the core holds the data file', async () => {
    const result = await core.services.exportList({ model: 'Site', format: 'geojson', withAttachments: true });
    assert.match(result.path!, /Sites-\d{4}-\d{2}-\d{2}\.zip$/);
    assert.equal(result.records, 3);
    const [entry, ...others] = zipEntries(result.path!);
    assert.match(entry!, /^Sites-\d{4}-\d{2}-\d{2}\.geojson$/);
    assert.deepEqual(others, []);
    assert.equal((JSON.parse(zipEntry(result.path!, entry!).toString('utf8')) as { features: unknown[] }).features.length, 3);
  });
});
