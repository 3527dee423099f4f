// A profile's attachment files on disk, content-addressed (DESIGN.md "Attachments"): each file is
// `<profileDir>/attachments/<first 2 hex>/<sha256>`, never a blob in SQLite. Bytes are streamed
// into a temp file in the attachments folder while hashed, fsynced, then renamed into place, so a
// crash leaves no file or a whole one; the same bytes twice are one file. Temp files left by a
// crash are removed when the store opens. A download in progress keeps its bytes in
// `attachments/downloads/<sha256>` instead, across restarts, so that it resumes where it stopped
// (addDownloaded); it becomes a file only when all of it hashes right.
// With the profile's key every file here is encrypted (main/crypto/file-cipher.ts) and read back
// decrypted; its name stays the sha-256 of the plaintext, so references never change, and sizes
// answered are plaintext sizes. A download in progress is kept as whole non-final segments only, so
// the plaintext bytes safely on disk follow from its length. Plain files of a profile made before
// encryption are encrypted in place when the store first opens with the key (temp file, fsync,
// rename: a crash leaves the plain file or the encrypted one), verified against their names while
// read; a marker file then spares later opens the scan.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, rename, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  encryptingStream,
  FileCipherError,
  HEADER_BYTES,
  isSealed,
  plainSize,
  readSealedRange,
  SEALED_SEGMENT_BYTES,
  SEGMENT_BYTES,
  SegmentSealer,
} from '../crypto/file-cipher.js';

/** A file as the store holds it. */
export interface StoredFile {
  /** Lower-case hex sha-256 of the bytes. */
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
}

/** The bytes that arrived do not hash to what was expected; nothing was kept. */
export class AttachmentHashMismatch extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`attachment bytes have sha-256 ${actual}, not the expected ${expected}`);
    this.name = 'AttachmentHashMismatch';
  }
}

/** A file of the store failed its integrity check (altered, cut, another key): its bytes are never passed on. */
export class AttachmentFileDamaged extends Error {
  override readonly name = 'AttachmentFileDamaged';
  constructor(
    readonly sha256: string,
    readonly path: string,
    detail: string,
  ) {
    super(`the attachment file ${path} on this device is damaged (${detail}); it was not read`);
  }
}

/** The bytes kept of a download in progress are not whole or fail their check: the download starts over. */
export class PartialCopyDamaged extends Error {
  override readonly name = 'PartialCopyDamaged';
}

/** How the store is opened. */
export interface AttachmentFilesOptions {
  /** The profile's 32-byte key: files are encrypted at rest with it. Without it they are kept as they are. */
  readonly key?: Buffer;
}

const TEMP_SUFFIX = '.part';
/** Present once every file of the store is encrypted (written when it opens with a key, removed when without). */
const ENCRYPTED_MARKER = '.encrypted';
/** The folder of downloads in progress (beside the spread folders, so never listed as files). */
const PARTIALS = 'downloads';
const SHA256 = /^[0-9a-f]{64}$/;
/** The folders files are spread over (the first two hex digits); others beside them (thumbnails/) are not files of the store. */
const SPREAD = /^[0-9a-f]{2}$/;

/** The content-addressed files of one profile. */
export class AttachmentFiles {
  /** sha-256s of plain files that did not hash to their names when encrypted at open: removed, never served. */
  readonly damagedAtOpen: string[] = [];

  private constructor(
    readonly root: string,
    private readonly key: Buffer | null,
  ) {}

  /** True when files are encrypted at rest (opened with a key). */
  get encrypted(): boolean {
    return this.key !== null;
  }

  /**
   * Opens (creating) `<profileDir>/attachments`, removes temp files a crash left behind and, with
   * `options.key`, encrypts the plain files a profile made before encryption has (partial
   * downloads among them are dropped: they download again).
   */
  static async open(profileDir: string, options: AttachmentFilesOptions = {}): Promise<AttachmentFiles> {
    const root = join(profileDir, 'attachments');
    await mkdir(root, { recursive: true });
    for (const name of await readdir(root)) {
      if (name.endsWith(TEMP_SUFFIX)) await rm(join(root, name), { force: true });
    }
    const files = new AttachmentFiles(root, options.key ?? null);
    if (options.key === undefined) await rm(join(root, ENCRYPTED_MARKER), { force: true });
    else if (!existsSync(join(root, ENCRYPTED_MARKER))) await files.encryptPlainFiles();
    return files;
  }

  private async encryptPlainFiles(): Promise<void> {
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SPREAD.test(entry.name)) continue;
      for (const name of await readdir(join(this.root, entry.name))) {
        if (!SHA256.test(name) || name.slice(0, 2) !== entry.name) continue;
        const path = join(this.root, entry.name, name);
        if (!(await startsSealed(path))) await this.encryptInPlace(name, path);
      }
    }
    const partials = join(this.root, PARTIALS);
    for (const name of await readdir(partials).catch(() => [] as string[])) {
      if (!(await startsSealed(join(partials, name)))) await rm(join(partials, name), { force: true });
    }
    await writeFile(join(this.root, ENCRYPTED_MARKER), '');
  }

  private async encryptInPlace(sha256: string, path: string): Promise<void> {
    const temp = join(this.root, `${randomUUID()}${TEMP_SUFFIX}`);
    try {
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(createReadStream(path), hashing, encryptingStream(this.requireKey()), createWriteStream(temp, { flags: 'wx' }));
      if (hash.digest('hex') !== sha256) {
        // Garbage under a content address: never served, and not kept in plain text either.
        console.error(`attachment file ${path} does not hash to its name: removed`);
        this.damagedAtOpen.push(sha256);
        await rm(path, { force: true });
        return;
      }
      await fsync(temp);
      await rename(temp, path);
      await fsync(join(this.root, sha256.slice(0, 2))).catch(() => undefined);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private requireKey(): Buffer {
    if (this.key === null) throw new Error('this file store has no key');
    return this.key;
  }

  /** Where the file of `sha256` lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha-256: ${JSON.stringify(sha256)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Streams `source` (a file path or a stream) in; with `expectedSha256`, bytes hashing otherwise are refused (AttachmentHashMismatch). */
  async add(source: string | Readable, expectedSha256?: string): Promise<StoredFile> {
    const temp = join(this.root, `${randomUUID()}${TEMP_SUFFIX}`);
    try {
      const hash = createHash('sha256');
      let size = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.byteLength;
          done(null, chunk);
        },
      });
      const input = typeof source === 'string' ? createReadStream(source) : source;
      if (this.key === null) await pipeline(input, hashing, createWriteStream(temp, { flags: 'wx' }));
      else await pipeline(input, hashing, encryptingStream(this.key), createWriteStream(temp, { flags: 'wx' }));
      await fsync(temp);
      const sha256 = hash.digest('hex');
      if (expectedSha256 !== undefined && sha256 !== expectedSha256) throw new AttachmentHashMismatch(expectedSha256, sha256);
      const target = this.pathOf(sha256);
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      // rename replaces an existing file of the same name atomically: both hold the same bytes.
      await rename(temp, target);
      // Windows cannot open a folder to fsync it; there the rename is journaled by NTFS.
      await fsync(join(this.root, sha256.slice(0, 2))).catch(() => undefined);
      return { sha256, size };
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Where the download of `sha256` in progress keeps its bytes (whether or not there are any). */
  partialPathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha-256: ${JSON.stringify(sha256)}`);
    return join(this.root, PARTIALS, sha256);
  }

  /** Bytes already downloaded of `sha256` (0 when none); encrypted, those of its whole segments. */
  async partialSize(sha256: string): Promise<number> {
    const bytes = (await sizeOf(this.partialPathOf(sha256))) ?? 0;
    return this.key === null ? bytes : keptPlainBytes(bytes);
  }

  /**
   * Continues the download of `sha256` with `source`, the file's bytes from `from` on: the partial
   * copy is cut to `from` bytes (0 starts over), `source` appended, and once it ends the whole
   * copy — the bytes kept from before included — must hash to `sha256`: then it becomes the file,
   * else the copy is removed and AttachmentHashMismatch thrown. When `source` fails, what arrived
   * stays for the next try and the error is rethrown.
   */
  async addDownloaded(sha256: string, from: number, source: Readable): Promise<StoredFile> {
    if (this.key !== null) return this.addDownloadedSealed(this.key, sha256, from, source);
    const partial = this.partialPathOf(sha256);
    await mkdir(join(this.root, PARTIALS), { recursive: true });
    const hash = createHash('sha256');
    let size = from;
    if (from > 0) {
      await truncate(partial, from);
      for await (const chunk of createReadStream(partial, { end: from - 1 })) hash.update(chunk as Buffer);
    }
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.byteLength;
        done(null, chunk);
      },
    });
    await pipeline(source, hashing, createWriteStream(partial, { flags: from > 0 ? 'a' : 'w' }));
    const actual = hash.digest('hex');
    if (actual !== sha256) {
      await rm(partial, { force: true });
      throw new AttachmentHashMismatch(sha256, actual);
    }
    await fsync(partial);
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    await rename(partial, this.pathOf(sha256));
    await fsync(join(this.root, sha256.slice(0, 2))).catch(() => undefined);
    return { sha256, size };
  }

  /**
   * addDownloaded encrypted: the segments before `from`'s are kept (decrypted to hash them, which
   * also checks them; any that fail throw PartialCopyDamaged), the rest of `from`'s segment is read
   * back to be sealed again with what arrives, and only whole segments are written until the end.
   */
  private async addDownloadedSealed(key: Buffer, sha256: string, from: number, source: Readable): Promise<StoredFile> {
    const partial = this.partialPathOf(sha256);
    await mkdir(join(this.root, PARTIALS), { recursive: true });
    const hash = createHash('sha256');
    let size = from;
    let sealer = new SegmentSealer(key);
    if (from > 0) {
      try {
        sealer = await this.resumeSealer(key, partial, from, hash);
      } catch (error) {
        // Unread, the source would hold its response open.
        source.destroy();
        throw error;
      }
    }
    const sealing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.byteLength;
        const sealed = sealer.push(chunk);
        if (sealed.length > 0) this.push(Buffer.concat(sealed));
        done();
      },
    });
    await pipeline(source, sealing, createWriteStream(partial, { flags: from > 0 ? 'a' : 'w' }));
    const actual = hash.digest('hex');
    if (actual !== sha256) {
      await rm(partial, { force: true });
      throw new AttachmentHashMismatch(sha256, actual);
    }
    await appendFile(partial, sealer.finish());
    await fsync(partial);
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    await rename(partial, this.pathOf(sha256));
    await fsync(join(this.root, sha256.slice(0, 2))).catch(() => undefined);
    return { sha256, size };
  }

  private async resumeSealer(key: Buffer, partial: string, from: number, hash: ReturnType<typeof createHash>): Promise<SegmentSealer> {
    const handle = await open(partial, 'r+').catch((error: unknown) => {
      throw new PartialCopyDamaged(`no partial copy to continue at byte ${from}: ${(error as Error).message}`);
    });
    try {
      const kept = keptPlainBytes((await handle.stat()).size);
      const whole = Math.floor(from / SEGMENT_BYTES);
      if (from > kept) throw new PartialCopyDamaged(`the partial copy holds ${kept} bytes, not ${from}`);
      const header = Buffer.alloc(HEADER_BYTES);
      await handle.read(header, 0, HEADER_BYTES, 0);
      const pending: Buffer[] = [];
      let at = 0;
      try {
        for await (const chunk of readSealedRange(handle, key, { start: 0, end: from, plainBytes: kept, complete: false })) {
          hash.update(chunk);
          if (at + chunk.length > whole * SEGMENT_BYTES) pending.push(chunk);
          at += chunk.length;
        }
      } catch (error) {
        if (error instanceof FileCipherError) throw new PartialCopyDamaged(`the partial copy failed its check: ${error.message}`);
        throw error;
      }
      // Segment `whole` is sealed again under the nonce it had if part of it was written before a
      // crash: with the same plaintext (If-Range keeps the server to the same file), so the same
      // ciphertext; a file that changed anyway fails its sha-256 and the copy is removed.
      await handle.truncate(HEADER_BYTES + whole * SEALED_SEGMENT_BYTES);
      return new SegmentSealer(key, { header, counter: whole, pending: Buffer.concat(pending) });
    } finally {
      await handle.close();
    }
  }

  /** Removes the partial download of `sha256` (nothing when absent). */
  async removePartial(sha256: string): Promise<void> {
    await rm(this.partialPathOf(sha256), { force: true });
  }

  /** Every partial download with its size (bytes) and last write (ms since the epoch). */
  async listPartials(): Promise<Array<StoredFile & { readonly modifiedAt: number }>> {
    const names = await readdir(join(this.root, PARTIALS)).catch(() => [] as string[]);
    const out: Array<StoredFile & { readonly modifiedAt: number }> = [];
    for (const name of names) {
      if (!SHA256.test(name)) continue;
      const info = await stat(join(this.root, PARTIALS, name)).catch(() => null);
      if (info !== null) out.push({ sha256: name, size: this.key === null ? info.size : keptPlainBytes(info.size), modifiedAt: info.mtimeMs });
    }
    return out;
  }

  /**
   * The file's bytes, or `range` of them (inclusive byte offsets, as fs.createReadStream), decrypted
   * when encrypted; a missing file errors with ENOENT, one that fails its check with AttachmentFileDamaged.
   */
  read(sha256: string, range?: ByteRange): Readable {
    if (this.key === null) return createReadStream(this.pathOf(sha256), range);
    const path = this.pathOf(sha256);
    const key = this.key;
    return Readable.from(
      (async function* () {
        const handle = await open(path, 'r');
        yield* decryptedRange(handle, key, sha256, path, range);
      })(),
      { objectMode: false },
    );
  }

  /** Like read, once the file is open: null when it is not here (evicted between a check and the read cannot fail later). */
  async openRead(sha256: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.pathOf(sha256);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (this.key === null) return handle.createReadStream(range);
    return Readable.from(decryptedRange(handle, this.key, sha256, path, range), { objectMode: false });
  }

  /** The file's size in bytes (plaintext), or null when it is not here. */
  async sizeOf(sha256: string): Promise<number | null> {
    const bytes = await sizeOf(this.pathOf(sha256));
    return bytes === null || this.key === null ? bytes : plainSizeOrRaw(bytes);
  }

  /** Reads the whole file, checking every segment and its sha-256: false when it is damaged (absent: null). */
  async verify(sha256: string): Promise<boolean | null> {
    const stream = await this.openRead(sha256);
    if (stream === null) return null;
    const hash = createHash('sha256');
    try {
      for await (const chunk of stream) hash.update(chunk as Buffer);
    } catch (error) {
      if (error instanceof AttachmentFileDamaged) return false;
      throw error;
    }
    return hash.digest('hex') === sha256;
  }

  /** True when the file of `sha256` is here. */
  async exists(sha256: string): Promise<boolean> {
    return (await sizeOf(this.pathOf(sha256))) !== null;
  }

  /** True when the file of `sha256` is here, asked synchronously (the datastore asks inside a save's transaction); false for a malformed sha-256. */
  has(sha256: string): boolean {
    return SHA256.test(sha256) && existsSync(this.pathOf(sha256));
  }

  /** Every whole file in the store with its size (bytes) and last modification (ms since the epoch). */
  async list(): Promise<Array<StoredFile & { readonly modifiedAt: number }>> {
    const out: Array<StoredFile & { readonly modifiedAt: number }> = [];
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SPREAD.test(entry.name)) continue;
      for (const name of await readdir(join(this.root, entry.name))) {
        if (!SHA256.test(name) || name.slice(0, 2) !== entry.name) continue;
        const info = await stat(join(this.root, entry.name, name)).catch(() => null);
        if (info !== null) out.push({ sha256: name, size: this.key === null ? info.size : plainSizeOrRaw(info.size), modifiedAt: info.mtimeMs });
      }
    }
    return out;
  }

  /** Removes every file and everything kept beside them (the profile's local data is being cleared); the folder stays. */
  async clear(): Promise<void> {
    for (const entry of await readdir(this.root, { withFileTypes: true })) await rm(join(this.root, entry.name), { recursive: true, force: true });
    if (this.key !== null) await writeFile(join(this.root, ENCRYPTED_MARKER), '');
  }

  /** Removes the file of `sha256` (nothing when absent). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Bytes of every whole file in the store (temp files not counted). */
  async totalBytes(): Promise<number> {
    let total = 0;
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SPREAD.test(entry.name)) continue;
      for (const name of await readdir(join(this.root, entry.name))) {
        if (!SHA256.test(name)) continue;
        const bytes = (await sizeOf(join(this.root, entry.name, name))) ?? 0;
        total += this.key === null ? bytes : plainSizeOrRaw(bytes);
      }
    }
    return total;
  }
}

/** Inclusive byte offsets, as fs.createReadStream takes them. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/** The plaintext of `range` of the encrypted file open as `handle` (closed after); FileCipherError becomes AttachmentFileDamaged. */
async function* decryptedRange(handle: FileHandle, key: Buffer, sha256: string, path: string, range: ByteRange | undefined): AsyncGenerator<Buffer> {
  try {
    const fileBytes = (await handle.stat()).size;
    let plainBytes: number;
    try {
      plainBytes = plainSize(fileBytes);
    } catch (error) {
      throw new AttachmentFileDamaged(sha256, path, (error as Error).message);
    }
    const start = range?.start ?? 0;
    const end = Math.min(plainBytes, range?.end === undefined ? plainBytes : range.end + 1);
    if (start >= end) return;
    try {
      yield* readSealedRange(handle, key, { start, end, plainBytes });
    } catch (error) {
      if (error instanceof FileCipherError) throw new AttachmentFileDamaged(sha256, path, error.message);
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Plaintext bytes in the whole segments of a partial download `fileBytes` long. */
function keptPlainBytes(fileBytes: number): number {
  return Math.floor(Math.max(0, fileBytes - HEADER_BYTES) / SEALED_SEGMENT_BYTES) * SEGMENT_BYTES;
}

/** A stored file's plaintext size; a length no encrypted file has (damaged) is answered as is. */
function plainSizeOrRaw(fileBytes: number): number {
  try {
    return plainSize(fileBytes);
  } catch {
    return fileBytes;
  }
}

async function startsSealed(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const first = Buffer.alloc(4);
    const { bytesRead } = await handle.read(first, 0, 4, 0);
    return isSealed(first.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Flushes a file or a folder (its new entries) to disk. */
async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
