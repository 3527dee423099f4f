// BlobStore over one directory, for a single server process (the SQLite set-up). Each upload is
// `<key>.json` (id, length, owner, metadata, creation time), `<key>.part` while bytes arrive and
// `<key>.blob` once complete, where key = sha-256 of the id: file names stay short and no id can
// reach outside the directory. The offset is the .part file's size, so it never claims bytes the
// disk does not hold. Completion is a rename, so a reader sees a whole blob or none. Bytes are
// hashed as they are written (blob-digest.ts), so completion does not read the blob back unless
// the upload was resumed after a restart. Flushes per file sent in one request: its header and its
// bytes together (two fdatasyncs at once, before the answer), then the directory once for its new
// names — and one directory flush serves every upload that asks while the one before it runs.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { digestOf, RunningDigests, type RunningDigest } from './blob-digest.js';
import {
  BlobNotFound,
  LengthExceeded,
  OffsetMismatch,
  UploadExists,
  assertBlobId,
  assertLength,
  assertRange,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  type CompletionCheck,
  type CreateUpload,
} from './blob-store.js';

/** Bytes gathered from the request before one write system call: a 2 MB photo in two, no more held than PostgreSQL's 1 MiB row. */
const WRITE_BATCH_BYTES = 1024 * 1024;

interface StoredHeader {
  readonly id: string;
  readonly length: number;
  readonly owner: string;
  readonly metadata: Record<string, string>;
  readonly createdAt: string;
}

/** Opens (creating if missing) a directory blob store. */
export async function openDiskBlobStore(directory: string): Promise<DiskBlobStore> {
  await mkdir(directory, { recursive: true });
  return new DiskBlobStore(directory, await openDirectory(directory));
}

export class DiskBlobStore implements BlobStore {
  // Appends to one id run one after another; other processes must not share the directory.
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #digests = new RunningDigests();
  #headers: Map<string, StoredHeader> | null = null;
  /** Declared bytes per owner, kept with the index so a creation's quota check reads no directory. */
  readonly #owned = new Map<string, number>();
  /** Uploads whose header may not be on disk yet (created here and not appended to, or read at start, before a crash may have cut it from the disk): the next append that writes bytes or completes flushes it with them. */
  readonly #unflushedHeaders = new Set<string>();
  /** Uploads created by this process that have no .part yet: their first append needs no look at the disk. */
  readonly #empty = new Set<string>();
  /** The directory flush running now, and the one queued behind it (for changes made after the running one began). */
  #directorySync: Promise<void> | null = null;
  #nextDirectorySync: Promise<void> | null = null;
  #closed = false;

  /**
   * @param directoryHandle the directory opened for reading, kept to flush its entries (new names,
   *   renames) without opening it again each time; null where a directory cannot be opened (Windows).
   */
  constructor(
    private readonly directory: string,
    private directoryHandle: FileHandle | null,
  ) {}

  async create(upload: CreateUpload): Promise<BlobInfo> {
    assertBlobId(upload.id);
    assertLength(upload.length);
    return this.#serial(upload.id, async () => {
      const headers = await this.#index();
      if (headers.has(upload.id)) throw new UploadExists(upload.id);
      const header: StoredHeader = { ...upload, metadata: { ...upload.metadata }, createdAt: new Date().toISOString() };
      // Header first: never bytes without a header. It is flushed (its bytes with the first append's,
      // its name with the directory after them) before any byte is acknowledged: a crash before that
      // loses only a creation, which the client makes again when HEAD answers 404 — and a header a
      // crash left empty or cut is read as such a lost creation (#index).
      await this.#writeReplacing(this.#path(upload.id, 'json'), JSON.stringify(header));
      // No .part yet: a missing one is offset 0 (info), and the first append creates it.
      this.#remember(header);
      this.#unflushedHeaders.add(upload.id);
      this.#empty.add(upload.id);
      this.#digests.drop(upload.id);
      return toInfo(header, 0, false);
    });
  }

  async append(id: string, offset: number, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, check?: CompletionCheck): Promise<number> {
    assertBlobId(id);
    return this.#serial(id, async () => {
      const current = await this.#appendTarget(id);
      if (!current) throw new BlobNotFound(id);
      if (current.complete || current.offset !== offset) throw new OffsetMismatch(id, current.offset, offset);
      // create() and delete() drop a kept digest, so the creation time only has to tell this process's uploads apart.
      const generation = current.createdAt.toISOString();
      const digest = this.#digests.resume(id, generation, offset);
      let reached: number;
      try {
        reached = await this.#write(current, bytes, digest);
      } catch (error) {
        // A cut request: the digest covers what was written, for the resuming PATCH (resume() checks the offset).
        if (digest !== null) this.#digests.keep(id, generation, digest);
        throw error;
      }
      if (reached === current.length) {
        await this.#complete({ ...current, offset: reached }, check, digest?.offset === reached ? digest : null);
      } else if (digest?.offset === reached) {
        this.#digests.keep(id, generation, digest);
      }
      return reached;
    });
  }

  /** info(), without looking at the disk for an upload this process created and nothing was appended to yet. */
  async #appendTarget(id: string): Promise<BlobInfo | null> {
    const header = this.#empty.has(id) ? (await this.#index()).get(id) : undefined;
    return header ? toInfo(header, 0, false) : this.info(id);
  }

  async info(id: string): Promise<BlobInfo | null> {
    assertBlobId(id);
    const header = (await this.#index()).get(id);
    if (!header) return null;
    const [blob, part] = await Promise.all([sizeOf(this.#path(id, 'blob')), sizeOf(this.#path(id, 'part'))]);
    if (blob !== null) return toInfo(header, blob, true);
    if (part === null) {
      // Completion renamed the .part between the two looks: the blob is there now.
      const renamed = await sizeOf(this.#path(id, 'blob'));
      if (renamed !== null) return toInfo(header, renamed, true);
    }
    return toInfo(header, part ?? 0, false);
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const current = await this.info(id);
    if (!current?.complete) throw new BlobNotFound(id);
    if (range) assertRange(range, current.length);
    // Open before returning so a blob deleted meanwhile fails here, not mid-response.
    const handle = await open(this.#path(id, 'blob'), 'r');
    return handle.createReadStream({ start: range?.start, end: range?.end });
  }

  async delete(id: string): Promise<void> {
    assertBlobId(id);
    await this.#serial(id, async () => {
      this.#forget(await this.#index(), id);
      await rm(this.#path(id, 'json'), { force: true });
      await rm(this.#path(id, 'json.tmp'), { force: true });
      await rm(this.#path(id, 'part'), { force: true });
      await rm(this.#path(id, 'blob'), { force: true });
    });
  }

  async listOlderThan(time: Date): Promise<BlobInfo[]> {
    const old = [...(await this.#index()).values()].filter((header) => new Date(header.createdAt) < time);
    const infos = await Promise.all(old.map((header) => this.info(header.id)));
    return infos.filter((info): info is BlobInfo => info !== null);
  }

  async bytesOwnedBy(owner: string): Promise<number> {
    await this.#index();
    return this.#owned.get(owner) ?? 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()]);
    const handle = this.directoryHandle;
    this.directoryHandle = null;
    this.#closed = true;
    await handle?.close();
  }

  /**
   * Appends to the .part file, up to WRITE_BATCH_BYTES per system call, feeding `digest` with exactly
   * the bytes written; returns the offset reached, also when `bytes` fails midway.
   */
  async #write(current: BlobInfo, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, digest: RunningDigest | null): Promise<number> {
    const handle = await open(this.#path(current.id, 'part'), 'a');
    this.#empty.delete(current.id);
    let reached = current.offset;
    let batch: Uint8Array[] = [];
    let batched = 0;
    const flush = async (): Promise<void> => {
      if (batched === 0) return;
      const pieces = batch;
      const size = batched;
      batch = [];
      batched = 0;
      const { bytesWritten } = await handle.writev(pieces);
      // A short write (disk full) leaves the file's size as the offset; the digest no longer matches it.
      if (bytesWritten !== size) throw new Error(`wrote ${bytesWritten} of ${size} bytes to upload ${current.id}`);
      for (const piece of pieces) digest?.update(piece);
      reached += size;
    };
    try {
      for await (const chunk of bytes) {
        if (reached + batched + chunk.byteLength > current.length) throw new LengthExceeded(current.id, current.length);
        batch.push(chunk);
        batched += chunk.byteLength;
        if (batched >= WRITE_BATCH_BYTES) await flush();
      }
    } finally {
      // What arrived before an error or a cut is kept, so the client need not send it again.
      await flush().finally(async () => {
        // The header of a new upload goes to disk with its first bytes, both flushes at once.
        await Promise.all([handle.datasync().catch(() => undefined), this.#flushHeader(current.id, reached > current.offset || reached === current.length)]);
        await handle.close();
        // The first append made the .part: its name must survive a power loss with its bytes. Not
        // when this append completes the upload: completion renames the .part and flushes that.
        if (current.offset === 0 && reached < current.length) await this.#syncDirectory();
      });
    }
    return reached;
  }

  async #complete(upload: BlobInfo, check: CompletionCheck | undefined, digest: RunningDigest | null): Promise<void> {
    const part = this.#path(upload.id, 'part');
    this.#digests.drop(upload.id);
    if (check) {
      try {
        await check(digest?.finish() ?? (await digestOf(createReadStream(part))), upload);
      } catch (error) {
        this.#forget(await this.#index(), upload.id);
        await Promise.all(['json', 'part'].map((ext) => rm(this.#path(upload.id, ext), { force: true })));
        throw error;
      }
    }
    await rename(part, this.#path(upload.id, 'blob'));
    // The client counts the file uploaded once we answer: the rename must be on disk by then.
    await this.#syncDirectory();
  }

  async #index(): Promise<Map<string, StoredHeader>> {
    if (this.#headers) return this.#headers;
    const headers = new Map<string, StoredHeader>();
    for (const name of await readdir(this.directory)) {
      if (!name.endsWith('.json')) continue;
      const header = parseHeader(await readFile(join(this.directory, name), 'utf8'));
      if (header === null) {
        // A creation a crash cut before its header reached the disk: no byte of it was acknowledged
        // (the header is flushed first), so it is dropped and the client creates it again.
        const key = name.slice(0, -'.json'.length);
        await Promise.all(['json', 'part'].map((ext) => rm(join(this.directory, `${key}.${ext}`), { force: true })));
        continue;
      }
      headers.set(header.id, header);
    }
    if (this.#headers === null) {
      this.#headers = headers;
      // The process before may have stopped before flushing them: to be flushed before any byte is acknowledged.
      for (const id of headers.keys()) this.#unflushedHeaders.add(id);
      for (const header of headers.values()) this.#owned.set(header.owner, (this.#owned.get(header.owner) ?? 0) + header.length);
    }
    return this.#headers;
  }

  #remember(header: StoredHeader): void {
    this.#headers?.set(header.id, header);
    this.#owned.set(header.owner, (this.#owned.get(header.owner) ?? 0) + header.length);
  }

  #forget(headers: Map<string, StoredHeader>, id: string): void {
    const header = headers.get(id);
    this.#digests.drop(id);
    this.#unflushedHeaders.delete(id);
    this.#empty.delete(id);
    if (header === undefined) return;
    headers.delete(id);
    const left = (this.#owned.get(header.owner) ?? 0) - header.length;
    if (left > 0) this.#owned.set(header.owner, left);
    else this.#owned.delete(header.owner);
  }

  /** Writes `text` to `path` through a temporary file renamed over it (never a half-written file under the name while the process lives); not flushed: see #flushHeader. */
  async #writeReplacing(path: string, text: string): Promise<void> {
    const tmp = `${path}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  }

  /** Flushes the header of upload `id` if this process wrote it and has not flushed it yet; `needed` false (nothing written) leaves it for later. */
  async #flushHeader(id: string, needed: boolean): Promise<void> {
    if (!needed || !this.#unflushedHeaders.has(id)) return;
    const handle = await open(this.#path(id, 'json'), 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.#unflushedHeaders.delete(id);
  }

  /**
   * Flushes the directory's entries (new names, renames) to disk. One flush serves every caller that
   * asked before it began: a caller arriving while one runs waits for the next, which all such callers share.
   */
  #syncDirectory(): Promise<void> {
    if (this.#directorySync === null) {
      const running = this.#syncDirectoryNow().finally(() => {
        this.#directorySync = null;
      });
      this.#directorySync = running;
      return running;
    }
    this.#nextDirectorySync ??= this.#directorySync.then(() => {
      this.#nextDirectorySync = null;
      return this.#syncDirectory();
    });
    return this.#nextDirectorySync;
  }

  async #syncDirectoryNow(): Promise<void> {
    // A store used after close() (a test, a straggling sweep) opens the directory once more.
    const handle = this.directoryHandle ?? (this.#closed ? await openDirectory(this.directory) : null);
    try {
      await handle?.sync();
    } catch {
      // Some file systems refuse fsync on a directory (EINVAL): there is nothing more to do.
    } finally {
      if (handle !== this.directoryHandle) await handle?.close();
    }
  }

  #path(id: string, ext: string): string {
    return join(this.directory, `${createHash('sha256').update(id).digest('hex')}.${ext}`);
  }

  #serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#queues.set(id, settled);
    void settled.then(() => {
      if (this.#queues.get(id) === settled) this.#queues.delete(id);
    });
    return next;
  }
}

/** A header file's contents, or null when a crash left it empty or cut (its upload's creation is then lost). */
function parseHeader(text: string): StoredHeader | null {
  try {
    const header = JSON.parse(text) as Partial<StoredHeader> | null;
    return typeof header?.id === 'string' && typeof header.length === 'number' ? (header as StoredHeader) : null;
  } catch {
    return null;
  }
}

function toInfo(header: StoredHeader, offset: number, complete: boolean): BlobInfo {
  return { id: header.id, length: header.length, offset, owner: header.owner, metadata: header.metadata, createdAt: new Date(header.createdAt), complete };
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The directory opened for reading, to flush its entries; null where that is impossible. */
async function openDirectory(directory: string): Promise<FileHandle | null> {
  try {
    return await open(directory, 'r');
  } catch {
    // Windows cannot open a directory; NTFS journals its renames itself.
    return null;
  }
}
