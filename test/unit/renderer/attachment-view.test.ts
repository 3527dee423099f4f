// What the attachment UI says and decides without a browser (issue 13 "UI"): sizes, upload states,
// the sync bar's queue sentence, the guard's file count, staged names and types, the field's value
// as files are added and removed, and form values that keep attachment references exact.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { findField, findModel } from '../../../common/schema/model-fields.js';
import type { AttachmentRef } from '../../../common/schema/attachment-ref.js';
import {
  attachmentQueueSummary,
  base64ToBytes,
  bytesToBase64,
  cameraFileName,
  chunkRanges,
  firstImage,
  formatBytes,
  isImageType,
  recordSummaryText,
  stagingContentType,
  stagingName,
  stepIndex,
  unuploadedText,
  uploadStateText,
  withAttachment,
  withoutAttachment,
} from '../../../renderer/attachment-view.js';
import { guardTitle } from '../../../renderer/components/UnsyncedGuard.js';
import { blankRaw, fromRaw, isAttachmentField, toRaw } from '../../../renderer/form-values.js';
import { formRecord, isDirty } from '../../../renderer/work-view.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const observation = findModel(schema, 'Observation')!;
const photos = findField(observation, 'photos')!;
const sha = (c: string) => c.repeat(64);
const staged: AttachmentRef = { key: '', sha256: sha('a'), size: 2048, contentType: 'image/png', name: 'north wall.png' };
const saved: AttachmentRef = { key: `Observation/o1/${sha('b')}`, sha256: sha('b'), size: 12_345_678, contentType: 'application/pdf', name: null };
const queue = { bytesWaiting: 12_300_000, waiting: 3, failed: 0, paused: false, uploadsAvailable: true };

test('formatBytes: decimal units, one decimal above 1 kB', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1000), '1.0 kB');
  assert.equal(formatBytes(12_345), '12.3 kB');
  assert.equal(formatBytes(12_300_000), '12.3 MB');
  assert.equal(formatBytes(999_960), '1.0 MB');
  assert.equal(formatBytes(1_500_000_000), '1.5 GB');
  assert.equal(formatBytes(-1), '?');
});

test('isImageType: pictures the viewer shows, not other image-ish types', () => {
  for (const t of ['image/png', 'image/jpeg', 'IMAGE/WEBP', 'image/gif']) assert.ok(isImageType(t), t);
  for (const t of ['image/tiff', 'application/pdf', 'text/plain', '']) assert.ok(!isImageType(t), t);
});

test('uploadStateText: staged, queued, uploading n% (never 100 before done), uploaded, failed with the reason', () => {
  const s = (state: 'queued' | 'uploading' | 'done' | 'failed', bytesSent = 0, reason?: string) => ({
    state,
    bytesSent,
    bytesTotal: 200,
    ...(reason ? { reason } : {}),
  });
  assert.equal(uploadStateText(undefined, true), 'uploads after you save');
  assert.equal(uploadStateText(undefined, false), '');
  assert.equal(uploadStateText(s('queued'), false), 'queued');
  assert.equal(uploadStateText(s('uploading', 84), false), 'uploading 42%');
  assert.equal(uploadStateText(s('uploading', 200), false), 'uploading 99%');
  assert.equal(uploadStateText(s('done', 200), false), 'uploaded');
  assert.equal(
    uploadStateText(s('failed', 0, 'the file is larger than the server takes (50 MB)'), false),
    'failed: the file is larger than the server takes (50 MB)',
  );
  assert.equal(uploadStateText({ state: 'uploading', bytesSent: 0, bytesTotal: 0 }, false), 'uploading 0%');
});

test('attachmentQueueSummary: waiting bytes, paused, no upload endpoint, failed link', () => {
  assert.deepEqual(attachmentQueueSummary(null), { text: null, pending: false, failed: null });
  assert.deepEqual(attachmentQueueSummary(queue), { text: '3 files (12.3 MB) waiting to upload', pending: true, failed: null });
  assert.equal(attachmentQueueSummary({ ...queue, waiting: 1, bytesWaiting: 512 }).text, '1 file (512 B) waiting to upload');
  assert.equal(attachmentQueueSummary({ ...queue, paused: true }).text, 'Uploads paused: 3 files (12.3 MB) waiting');
  assert.equal(attachmentQueueSummary({ ...queue, paused: true, waiting: 0, bytesWaiting: 0 }).text, 'Uploads paused');
  assert.equal(attachmentQueueSummary({ ...queue, uploadsAvailable: false }).text, '3 files (12.3 MB) stay on this computer: this server takes no uploads');
  assert.deepEqual(attachmentQueueSummary({ ...queue, waiting: 0, bytesWaiting: 0, failed: 2 }), {
    text: null,
    pending: false,
    failed: '2 files failed to upload',
  });
  assert.equal(attachmentQueueSummary({ ...queue, waiting: 0, bytesWaiting: 0 }).text, null, 'nothing waiting: nothing said');
});

test('recordSummaryText: never "All changes synced" while files wait', () => {
  assert.equal(recordSummaryText('All changes synced', queue), 'All records synced');
  assert.equal(recordSummaryText('All changes synced', { ...queue, waiting: 0, bytesWaiting: 0 }), 'All changes synced');
  assert.equal(recordSummaryText('All changes synced', null), 'All changes synced');
  assert.equal(recordSummaryText('2 unsynced changes', queue), '2 unsynced changes');
});

test('the guard counts attached files not uploaded yet', () => {
  assert.equal(unuploadedText(0), null);
  assert.equal(unuploadedText(1), '1 attached file not uploaded yet');
  assert.equal(guardTitle(3, 0, 0, 2), '3 unsynced changes and 2 attached files not uploaded yet');
  assert.equal(guardTitle(0, 1, 1, 1), '1 change needs your review · 1 unsaved draft and 1 attached file not uploaded yet');
  assert.equal(guardTitle(0, 0, 0, 2), '2 attached files not uploaded yet');
  assert.equal(guardTitle(2, 0), '2 unsynced changes', 'without files the title is as before');
});

test('stagingName and stagingContentType: what the contract accepts, from what a browser gives', () => {
  assert.equal(stagingName('IMG_0001.JPG', 'file'), 'IMG_0001.JPG');
  assert.equal(stagingName('C:\\fakepath\\wall.png', 'file'), 'wall.png');
  assert.equal(stagingName('  \u0000 ', 'pasted image.png'), 'pasted image.png');
  const long = `${'n'.repeat(400)}.jpeg`;
  const cut = stagingName(long, 'file');
  assert.equal([...cut].length, 255);
  assert.ok(cut.endsWith('.jpeg'));
  assert.equal(stagingContentType('image/png'), 'image/png');
  assert.equal(stagingContentType('text/plain;charset=utf-8'), 'text/plain');
  assert.equal(stagingContentType(''), 'application/octet-stream');
  assert.equal(stagingContentType('not a type'), 'application/octet-stream');
  assert.equal(cameraFileName(new Date(2026, 2, 4, 10, 15, 2)), 'photo-2026-03-04-101502.jpg');
});

test('withAttachment / withoutAttachment: a list grows without duplicates, a single field is replaced', () => {
  assert.deepEqual(withAttachment([], staged, true), { value: [staged], duplicate: false });
  assert.deepEqual(withAttachment([saved], staged, true), { value: [saved, staged], duplicate: false });
  assert.deepEqual(withAttachment([saved, staged], { ...staged, name: 'again.png' }, true), { value: [saved, staged], duplicate: true });
  assert.deepEqual(withAttachment(saved, staged, false), { value: staged, duplicate: false });
  assert.deepEqual(withAttachment('', staged, false), { value: staged, duplicate: false });
  assert.deepEqual(withoutAttachment([saved, staged], 0, true), [staged]);
  assert.equal(withoutAttachment(saved, 0, false), '');
  assert.equal(firstImage([saved, staged]), staged);
  assert.equal(firstImage([saved]), undefined);
});

test('stepIndex wraps round; chunkRanges covers a file exactly', () => {
  assert.equal(stepIndex(0, -1, 3), 2);
  assert.equal(stepIndex(2, 1, 3), 0);
  assert.equal(stepIndex(0, 1, 0), 0);
  assert.deepEqual(chunkRanges(0, 4), []);
  assert.deepEqual(chunkRanges(10, 4), [
    [0, 4],
    [4, 4],
    [8, 2],
  ]);
});

test('base64 both ways, for sizes around the 32 KiB pieces (random bytes; seed printed)', () => {
  const seed = Date.now();
  console.log(`base64 sizes seed ${seed}`);
  for (const size of [0, 1, 2, 3, 0x8000 - 1, 0x8000, 0x8000 + 1, 1024 * 1024, (seed % 100_000) + 1]) {
    const bytes = new Uint8Array(randomBytes(size));
    const text = bytesToBase64(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64'), `size ${size}`);
    assert.deepEqual(base64ToBytes(text), bytes, `size ${size}`);
  }
});

test('form values keep attachment references exact: key "" kept, size a number, extra fields, name null', () => {
  assert.ok(isAttachmentField(schema, photos));
  assert.ok(!isAttachmentField(schema, findField(findModel(schema, 'Site')!, 'location')!), 'a GeoPoint is not an attachment');
  const withExtra = { ...saved, width: 4032 } as AttachmentRef;
  const stored = [staged, withExtra, null];
  const raw = toRaw(schema, photos, stored);
  assert.deepEqual(raw, [staged, withExtra, '']);
  assert.deepEqual(fromRaw(schema, photos, raw), stored, 'back exactly as stored');
  assert.equal(typeof (fromRaw(schema, photos, raw) as AttachmentRef[])[0]!.size, 'number');
  assert.deepEqual(blankRaw(schema, photos), []);
  assert.equal(blankRaw(schema, photos, true), '', 'a blank item is no reference, not an object of blank strings');
  // Through JSON (a draft kept by main) and back: still the same.
  assert.deepEqual(fromRaw(schema, photos, JSON.parse(JSON.stringify(raw))), stored);
  const single = { ...photos, isList: false };
  assert.equal(fromRaw(schema, single, toRaw(schema, single, null)), null);
  assert.deepEqual(fromRaw(schema, single, toRaw(schema, single, staged)), staged);
});

test('a create with one staged photo sends it as the reference main expects; an untouched list is not sent on edit', () => {
  const fields = observation.fields.filter((f) => ['category', 'severity', 'photos'].includes(f.name));
  const blank = Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)]));
  const values = { ...blank, category: 'Crack', severity: 'LOW', photos: [staged] };
  assert.deepEqual(formRecord(schema, fields, values, blank, null), { category: 'Crack', severity: 'LOW', photos: [staged] });
  const original = { id: 'o1', category: 'Crack', severity: 'LOW', photos: [saved] };
  const loaded = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, original[f.name as keyof typeof original])]));
  assert.ok(!isDirty(loaded, Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, original[f.name as keyof typeof original])]))));
  assert.deepEqual(formRecord(schema, fields, loaded, loaded, original), {}, 'nothing changed: nothing sent');
  const added = { ...loaded, photos: [saved, staged] };
  assert.ok(isDirty(added, loaded));
  assert.deepEqual(formRecord(schema, fields, added, loaded, original), { photos: [saved, staged] });
});
