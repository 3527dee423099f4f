// The profile's file store with the profile key, on a real disk: files added, being added
// (staged) and thumbnails hold none of their plaintext on disk yet read back whole and by range
// with plaintext sizes; the plain files and thumbnails of a profile made before encryption are
// encrypted in place on the first open with the key, verified against their names (one that does
// not hash to its name is removed, never served); a SIGKILL mid-migration leaves every file plain
// or encrypted, never neither, and the next open finishes; an altered, cut or extended file is
// refused naming it; without a key files stay as they are.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AttachmentFileDamaged, AttachmentFiles } from '../../../../main/attachments/attachment-files.js';
import { StagedAdds } from '../../../../main/attachments/staged-adds.js';
import { ThumbnailStore } from '../../../../main/attachments/thumbnail-store.js';
import { encryptedSize, isSealed } from '../../../../main/crypto/file-cipher.js';

const MiB = 1024 * 1024;
const MARKER = 'OUTPOST-FILES-PLAINTEXT-c4b8';
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function marked(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let at = 0, n = seed; at < size; n++) at += Buffer.from(`${MARKER}${n};`).copy(bytes, at);
  return bytes;
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-encrypted-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(path) : [path]));
  }
  return out;
}

/** Fails naming the file when a file under the profile's attachment folders holds MARKER; answers how many were looked at. */
async function assertNoPlaintext(profileDir: string): Promise<number> {
  const paths = [...(await filesUnder(join(profileDir, 'attachments'))), ...(await filesUnder(join(profileDir, 'attachment-staging')))];
  for (const path of paths) assert.equal((await readFile(path)).includes(MARKER), false, `${path} holds plaintext`);
  return paths.length;
}

test('added, staged and thumbnail files hold no plaintext on disk and read back whole, by range, with plaintext sizes', async (t) => {
  const dir = await tempDir(t);
  const key = randomBytes(32);
  const files = await AttachmentFiles.open(dir, { key });
  assert.equal(files.encrypted, true);
  const big = marked(3 * MiB + 17, 1);
  const adds = await StagedAdds.open(dir, files, undefined, key);
  const { stageId } = await adds.begin('survey.bin', 'application/octet-stream');
  for (let at = 0; at < big.length; at += 3 * 256 * 1024) await adds.chunk(stageId, big.subarray(at, at + 3 * 256 * 1024).toString('base64'));
  assert.ok((await filesUnder(join(dir, 'attachment-staging'))).length === 1 && (await assertNoPlaintext(dir)) >= 1, 'the stage file is encrypted as it grows');
  const staged = await adds.end(stageId);
  assert.deepEqual({ sha256: staged.sha256, size: staged.size }, { sha256: sha256(big), size: big.length });
  const small = await files.add(Readable.from([marked(1000, 2)]));
  assert.equal(await files.sizeOf(staged.sha256), big.length);
  assert.equal(await files.totalBytes(), big.length + 1000);
  assert.deepEqual(
    (await files.list()).map((f) => f.size).sort((a, b) => a - b),
    [1000, big.length],
  );
  assert.deepEqual(await buffer(files.read(staged.sha256)), big);
  assert.deepEqual(await buffer(files.read(staged.sha256, { start: MiB - 5, end: 2 * MiB + 5 })), big.subarray(MiB - 5, 2 * MiB + 6));
  assert.deepEqual(await buffer(files.read(small.sha256, { start: 990 })), marked(1000, 2).subarray(990));
  assert.equal(await files.verify(staged.sha256), true);
  const thumbnails = await ThumbnailStore.open(dir, { key });
  await thumbnails.put(staged.sha256, 'image/png', PNG_1X1);
  assert.deepEqual(await thumbnails.read(staged.sha256), PNG_1X1);
  assert.equal(isSealed(await readFile(thumbnails.pathOf(staged.sha256))), true);
  assert.ok((await assertNoPlaintext(dir)) >= 3);
});

test('without a key files stay as they are', async (t) => {
  const dir = await tempDir(t);
  const files = await AttachmentFiles.open(dir);
  const bytes = marked(5000, 3);
  const stored = await files.add(Readable.from([bytes]));
  assert.equal(files.encrypted, false);
  assert.deepEqual(await readFile(files.pathOf(stored.sha256)), bytes);
});

test('plain files and thumbnails of an older profile are encrypted in place on the first open with the key, verified against their names', async (t) => {
  const dir = await tempDir(t);
  const plain = await AttachmentFiles.open(dir);
  const originals = [marked(3 * MiB, 4), marked(70_000, 5), Buffer.alloc(0)];
  const stored = [];
  for (const bytes of originals) stored.push(await plain.add(Readable.from([bytes])));
  const plainThumbs = await ThumbnailStore.open(dir);
  await plainThumbs.put(stored[0]!.sha256, 'image/png', PNG_1X1);
  // Garbage under a content address, and a temp file a crash mid-migration left.
  const garbage = sha256(Buffer.from('what this should have been'));
  await mkdir(join(plain.root, garbage.slice(0, 2)), { recursive: true });
  await writeFile(plain.pathOf(garbage), `${MARKER} not the bytes of its name`);
  await writeFile(join(plain.root, 'crashed-migration.part'), marked(1000, 6));

  const key = randomBytes(32);
  const files = await AttachmentFiles.open(dir, { key });
  const thumbnails = await ThumbnailStore.open(dir, { key });
  assert.deepEqual(files.damagedAtOpen, [garbage]);
  assert.equal(await files.exists(garbage), false, 'garbage is never served');
  for (const [i, bytes] of originals.entries()) {
    assert.equal((await readFile(files.pathOf(stored[i]!.sha256))).length, encryptedSize(bytes.length));
    assert.deepEqual(await buffer(files.read(stored[i]!.sha256)), bytes);
  }
  assert.deepEqual(await thumbnails.read(stored[0]!.sha256), PNG_1X1);
  assert.equal(isSealed(await readFile(thumbnails.pathOf(stored[0]!.sha256))), true);
  assert.equal(existsSync(join(files.root, 'crashed-migration.part')), false);
  await assertNoPlaintext(dir);
  // Opened again with the key: nothing to do, the same files.
  const again = await AttachmentFiles.open(dir, { key });
  assert.deepEqual(await buffer(again.read(stored[1]!.sha256)), originals[1]);
});

test('a SIGKILL mid-migration leaves every file plain or encrypted, never neither; the next open finishes', async (t) => {
  const dir = await tempDir(t);
  const plain = await AttachmentFiles.open(dir);
  const originals = Array.from({ length: 24 }, (_, i) => marked(512 * 1024, 100 + i));
  const shas: string[] = [];
  for (const bytes of originals) shas.push((await plain.add(Readable.from([bytes]))).sha256);
  const key = randomBytes(32);
  const moduleUrl = new URL('../../../../main/attachments/attachment-files.ts', import.meta.url).href;
  const script = `
    const { AttachmentFiles } = await import(${JSON.stringify(moduleUrl)});
    await AttachmentFiles.open(${JSON.stringify(dir)}, { key: Buffer.from(${JSON.stringify(key.toString('hex'))}, 'hex') });
    process.stdout.write('done\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let finished = false;
  child.stdout.on('data', () => (finished = true));
  // Killed once some files are encrypted and others are not.
  for (let tries = 0; tries < 2000 && !finished; tries++) {
    const sealed = await Promise.all(shas.map(async (sha) => isSealed(await readFile(plain.pathOf(sha)).catch(() => Buffer.alloc(0)))));
    if (sealed.some(Boolean)) break;
    await sleep(2);
  }
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  let encrypted = 0;
  for (const sha of shas) {
    const bytes = await readFile(plain.pathOf(sha));
    if (isSealed(bytes)) encrypted++;
    else assert.equal(sha256(bytes), sha, 'a file not encrypted yet is its plain self');
  }
  console.log(`killed with ${encrypted} of ${shas.length} files encrypted${finished ? ' (the migration had finished)' : ''}`);
  const files = await AttachmentFiles.open(dir, { key });
  for (const [i, sha] of shas.entries()) assert.deepEqual(await buffer(files.read(sha)), originals[i]);
  assert.deepEqual(files.damagedAtOpen, []);
  await assertNoPlaintext(dir);
});

test('an altered, cut or extended file is refused naming it, never read', async (t) => {
  const dir = await tempDir(t);
  const files = await AttachmentFiles.open(dir, { key: randomBytes(32) });
  const bytes = marked(300_000, 7);
  const { sha256: sha } = await files.add(Readable.from([bytes]));
  const path = files.pathOf(sha);
  const sealed = await readFile(path);
  const damaged = (error: unknown): boolean => error instanceof AttachmentFileDamaged && error.path === path && error.message.includes(path);
  const altered = Buffer.from(sealed);
  altered[150_000] ^= 0x80;
  await writeFile(path, altered);
  await assert.rejects(buffer(files.read(sha)), damaged);
  assert.deepEqual(await buffer(files.read(sha, { start: 0, end: 1000 })), bytes.subarray(0, 1001), 'a range before the altered segment still reads');
  assert.equal(await files.verify(sha), false);
  await writeFile(path, sealed);
  await truncate(path, sealed.length - 1);
  await assert.rejects(buffer(files.read(sha)), damaged);
  await writeFile(path, sealed);
  await appendFile(path, Buffer.alloc(16 + 1));
  await assert.rejects(buffer(files.read(sha, { start: 299_000 })), damaged);
  await writeFile(path, sealed);
  const other = await AttachmentFiles.open(dir, { key: randomBytes(32) });
  await assert.rejects(buffer(other.read(sha)), (error: unknown) => damaged(error) && /another key/.test((error as Error).message));
});
