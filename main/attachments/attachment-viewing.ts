// Viewing attachments in main (DESIGN.md "Attachments", the `attachmentFetch`, `attachmentRead`
// and `attachmentThumbnailPut` channels of common/ipc/attachment-contract.ts): a file is made
// present on this device first (its own files are; others' files and those evicted download on
// first view with the record's access), then read chunk by chunk. Every failure is an OutpostError
// with a code of VIEWING_ERRORS and a message a user can act on; a user who may not read a file
// gets one answer whether or not it exists, and nothing else of the server's.
import type Database from 'better-sqlite3';
import { OutpostError, ValidationError } from '../../common/errors.js';
import { ATTACHMENT_CHUNK_BYTES, MAX_THUMBNAIL_BYTES } from '../../common/ipc/attachment-contract.js';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import {
  AttachmentDownloadRefused,
  AttachmentLengthMismatch,
  AttachmentUnreachable,
  downloadFile,
  downloadOnce,
  type DownloadedFile,
} from './attachment-download.js';
import { AttachmentFileDamaged, AttachmentHashMismatch, type AttachmentFiles } from './attachment-files.js';
import { isHeldUnuploaded, keyOfFile, loadEntry, markPresent, noteRemoteAttachment, touchFile } from './attachment-tables.js';
import { thumbnailProblem, type ThumbnailStore } from './thumbnail-store.js';
import type { AttachmentRecord } from './upload-queue-core.js';

/** What viewing needs of the open profile. */
export interface ViewingDeps {
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
  readonly thumbnails: ThumbnailStore;
  /** `<server origin><attachmentsPath>`, null when the profile's server has no attachment endpoint */
  readonly endpoint: string | null;
  /** Headers for each download (the bearer token), asked afresh per download. */
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  /** Default the global fetch. */
  readonly fetch?: typeof fetch;
  /** ms since the epoch; default Date.now. */
  readonly now?: () => number;
  /**
   * The reference `key` stands for in the local record holding it, and that record's field, when
   * known: a first download then notes the file with the record's content type, name and field.
   * Without it (or on null) they come from the server's answer and the field is left ''.
   */
  readonly referenceOf?: (key: string) => { readonly ref: AttachmentRef; readonly record: AttachmentRecord } | null;
}

/** The `code`s of viewing's errors. */
export const VIEWING_ERRORS = {
  /** Not on this device and the server cannot be reached (or the download was cut): it will be downloaded when online. */
  notDownloaded: 'AttachmentNotDownloaded',
  /** The server answered 404 or 403: this user may not read it, or it is gone (the two are not told apart). */
  notReadable: 'AttachmentNotReadable',
  /** The profile's server has no attachment endpoint (AppSync, or an Outpost server without attachments). */
  noEndpoint: 'AttachmentsUnavailable',
  /** The server's bytes are not the file the record references; nothing was kept. */
  corrupt: 'AttachmentCorrupt',
  /** Read before the file (or thumbnail) is on this device, e.g. evicted since it was fetched: fetch it again. */
  notPresent: 'AttachmentNotPresent',
  /** The server no longer takes this sign-in (401). */
  signedOut: 'Unauthorized',
  /** Any other answer of the server (5xx, …): worth trying again later. */
  serverError: 'ServerError',
  /** The file on this device failed its integrity check and is not on the server either (never uploaded): it cannot be read. */
  damaged: 'AttachmentDamaged',
} as const;

const SHA256 = /^[0-9a-f]{64}$/;

/** One file to make present: its key and sha-256, and what is known of its record. */
export interface ViewTarget {
  readonly key: string;
  readonly sha256: string;
  readonly located?: { readonly ref: AttachmentRef; readonly record: AttachmentRecord } | null;
  /** The access time noted for a first download (ms); default now. */
  readonly accessedAt?: number;
}

/** The model and record id a blob key names; ValidationError unless it is `<model>/<recordId>/<sha256>` with canonical URI-encoded parts. */
export function parseAttachmentKey(key: string, sha256: string): AttachmentRecord {
  const parts = key.split('/');
  const canonical = parts.length === 3 && parts.slice(0, 2).every((part) => part !== '' && part !== '.' && part !== '..' && isCanonical(part));
  if (!canonical) throw new ValidationError(`attachment key ${JSON.stringify(key)} is not <model>/<recordId>/<sha256>`, 'key');
  if (parts[2] !== sha256) throw new ValidationError(`attachment key ${JSON.stringify(key)} does not end in the file's sha-256 ${sha256}`, 'key');
  return { model: decodeURIComponent(parts[0]), recordId: decodeURIComponent(parts[1]), field: '' };
}

function isCanonical(part: string): boolean {
  try {
    return encodeURIComponent(decodeURIComponent(part)) === part;
  } catch {
    return false;
  }
}

function checkSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new ValidationError(`not a sha-256: ${JSON.stringify(sha256)} (64 lower-case hex digits)`, 'sha256');
}

/**
 * Makes the file of `target` present here: nothing to do when it is, else one download (shared by
 * concurrent askers) noted in the table as present. Throws OutpostError(noEndpoint) and the raw
 * classes of attachment-download.ts (viewingError turns them into what a user reads).
 */
export function ensurePresent(deps: ViewingDeps, target: ViewTarget, signal?: AbortSignal): Promise<'present' | 'downloaded'> {
  return downloadOnce(deps.files, target.sha256, async () => {
    if (await deps.files.exists(target.sha256)) {
      // The table may still say evicted: the same bytes can come back by another way (a staged add).
      markPresent(deps.db, target.sha256, true);
      return 'present';
    }
    if (deps.endpoint === null) throw noEndpointError();
    const located = target.located ?? null;
    const request = {
      endpoint: deps.endpoint,
      key: target.key,
      sha256: target.sha256,
      size: located?.ref.size,
      headers: await headersOf(deps),
      fetch: deps.fetch,
      signal,
    };
    const downloaded = await downloadFile(deps.files, request);
    noteDownloaded(deps, target, downloaded);
    return 'downloaded';
  });
}

async function headersOf(deps: ViewingDeps): Promise<Readonly<Record<string, string>>> {
  try {
    return await deps.headers();
  } catch (error) {
    // A token refresh that cannot reach the server is being offline, as far as this file goes.
    if (error instanceof OutpostError && error.code === 'NetworkError') throw new AttachmentUnreachable(false, { cause: error });
    throw error;
  }
}

/** Notes a downloaded file as present (and synced, so evictable) under its key. */
function noteDownloaded(deps: ViewingDeps, target: ViewTarget, downloaded: DownloadedFile): void {
  const now = target.accessedAt ?? (deps.now ?? Date.now)();
  if (loadEntry(deps.db, target.key) === null) {
    const located = target.located ?? null;
    const fromKey = parseAttachmentKey(target.key, target.sha256);
    const ref: AttachmentRef = located?.ref ?? {
      key: target.key,
      contentType: downloaded.contentType ?? 'application/octet-stream',
      size: downloaded.stored.size,
      sha256: target.sha256,
      name: downloaded.name,
    };
    noteRemoteAttachment(deps.db, ref, located?.record ?? fromKey, true, now);
  }
  markPresent(deps.db, target.sha256, true);
  touchFile(deps.db, target.sha256, now);
}

function noEndpointError(): OutpostError {
  return new OutpostError(
    VIEWING_ERRORS.noEndpoint,
    'this server keeps no files: an attachment stays on the device that added it (the server is AppSync, or an Outpost server without attachments), so it cannot be opened on this one',
  );
}

/** What a user reads for a failure of ensurePresent: an OutpostError with a VIEWING_ERRORS code. */
export function viewingError(error: unknown): unknown {
  if (error instanceof OutpostError) return error;
  if (error instanceof AttachmentUnreachable) {
    const message = error.midFile
      ? 'the download of this file was interrupted; it will be downloaded when you are online again'
      : 'this file has not been downloaded to this device yet; it will be when you are online';
    return new OutpostError(VIEWING_ERRORS.notDownloaded, message);
  }
  if (error instanceof AttachmentDownloadRefused) {
    if (error.status === 404 || error.status === 403) return new OutpostError(VIEWING_ERRORS.notReadable, 'you may not open this file, or it no longer exists');
    if (error.status === 401) return new OutpostError(VIEWING_ERRORS.signedOut, 'the server no longer accepts your sign-in: sign in again to open this file');
    const reason = error.reason === '' ? '' : `: ${error.reason}`;
    return new OutpostError(VIEWING_ERRORS.serverError, `the server could not send this file (HTTP ${error.status}${reason}); try again later`, {
      status: error.status,
    });
  }
  if (error instanceof AttachmentHashMismatch || error instanceof AttachmentLengthMismatch) {
    return new OutpostError(VIEWING_ERRORS.corrupt, `the server sent other bytes than this record references (${error.message}); nothing was kept`);
  }
  return error;
}

/** Makes the file `key` (of `sha256`) present here, downloading it on first view, and notes the view for the cache (LRU). */
export async function fetchAttachment(deps: ViewingDeps, key: string, sha256: string): Promise<{ size: number; hasThumbnail: boolean }> {
  checkSha256(sha256);
  parseAttachmentKey(key, sha256);
  const target = { key, sha256, located: deps.referenceOf?.(key) ?? null };
  try {
    await ensurePresent(deps, target).catch((error: unknown) => {
      // This view has no signal: an abort is a prefetch's that it joined (stopped by its owner), so it downloads on its own.
      if (error instanceof Error && error.name === 'AbortError') return ensurePresent(deps, target);
      throw error;
    });
  } catch (error) {
    throw viewingError(error);
  }
  touchFile(deps.db, sha256, (deps.now ?? Date.now)());
  const size = await fileSize(deps.files, sha256);
  // Evicted between the download and here: as rare as it is harmless, the next view downloads again.
  if (size === null) throw notPresentError();
  return { size, hasThumbnail: await deps.thumbnails.has(sha256) };
}

function notPresentError(): OutpostError {
  return new OutpostError(VIEWING_ERRORS.notPresent, 'this file is not on this device (it may have been removed from the cache): open it again to download it');
}

function fileSize(files: AttachmentFiles, sha256: string): Promise<number | null> {
  return files.sizeOf(sha256);
}

/** What attachmentRead asks for: bytes `offset`… (default 0), at most `length` (default and most ATTACHMENT_CHUNK_BYTES), of the file or its thumbnail. */
export interface ReadOptions {
  readonly offset?: number;
  readonly length?: number;
  readonly thumbnail?: boolean;
}

/**
 * Up to `length` bytes from `offset` of a present file (or its thumbnail) as base64, and the whole
 * file's size in bytes. A file here that fails its integrity check is never read: one the server
 * has is removed and downloaded again (then read), one only this device had is an OutpostError
 * (VIEWING_ERRORS.damaged) naming it.
 */
export async function readAttachment(deps: ViewingDeps, sha256: string, options: ReadOptions = {}): Promise<{ data: string; size: number }> {
  try {
    return await readPresent(deps, sha256, options);
  } catch (error) {
    if (!(error instanceof AttachmentFileDamaged) || options.thumbnail === true) throw error;
    if (isHeldUnuploaded(deps.db, sha256)) {
      throw new OutpostError(VIEWING_ERRORS.damaged, `${error.message}. It was never uploaded, so no copy of it can be fetched.`, { path: error.path });
    }
    console.error(`${error.message}: removed, to be downloaded again`);
    markPresent(deps.db, sha256, false);
    await deps.files.remove(sha256);
    const key = keyOfFile(deps.db, sha256);
    if (key === null) throw notPresentError();
    try {
      await ensurePresent(deps, { key, sha256, located: deps.referenceOf?.(key) ?? null });
    } catch (downloadError) {
      throw viewingError(downloadError);
    }
    return readPresent(deps, sha256, options);
  }
}

async function readPresent(deps: ViewingDeps, sha256: string, options: ReadOptions): Promise<{ data: string; size: number }> {
  checkSha256(sha256);
  const offset = options.offset ?? 0;
  const length = options.length ?? ATTACHMENT_CHUNK_BYTES;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError(`offset must be a whole number of bytes ≥ 0, got ${offset}`, 'offset');
  if (!Number.isSafeInteger(length) || length < 1 || length > ATTACHMENT_CHUNK_BYTES) {
    throw new ValidationError(`length must be a whole number of bytes from 1 to ${ATTACHMENT_CHUNK_BYTES}, got ${length}`, 'length');
  }
  if (options.thumbnail === true) {
    const bytes = await deps.thumbnails.read(sha256);
    if (bytes === null) throw new OutpostError(VIEWING_ERRORS.notPresent, 'there is no thumbnail of this file on this device');
    checkOffset(offset, bytes.byteLength, 'thumbnail');
    return { data: bytes.subarray(offset, offset + length).toString('base64'), size: bytes.byteLength };
  }
  const size = await fileSize(deps.files, sha256);
  if (size === null) throw notPresentError();
  checkOffset(offset, size, 'file');
  const end = Math.min(size, offset + length);
  if (end === offset) return { data: '', size };
  try {
    return { data: (await collect(deps.files.read(sha256, { start: offset, end: end - 1 }))).toString('base64'), size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notPresentError();
    throw error;
  }
}

function checkOffset(offset: number, size: number, what: string): void {
  if (offset > size) throw new ValidationError(`offset ${offset} is beyond the end of the ${what} (${size} bytes)`, 'offset');
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Keeps `base64` (at most MAX_THUMBNAIL_BYTES of `contentType` image bytes, checked against their
 * magic numbers) as the thumbnail of `sha256`. `stored` is false when the file is not on this
 * device (thumbnails are made of files here; it was evicted meanwhile): nothing is kept then.
 */
export async function putThumbnail(deps: ViewingDeps, sha256: string, contentType: string, base64: string): Promise<{ stored: boolean }> {
  checkSha256(sha256);
  if (!BASE64.test(base64) || base64.length % 4 !== 0) throw new ValidationError('the thumbnail data must be base64', 'data');
  // Checked before decoding, so a huge string is refused without being copied.
  if (base64.length > Math.ceil(MAX_THUMBNAIL_BYTES / 3) * 4) {
    throw new ValidationError(`the thumbnail is more than ${MAX_THUMBNAIL_BYTES} bytes; at most ${MAX_THUMBNAIL_BYTES} are kept`, 'data');
  }
  const bytes = Buffer.from(base64, 'base64');
  const problem = thumbnailProblem(contentType, bytes);
  if (problem !== null) throw new ValidationError(problem, 'thumbnail');
  if (!(await deps.files.exists(sha256))) return { stored: false };
  await deps.thumbnails.put(sha256, contentType, bytes);
  return { stored: true };
}
