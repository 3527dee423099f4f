// A profile's attachment files on disk, content-addressed (DESIGN.md "Attachments"): each file is
// `<profileDir>/attachments/<first 2 hex>/<sha256>`, never a blob in SQLite. Bytes are streamed
// into a temp file in the attachments folder while hashed, fsynced, then renamed into place, so a
// crash leaves no file or a whole one; the same bytes twice are one file. Temp files left by a
// crash are removed when the store opens. A download in progress keeps its bytes in
// `attachments/downloads/<sha256>` instead, across restarts, so that it resumes where it stopped
// (addDownloaded); it becomes a file only when all of it hashes right. (Encryption with the
// profile key is not done yet.)
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

const TEMP_SUFFIX = '.part';
/** The folder of downloads in progress (beside the spread folders, so never listed as files). */
const PARTIALS = 'downloads';
const SHA256 = /^[0-9a-f]{64}$/;
/** The folders files are spread over (the first two hex digits); others beside them (thumbnails/) are not files of the store. */
const SPREAD = /^[0-9a-f]{2}$/;

/** The content-addressed files of one profile. */
export class AttachmentFiles {
  private constructor(readonly root: string) {}

  /** Opens (creating) `<profileDir>/attachments` and removes temp files a crash left behind. */
  static async open(profileDir: string): Promise<AttachmentFiles> {
    const root = join(profileDir, 'attachments');
    await mkdir(root, { recursive: true });
    for (const name of await readdir(root)) {
      if (name.endsWith(TEMP_SUFFIX)) await rm(join(root, name), { force: true });
    }
    return new AttachmentFiles(root);
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
      await pipeline(input, hashing, createWriteStream(temp, { flags: 'wx' }));
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

  /** Bytes already downloaded of `sha256` (0 when none). */
  async partialSize(sha256: string): Promise<number> {
    return (await sizeOf(this.partialPathOf(sha256))) ?? 0;
  }

  /**
   * Continues the download of `sha256` with `source`, the file's bytes from `from` on: the partial
   * copy is cut to `from` bytes (0 starts over), `source` appended, and once it ends the whole
   * copy — the bytes kept from before included — must hash to `sha256`: then it becomes the file,
   * else the copy is removed and AttachmentHashMismatch thrown. When `source` fails, what arrived
   * stays for the next try and the error is rethrown.
   */
  async addDownloaded(sha256: string, from: number, source: Readable): Promise<StoredFile> {
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
      if (info !== null) out.push({ sha256: name, size: info.size, modifiedAt: info.mtimeMs });
    }
    return out;
  }

  /** The file's bytes, or `range` of them (inclusive byte offsets, as fs.createReadStream). */
  read(sha256: string, range?: { readonly start: number; readonly end?: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range);
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
        if (info !== null) out.push({ sha256: name, size: info.size, modifiedAt: info.mtimeMs });
      }
    }
    return out;
  }

  /** Removes every file and everything kept beside them (the profile's local data is being cleared); the folder stays. */
  async clear(): Promise<void> {
    for (const entry of await readdir(this.root, { withFileTypes: true })) await rm(join(this.root, entry.name), { recursive: true, force: true });
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
        if (SHA256.test(name)) total += (await sizeOf(join(this.root, entry.name, name))) ?? 0;
      }
    }
    return total;
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
