// Adding files over IPC in base64 chunks (main/attachments/staged-adds.ts) on a real profile folder
// and file store: chunks in order make the file, content-addressed; a file over the per-file limit
// is refused naming it and its limit, and nothing is kept; cancel and unknown stage ids; chunks that
// are not whole base64 quads; what an earlier session left is removed when the next one opens.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ValidationError } from '../../../common/errors.js';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { MAX_ATTACHMENT_FILE_BYTES, StagedAdds } from '../../../main/attachments/staged-adds.js';

async function profile(t: TestContext, maxBytes?: number): Promise<{ dir: string; files: AttachmentFiles; adds: StagedAdds }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-staged-adds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = await AttachmentFiles.open(dir);
  return { dir, files, adds: await StagedAdds.open(dir, files, maxBytes) };
}

const stagingFiles = (dir: string): string[] => readdirSync(join(dir, 'attachment-staging'));

test('chunks appended in order become one content-addressed file; the answer has no key yet', async (t) => {
  const { dir, files, adds } = await profile(t);
  const bytes = Buffer.from('a photo, sent in three parts of uneven size');
  const { stageId } = await adds.begin('site.jpg', 'image/jpeg');
  // Two chunk calls may overlap (the renderer does not wait): they still land in order.
  const parts = [bytes.subarray(0, 9), bytes.subarray(9, 30), bytes.subarray(30)];
  const received = await Promise.all(parts.map((part) => adds.chunk(stageId, part.toString('base64'))));
  assert.deepEqual(
    received.map((r) => r.received),
    [9, 30, bytes.byteLength],
  );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  assert.deepEqual(await adds.end(stageId), { key: '', sha256, size: bytes.byteLength, contentType: 'image/jpeg', name: 'site.jpg' });
  assert.deepEqual(readFileSync(files.pathOf(sha256)), bytes);
  assert.deepEqual(stagingFiles(dir), [], 'the temp file is gone');
  await assert.rejects(adds.end(stageId), (error: unknown) => error instanceof ValidationError && /no file is being added as/.test(error.message));
});

test('a file over the limit is refused naming it and the limit, and nothing is kept', async (t) => {
  assert.equal(MAX_ATTACHMENT_FILE_BYTES, 2 * 1024 ** 3);
  const { dir, files, adds } = await profile(t, 2 * 1024 * 1024);
  const { stageId } = await adds.begin('video.mp4', 'video/mp4');
  const mib = Buffer.alloc(1024 * 1024, 1).toString('base64');
  await adds.chunk(stageId, mib);
  await adds.chunk(stageId, mib);
  await assert.rejects(
    adds.chunk(stageId, Buffer.from('x').toString('base64')),
    (error: unknown) => error instanceof ValidationError && error.message === 'video.mp4 is larger than 2 MiB, the most one attached file may have',
  );
  assert.deepEqual(stagingFiles(dir), []);
  assert.equal(await files.totalBytes(), 0);
  await assert.rejects(adds.end(stageId), /no file is being added/);
});

test('cancel drops a stage; chunks must be whole base64; an earlier session’s leftovers go at open', async (t) => {
  const { dir, files, adds } = await profile(t);
  const { stageId } = await adds.begin('a.png', 'image/png');
  await assert.rejects(adds.chunk(stageId, 'QUJD' + 'RA'), (error: unknown) => error instanceof ValidationError && /multiple of 4/.test(error.message));
  await adds.chunk(stageId, 'QUJD');
  assert.deepEqual(await adds.cancel(stageId), { removed: true });
  assert.deepEqual(await adds.cancel(stageId), { removed: false });
  assert.deepEqual(stagingFiles(dir), []);

  writeFileSync(join(dir, 'attachment-staging', 'left-by-a-crash.part'), 'half a file');
  await StagedAdds.open(dir, files);
  assert.deepEqual(stagingFiles(dir), []);
  assert.equal(existsSync(join(dir, 'attachment-staging')), true);
});
