// The port every attachment blob goes through: a resumable upload that becomes a readable blob
// once its last byte has arrived and its completion check has passed. Two implementations —
// a directory (disk-blob-store.ts) and PostgreSQL (postgres-blob-store.ts) — share one
// suite (test/integration/attachments/blob-store-suite.test.ts).
// Everything is streamed: no implementation holds a whole blob in memory.
import type { Readable } from 'node:stream';
import type { BlobDigest } from './blob-digest.js';

/** What is known about one upload, complete or not. */
export interface BlobInfo {
  /** Opaque id chosen by the caller (attachments use `<model>/<recordId>/<sha256>`). */
  readonly id: string;
  /** Declared total size in bytes. */
  readonly length: number;
  /** Bytes received so far; equals `length` once complete. */
  readonly offset: number;
  /** The user the bytes count against (per-user quota). */
  readonly owner: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  /** True once every byte arrived and the completion check passed: only then is it readable. */
  readonly complete: boolean;
}

export interface CreateUpload {
  readonly id: string;
  readonly length: number;
  readonly owner: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Runs on the whole blob's digest (sha-256 and first bytes, blob-digest.ts) before it becomes
 * readable; throwing refuses it (the store then deletes the upload and rethrows the same error to
 * the caller of `append`). The store computes the digest while writing where it can, else by
 * reading the blob back once.
 */
export type CompletionCheck = (digest: BlobDigest, info: BlobInfo) => Promise<void> | void;

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Every method taking an id throws InvalidBlobId for one that is not an id (see assertBlobId), before touching storage. */
export interface BlobStore {
  /** Creates an empty upload; `UploadExists` if the id is taken, RangeError for a length that is not whole bytes ≥ 0. A 0-byte upload completes on its first `append`. */
  create(upload: CreateUpload): Promise<BlobInfo>;
  /**
   * Appends `bytes` at `offset` and returns the new offset. `OffsetMismatch` (nothing written) when
   * `offset` is not the current one; `LengthExceeded` past the declared length. Bytes that arrived
   * before the stream ended or failed are kept, so a client resumes from the returned/HEAD offset.
   * When the last byte arrives, `check` runs and the blob completes atomically or is deleted.
   */
  append(id: string, offset: number, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, check?: CompletionCheck): Promise<number>;
  /** The upload's state, or null when there is none. */
  info(id: string): Promise<BlobInfo | null>;
  /** Streams a complete blob (or an inclusive byte range of it); `BlobNotFound` when missing or incomplete. */
  read(id: string, range?: ByteRange): Promise<Readable>;
  /** Removes an upload or blob; no-op when missing. */
  delete(id: string): Promise<void>;
  /** Uploads and blobs created before `time` (retention cleanup decides which to delete). */
  listOlderThan(time: Date): Promise<BlobInfo[]>;
  /** Sum of declared lengths (bytes) of every upload and blob `owner` has. */
  bytesOwnedBy(owner: string): Promise<number>;
  close(): Promise<void>;
}

export class BlobNotFound extends Error {
  override readonly name = 'BlobNotFound';
  constructor(readonly id: string) {
    super(`no blob ${id}`);
  }
}

export class UploadExists extends Error {
  override readonly name = 'UploadExists';
  constructor(readonly id: string) {
    super(`an upload ${id} already exists`);
  }
}

export class OffsetMismatch extends Error {
  override readonly name = 'OffsetMismatch';
  constructor(
    readonly id: string,
    readonly expected: number,
    readonly given: number,
  ) {
    super(`upload ${id} is at offset ${expected}, not ${given}`);
  }
}

export class LengthExceeded extends Error {
  override readonly name = 'LengthExceeded';
  constructor(
    readonly id: string,
    readonly length: number,
  ) {
    super(`upload ${id} is declared as ${length} bytes; more were sent`);
  }
}

export class InvalidBlobId extends Error {
  override readonly name = 'InvalidBlobId';
  constructor(
    readonly id: string,
    readonly reason: string,
  ) {
    super(`blob id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)} ${reason}`);
  }
}

/**
 * The upload's state, first completing one whose every byte arrived but whose completion did not
 * run (the process stopped in between): `check` runs now, as the last append would have run it.
 */
export async function currentUpload(store: BlobStore, id: string, check?: CompletionCheck): Promise<BlobInfo | null> {
  const info = await store.info(id);
  if (!info || info.complete || info.offset !== info.length) return info;
  await store.append(id, info.offset, [], check);
  return store.info(id);
}

/**
 * Longest blob id, in characters: the longest attachment key a record may hold (attachmentRefProblem
 * in common/schema/attachment-ref.ts), and short enough for PostgreSQL's primary-key index.
 */
export const MAX_BLOB_ID_LENGTH = 2048;

/** True when `text` holds a C0 control or DEL: PostgreSQL text cannot hold NUL, and none belongs in a key. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Checks an id before any store touches it; throws InvalidBlobId saying what is wrong. */
export function assertBlobId(id: string): void {
  if (id === '') throw new InvalidBlobId(id, 'is empty: an upload needs an id');
  if (id.length > MAX_BLOB_ID_LENGTH) throw new InvalidBlobId(id, `has ${id.length} characters; at most ${MAX_BLOB_ID_LENGTH} are allowed`);
  if (hasControlCharacter(id)) throw new InvalidBlobId(id, 'contains a control character');
}

/** Checks a declared upload length; throws RangeError when it is not a whole number of bytes ≥ 0. */
export function assertLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`upload length must be a whole number of bytes ≥ 0, got ${length}`);
}

/** Checks a range against a blob length; throws RangeError when it does not fit. */
export function assertRange(range: ByteRange, length: number): void {
  const ok = Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.end >= range.start && range.end < length;
  if (!ok) throw new RangeError(`range ${range.start}-${range.end} does not fit a blob of ${length} bytes`);
}
