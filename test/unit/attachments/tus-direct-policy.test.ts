// The decisions of a tus write (tus-write-policy.ts) over plain headers and upload states: the
// version, the PATCH headers in their order of refusal, offset conflicts (a complete upload
// included), bodies past the declared length, and what each store error tells the client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlobNotFound, InvalidBlobId, LengthExceeded, OffsetMismatch, UploadExists } from '../../../server/attachments/blob-store.js';
import { TusError } from '../../../server/attachments/tus-blob-datastore.js';
import {
  bodyRefusal,
  carriesUploadBytes,
  contentLengthOf,
  decidePatchHeaders,
  offsetRefusal,
  refusalOf,
  tusVersionRefusal,
  uploadLengthOf,
} from '../../../server/attachments/tus-write-policy.js';

const BYTES = { 'content-type': 'application/offset+octet-stream' };

test('only tus 1.0.0 is spoken: missing or other versions are 412', () => {
  assert.equal(tusVersionRefusal({ 'tus-resumable': '1.0.0' }), null);
  assert.equal(tusVersionRefusal({})?.status, 412);
  assert.match(tusVersionRefusal({ 'tus-resumable': '0.2.2' })?.message ?? '', /not 0\.2\.2/);
});

test('lengths and offsets are plain whole numbers; a creation carries bytes only when typed as tus bytes', () => {
  assert.equal(uploadLengthOf({ 'upload-length': '2000000' }), 2_000_000);
  for (const bad of ['-1', '1e3', '007', '1.5', '', ' 1']) assert.equal(uploadLengthOf({ 'upload-length': bad }), null, bad);
  assert.equal(uploadLengthOf({}), null);
  assert.equal(contentLengthOf({}), null);
  assert.equal(contentLengthOf({ 'content-length': '0' }), 0);
  assert.equal(carriesUploadBytes(BYTES), true);
  assert.equal(carriesUploadBytes({ 'content-type': 'application/octet-stream' }), false);
  assert.equal(carriesUploadBytes({}), false);
});

test('PATCH headers: 415 for another body type first, then 400 for the offset, then 400 for a late length', () => {
  assert.deepEqual(decidePatchHeaders({ ...BYTES, 'upload-offset': '512', 'content-length': '100' }), { offset: 512, contentLength: 100 });
  assert.deepEqual(decidePatchHeaders({ ...BYTES, 'upload-offset': '0', 'transfer-encoding': 'chunked' }), { offset: 0, contentLength: null });
  const status = (headers: Record<string, string>): number | undefined => {
    const decided = decidePatchHeaders(headers);
    return 'status' in decided ? decided.status : undefined;
  };
  assert.equal(status({ 'upload-offset': 'x' }), 415);
  assert.equal(status({ 'content-type': 'text/plain', 'upload-offset': '0' }), 415);
  assert.equal(status({ ...BYTES }), 400);
  assert.equal(status({ ...BYTES, 'upload-offset': '-4' }), 400);
  assert.equal(status({ ...BYTES, 'upload-offset': '4', 'upload-length': '10' }), 400);
});

test('a PATCH continues exactly at the upload offset of an incomplete upload, and fits its length', () => {
  assert.equal(offsetRefusal(10, { offset: 10, complete: false }), null);
  assert.match(offsetRefusal(0, { offset: 10, complete: false })?.message ?? '', /at byte 10, not 0/);
  assert.match(offsetRefusal(10, { offset: 10, complete: true })?.message ?? '', /complete/);
  assert.equal(bodyRefusal(10, 90, 100), null);
  assert.equal(bodyRefusal(10, null, 100), null, 'a chunked body is checked by the store as it writes');
  assert.equal(bodyRefusal(10, 91, 100)?.status, 413);
});

test('store and check errors become the answers a client can act on; anything else is the server’s (null → 500)', () => {
  assert.equal(refusalOf(new OffsetMismatch('a', 10, 0))?.status, 409);
  assert.match(refusalOf(new OffsetMismatch('a', 10, 10))?.message ?? '', /complete/, 'an append to a complete upload');
  assert.equal(refusalOf(new BlobNotFound('a'))?.status, 404);
  assert.equal(refusalOf(new InvalidBlobId('', 'is empty'))?.status, 404);
  assert.equal(refusalOf(new LengthExceeded('a', 100))?.status, 413);
  assert.equal(refusalOf(new UploadExists('a'))?.status, 409);
  assert.deepEqual(refusalOf(new TusError(422, 'Upload refused: wrong bytes\n')), { status: 422, message: 'Upload refused: wrong bytes' });
  assert.equal(refusalOf(new Error('disk on fire')), null);
  assert.equal(refusalOf('text'), null);
});
