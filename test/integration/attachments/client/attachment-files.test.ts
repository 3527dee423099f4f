// The profile's content-addressed file store on a real disk: streamed in while hashed, one file
// per content, nothing half-written after a failure or a SIGKILL mid-write (temp files are
// removed when the store opens again).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AttachmentFiles, AttachmentHashMismatch } from '../../../../main/attachments/attachment-files.js';

let profileDir: string;
before(async () => {
  profileDir = await mkdtemp(join(tmpdir(), 'outpost-attachment-files-'));
});
after(async () => {
  await rm(profileDir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const tempFiles = async (root: string): Promise<string[]> => (await readdir(root)).filter((name) => name.endsWith('.part'));

test('add from a path and from a stream: content-addressed, the same bytes twice are one file', async () => {
  const files = await AttachmentFiles.open(profileDir);
  const bytes = Buffer.from('a photo, honestly'.repeat(10_000));
  const source = join(profileDir, 'source.bin');
  await writeFile(source, bytes);
  const fromPath = await files.add(source);
  assert.deepEqual(fromPath, { sha256: sha256(bytes), size: bytes.length });
  assert.equal(files.pathOf(fromPath.sha256), join(profileDir, 'attachments', fromPath.sha256.slice(0, 2), fromPath.sha256));
  const fromStream = await files.add(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
  assert.deepEqual(fromStream, fromPath);
  assert.deepEqual(await readdir(join(profileDir, 'attachments', fromPath.sha256.slice(0, 2))), [fromPath.sha256]);
  assert.equal(await files.totalBytes(), bytes.length);
  assert.deepEqual(await readFile(files.pathOf(fromPath.sha256)), bytes);
  const chunks: Buffer[] = [];
  for await (const chunk of files.read(fromPath.sha256, { start: 5, end: 9 })) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), bytes.subarray(5, 10).toString());
  assert.equal(await files.exists(fromPath.sha256), true);
  await files.remove(fromPath.sha256);
  assert.equal(await files.exists(fromPath.sha256), false);
  assert.equal(await files.totalBytes(), 0);
  assert.deepEqual(await tempFiles(files.root), []);
});

test('a stream that fails mid-way and bytes with the wrong hash leave no file and no temp file', async () => {
  const files = await AttachmentFiles.open(profileDir);
  async function* failing(): AsyncGenerator<Buffer> {
    yield Buffer.alloc(64 * 1024, 1);
    throw new Error('camera unplugged');
  }
  await assert.rejects(files.add(Readable.from(failing())), /camera unplugged/);
  const bytes = Buffer.from('expected');
  await assert.rejects(files.add(Readable.from([bytes]), '0'.repeat(64)), AttachmentHashMismatch);
  assert.equal(await files.exists(sha256(bytes)), false);
  assert.equal(await files.totalBytes(), 0);
  assert.deepEqual(await tempFiles(files.root), []);
});

test('a SIGKILL mid-write leaves a temp file only, which the next open removes', async () => {
  const moduleUrl = new URL('../../../../main/attachments/attachment-files.ts', import.meta.url).href;
  const script = `
    import { Readable } from 'node:stream';
    const { AttachmentFiles } = await import(${JSON.stringify(moduleUrl)});
    const files = await AttachmentFiles.open(${JSON.stringify(profileDir)});
    async function* endless() { for (;;) { yield Buffer.alloc(256 * 1024, 7); await new Promise((r) => setTimeout(r, 5)); } }
    void files.add(Readable.from(endless()));
    setTimeout(() => process.stdout.write('writing\\n'), 200);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const root = join(profileDir, 'attachments');
  assert.equal((await tempFiles(root)).length, 1, 'the write is under way in a temp file');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const files = await AttachmentFiles.open(profileDir);
  assert.deepEqual(await tempFiles(root), []);
  assert.equal(await files.totalBytes(), 0);
  assert.ok(existsSync(root));
});
