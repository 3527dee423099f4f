// The zip export over a real datastore and a real file store, read back with `unzip`: the data file
// beside files/<Model>/<record label> (<id>)/<name> for every attached file this device holds, byte for
// byte; names made safe (no path traversal, no reserved Windows names) and told apart; attachments
// whose files are not here listed in files/MISSING.txt with their record. A file failing mid-read
// fails the export and leaves no zip, nor spoils the file that was at the target.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import type { AttachmentRef } from '../../../common/schema/attachment-ref.js';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { exportToFile } from '../../../main/export/export-file.js';
import { MISSING_LIST } from '../../../main/export/export-zip.js';
import { storeFileSource } from '../../../main/export/store-file-source.js';
import { attach, openBench, parseCsv, schema, zipEntries, zipEntry, zipTest, type ExportBench } from './export-harness.js';

let bench: ExportBench;
let files: AttachmentFiles;
const observation = getModel(schema, 'Observation');
const bytes = (text: string, size = 1000) => Buffer.from(text.repeat(Math.ceil(size / text.length)).slice(0, size));
const contents = new Map<string, Buffer>();

describe('zip export with attached files', () => {
  before(async () => {
    bench = openBench('zip');
    files = await AttachmentFiles.open(join(bench.dir, 'profile'));
    await bench.put('Site', [{ id: 's1', name: 'North', code: null, location: null, tags: null }]);
    await bench.put('Inspection', [
      { id: 'i1', siteID: 's1', title: 'Spring', status: 'DRAFT', score: null, notes: null, inspectedAt: null, attachments: null },
    ]);
    const ref = async (id: string, key: string, name: string | null, contentType?: string) => {
      const r = await attach(files, 'Observation', id, bytes(key, key.length * 4000), name, contentType);
      contents.set(`${id}:${key}`, bytes(key, key.length * 4000));
      return r;
    };
    const o1 = [
      await ref('o1', 'evil', '../../evil.jpg'),
      await ref('o1', 'con', 'CON.txt', 'text/plain'),
      await ref('o1', 'lower', 'photo.jpg'),
      await ref('o1', 'upper', 'Photo.JPG'),
      await ref('o1', 'noname', null),
      await ref('o1', 'accent', 'Fotó ñ.jpg'),
    ];
    const missing: AttachmentRef = { key: 'Observation/o3/' + 'a'.repeat(64), contentType: 'image/png', size: 2048, sha256: 'a'.repeat(64), name: 'gone.png' };
    await bench.put('Observation', [
      // The same file twice under one name is one entry.
      { id: 'o1', inspectionID: 'i1', category: 'Crack/../../etc', severity: 'LOW', photos: [...o1, o1[2]!] },
      { id: 'o2', inspectionID: 'i1', category: 'Crack/../../etc', severity: 'HIGH', photos: [await ref('o2', 'second', 'photo.jpg')] },
      { id: 'o3', inspectionID: 'i1', category: 'Leak', severity: 'MEDIUM', photos: [missing] },
      { id: 'o4', inspectionID: 'i1', category: 'Nothing attached', severity: 'LOW', photos: null },
    ]);
  });
  after(async () => {
    await bench?.close();
  });

  test('the data and every present file under safe, distinct names; MISSING.txt for the rest', async () => {
    const path = join(bench.dir, 'observations.zip');
    const result = await exportToFile({
      schema,
      model: observation,
      format: 'csv',
      source: bench.datastore,
      overwrite: false,
      path,
      files: { source: storeFileSource(files), dataName: 'Observations-2026-03-04.csv' },
    });
    assert.equal(result.records, 4);
    assert.equal(result.files, 7);
    assert.equal(result.missingFiles, 1);
    assert.match(zipTest(path), /No errors detected/);
    // Two records with one label: each folder carries its record's id.
    const folder = 'files/Observation/Crack_.._.._etc (o1)';
    const entries = zipEntries(path).sort();
    const nonameSha = (await bench.datastore.get('Observation', 'o1'))!.photos as AttachmentRef[];
    assert.deepEqual(
      entries,
      [
        'Observations-2026-03-04.csv',
        `${folder}/.._.._evil.jpg`,
        `${folder}/Fotó ñ.jpg`,
        `${folder}/Photo (2).JPG`,
        `${folder}/_CON.txt`,
        `${folder}/${nonameSha[4]!.sha256.slice(0, 16)}`,
        `${folder}/photo.jpg`,
        'files/Observation/Crack_.._.._etc (o2)/photo.jpg',
        MISSING_LIST,
      ].sort(),
    );
    for (const entry of entries) {
      assert.ok(!entry.split('/').includes('..'), `${entry} climbs out of its folder`);
      assert.ok(!entry.startsWith('/'), `${entry} is absolute`);
    }
    assert.deepEqual(zipEntry(path, `${folder}/photo.jpg`), contents.get('o1:lower'));
    assert.deepEqual(zipEntry(path, `${folder}/Photo (2).JPG`), contents.get('o1:upper'));
    assert.deepEqual(zipEntry(path, 'files/Observation/Crack_.._.._etc (o2)/photo.jpg'), contents.get('o2:second'));
    assert.deepEqual(zipEntry(path, `${folder}/Fotó ñ.jpg`), contents.get('o1:accent'));
    const missingText = zipEntry(path, MISSING_LIST).toString('utf8');
    assert.match(missingText, /Observation "Leak" \(id o3\): gone\.png \(image\/png, 2,048 bytes, sha-256 a{64}\)/);
    const [header, ...rows] = parseCsv(zipEntry(path, 'Observations-2026-03-04.csv').toString('utf8').slice(1));
    assert.equal(rows.length, 4);
    assert.ok(header!.includes('inspection.title'));
    assert.equal(
      rows.find((r) => r[0] === 'o1')![header!.indexOf('photos')],
      '../../evil.jpg; CON.txt; photo.jpg; Photo.JPG; ' + nonameSha[4]!.key + '; Fotó ñ.jpg; photo.jpg',
    );
  });

  test('a file failing mid-read fails the export: no zip, no temporary file, and the file at the target is untouched', async () => {
    const path = join(bench.dir, 'kept.zip');
    writeFileSync(path, 'the export of yesterday');
    const failing = async (): Promise<Readable> =>
      new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024, 1));
          this.destroy(new Error('disk read error'));
        },
      });
    await assert.rejects(
      exportToFile({
        schema,
        model: observation,
        format: 'json',
        source: bench.datastore,
        overwrite: true,
        path,
        files: { source: failing, dataName: 'o.json' },
      }),
      /disk read error/,
    );
    assert.equal(readFileSync(path, 'utf8'), 'the export of yesterday');
    assert.deepEqual(
      readdirSync(bench.dir).filter((n) => n.startsWith('.outpost-export-')),
      [],
    );
    assert.ok(existsSync(path));
  });
});
