// Thumbnails of a profile's image attachments (DESIGN.md "Attachments"): the renderer draws one on
// a canvas and main keeps it at `<profileDir>/attachments/thumbnails/<sha256>`, written to a temp
// file in the same folder, fsynced and renamed, so a crash leaves the old thumbnail or the new one.
// Only the three types a canvas encodes are kept, and only when the bytes start as that type does
// (their magic numbers): the thumbnail is shown inline, so a lie matters.
// Evicting a file from the cache keeps its thumbnail on purpose: thumbnails are tiny (at most
// MAX_THUMBNAIL_BYTES, usually a few KB) and they keep forms and lists readable offline after the
// full file went; the file downloads again when opened.
// With the profile's key a thumbnail is sealed whole (main/crypto/file-cipher.ts); plain ones of a
// profile made before encryption are sealed when the store opens, and one that fails its check is
// removed and answered as none (the renderer draws it again).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../common/errors.js';
import { MAX_THUMBNAIL_BYTES } from '../../common/ipc/attachment-contract.js';
import { sniffImage } from '../../common/content-sniff.js';
import { FileCipherError, isSealed, openBuffer, sealBuffer } from '../crypto/file-cipher.js';

/** The image types a thumbnail may be. */
export const THUMBNAIL_TYPES = ['image/webp', 'image/jpeg', 'image/png'] as const;
export type ThumbnailType = (typeof THUMBNAIL_TYPES)[number];

const SHA256 = /^[0-9a-f]{64}$/;
const TEMP_SUFFIX = '.part';
/** Present once every thumbnail is encrypted (written when the store opens with a key, removed when without). */
const ENCRYPTED_MARKER = '.encrypted';

/** The thumbnail type the first bytes show (common/content-sniff.ts, one of THUMBNAIL_TYPES), or null. */
export function thumbnailTypeOf(bytes: Uint8Array): ThumbnailType | null {
  const sniffed = sniffImage(bytes);
  return (THUMBNAIL_TYPES as readonly string[]).includes(sniffed ?? '') ? (sniffed as ThumbnailType) : null;
}

/** Why `bytes` may not be kept as a `contentType` thumbnail (naming the problem), or null when they may. */
export function thumbnailProblem(contentType: string, bytes: Uint8Array): string | null {
  if (!(THUMBNAIL_TYPES as readonly string[]).includes(contentType)) return `a thumbnail must be ${THUMBNAIL_TYPES.join(', ')}, not ${contentType}`;
  if (bytes.byteLength === 0) return 'the thumbnail is empty';
  if (bytes.byteLength > MAX_THUMBNAIL_BYTES) return `the thumbnail is ${bytes.byteLength} bytes; at most ${MAX_THUMBNAIL_BYTES} are kept`;
  const actual = thumbnailTypeOf(bytes);
  if (actual !== contentType) return `the thumbnail is declared ${contentType}, but its bytes are ${actual ?? 'not an image of a known type'}`;
  return null;
}

/** The thumbnails of one profile, one file per attachment sha-256. */
export class ThumbnailStore {
  private constructor(
    readonly root: string,
    private readonly key: Buffer | null,
  ) {}

  /**
   * Opens (creating) `<profileDir>/attachments/thumbnails` and removes temp files a crash left
   * behind; with `options.key` (the profile's 32-byte key) thumbnails are encrypted, plain ones sealed now.
   */
  static async open(profileDir: string, options: { readonly key?: Buffer } = {}): Promise<ThumbnailStore> {
    const root = join(profileDir, 'attachments', 'thumbnails');
    await mkdir(root, { recursive: true });
    const store = new ThumbnailStore(root, options.key ?? null);
    // Once every thumbnail is sealed a marker spares later opens reading them all again.
    const marker = join(root, ENCRYPTED_MARKER);
    const seal = store.key !== null && !existsSync(marker);
    for (const name of await readdir(root)) {
      if (name.endsWith(TEMP_SUFFIX)) await rm(join(root, name), { force: true });
      else if (seal && store.key !== null && SHA256.test(name)) {
        const bytes = await readFile(join(root, name));
        if (!isSealed(bytes)) await store.write(name, sealBuffer(store.key, bytes));
      }
    }
    if (seal) await writeFile(marker, '');
    if (store.key === null) await rm(marker, { force: true });
    return store;
  }

  /** Where the thumbnail of `sha256` lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new ValidationError(`not a sha-256: ${JSON.stringify(sha256)}`, 'sha256');
    return join(this.root, sha256);
  }

  /** True when a thumbnail of `sha256` is kept. */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** The thumbnail's bytes, or null when there is none (or it failed its check: then it is removed). */
  async read(sha256: string): Promise<Buffer | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (this.key === null) return bytes;
    try {
      return openBuffer(this.key, bytes);
    } catch (error) {
      if (!(error instanceof FileCipherError)) throw error;
      console.error(`thumbnail ${this.pathOf(sha256)} is damaged (${error.message}): removed`);
      await this.remove(sha256);
      return null;
    }
  }

  /** Keeps `bytes` as the thumbnail of `sha256`, replacing any; ValidationError (nothing written) when thumbnailProblem finds one. */
  async put(sha256: string, contentType: string, bytes: Uint8Array): Promise<void> {
    // A malformed sha-256 is refused before the bytes are looked at.
    this.pathOf(sha256);
    const problem = thumbnailProblem(contentType, bytes);
    if (problem !== null) throw new ValidationError(problem, 'thumbnail');
    await this.write(sha256, this.key === null ? bytes : sealBuffer(this.key, bytes));
  }

  /** Replaces the file of `sha256` with `bytes` (temp file, fsync, rename). */
  private async write(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(sha256);
    const temp = join(this.root, `${sha256}.${randomUUID()}${TEMP_SUFFIX}`);
    // Again here: clearing the profile's files (AttachmentFiles.clear) removes the folder with them.
    await mkdir(this.root, { recursive: true });
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Removes the thumbnail of `sha256` (nothing when absent). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}
