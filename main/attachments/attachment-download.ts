// Downloading a file from the server (DESIGN.md "Attachments"): GET the record-scoped blob URL,
// stream the body into the file store while hashing (never the whole file in memory), keep it
// only when it hashes to the reference's sha-256. A download cut midway keeps what arrived and the
// next one continues with `Range: bytes=N-` (If-Range: the blob's entity tag, its sha-256); the
// hash is checked over the whole file, and bytes kept from before that turn out not to be the
// start of this file (changed under the partial copy, or damaged) are dropped and the file fetched
// once more from its first byte (as is a kept copy that fails its integrity check, in an
// encrypted store). Failures are told apart by class so that callers
// can say what a user can do: refused by the server (AttachmentDownloadRefused), not reachable or
// cut mid-file (AttachmentUnreachable), wrong bytes (AttachmentHashMismatch, AttachmentLengthMismatch).
// One download per file at a time per profile: a second asker joins the first (downloadOnce).
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type Database from 'better-sqlite3';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import { AttachmentHashMismatch, PartialCopyDamaged, type AttachmentFiles, type StoredFile } from './attachment-files.js';
import { markPresent, noteRemoteAttachment, touchFile } from './attachment-tables.js';
import type { AttachmentRecord } from './upload-queue-core.js';

/** The server would not give the file; `status` 404 also means "you may not read it". */
export class AttachmentDownloadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`download refused (${status}): ${reason}`);
    this.name = 'AttachmentDownloadRefused';
  }
}

/** No answer from the server (connection refused, DNS, TLS), or the connection broke mid-file (`midFile`). */
export class AttachmentUnreachable extends Error {
  constructor(
    readonly midFile: boolean,
    options: { readonly cause: unknown },
  ) {
    super(`${midFile ? 'the download was cut' : 'cannot reach the server'}: ${messageOf(options.cause)}`, options);
    this.name = 'AttachmentUnreachable';
  }
}

/** The server sent more bytes than the reference's size; nothing was kept. */
export class AttachmentLengthMismatch extends Error {
  constructor(readonly expected: number) {
    super(`the server sent more than the ${expected} bytes the reference declares`);
    this.name = 'AttachmentLengthMismatch';
  }
}

/** One download. */
export interface DownloadRequest {
  /** The attachment endpoint, e.g. `https://server/attachments/` (a trailing slash or not). */
  readonly endpoint: string;
  /** The blob key, `<model>/<recordId>/<sha256>` with each part URI-encoded. */
  readonly key: string;
  readonly sha256: string;
  /** Bytes, when known: a longer body is cut off and refused. */
  readonly size?: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Default the global fetch. */
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** A downloaded file and what the server said of it. */
export interface DownloadedFile {
  readonly stored: StoredFile;
  /** The response's Content-Type without parameters, or null. */
  readonly contentType: string | null;
  /** The file name in Content-Disposition, or null. */
  readonly name: string | null;
}

/** The URL of `key` below `endpoint`. */
export function attachmentUrl(endpoint: string, key: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${key}`;
}

/** Downloads `request.key` into `files`, verified against `request.sha256`, continuing a partial copy; throws the classes in the header, or the signal's reason when aborted. */
export async function downloadFile(files: AttachmentFiles, request: DownloadRequest): Promise<DownloadedFile> {
  const from = resumeOffset(await files.partialSize(request.sha256), request.size);
  try {
    return await downloadFrom(files, request, from);
  } catch (error) {
    if (from === 0 || !(error instanceof AttachmentHashMismatch || error instanceof PartialCopyMismatch || error instanceof PartialCopyDamaged)) throw error;
    await files.removePartial(request.sha256);
    return downloadFrom(files, request, 0);
  }
}

/**
 * Where a download continues given `have` bytes kept and the declared `size`: after them, but
 * never past the last byte (a copy whole but not yet kept fetches that byte again, so the request
 * is satisfiable), and from 0 when the copy is longer than the file.
 */
export function resumeOffset(have: number, size: number | undefined): number {
  if (size === undefined) return have;
  if (have > size || size === 0) return 0;
  return Math.min(have, size - 1);
}

/** The server's answer does not continue the partial copy (a range other than asked, a file of another length): start over. */
class PartialCopyMismatch extends Error {
  override readonly name = 'PartialCopyMismatch';
}

async function downloadFrom(files: AttachmentFiles, request: DownloadRequest, from: number): Promise<DownloadedFile> {
  const doFetch = request.fetch ?? fetch;
  const headers: Record<string, string> = { ...request.headers };
  if (from > 0) {
    headers.Range = `bytes=${from}-`;
    headers['If-Range'] = `"${request.sha256}"`;
  }
  let response: Response;
  try {
    response = await doFetch(attachmentUrl(request.endpoint, request.key), { headers, signal: request.signal });
  } catch (error) {
    throw request.signal?.aborted === true ? request.signal.reason : new AttachmentUnreachable(false, { cause: error });
  }
  if (from > 0 && response.status === 416) {
    await response.body?.cancel().catch(() => undefined);
    throw new PartialCopyMismatch(`the server cannot send bytes ${from}- of ${request.key}`);
  }
  if (!response.ok || response.body === null) {
    const reason = await response.text().catch(() => '');
    throw new AttachmentDownloadRefused(response.status, reason.trim());
  }
  // 200 to a ranged request: the server sends the whole file (its copy is not ours): start over.
  const start = response.status === 206 ? from : 0;
  if (response.status === 206) {
    const range = contentRangeOf(response.headers);
    if (range === null || range.start !== from || (request.size !== undefined && range.total !== null && range.total !== request.size)) {
      await response.body.cancel().catch(() => undefined);
      throw new PartialCopyMismatch(`the server answered bytes ${response.headers.get('content-range') ?? '?'} to a request for ${from}-`);
    }
  }
  const expected = request.size === undefined ? Infinity : request.size - start;
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (request.size !== undefined && Number.isFinite(declared) && declared > expected) {
    await response.body.cancel().catch(() => undefined);
    throw new AttachmentLengthMismatch(request.size);
  }
  let stored: StoredFile;
  try {
    const body = Readable.from(atMost(response.body as WebReadableStream<Uint8Array>, expected, request.size ?? Infinity), { objectMode: false });
    stored = await files.addDownloaded(request.sha256, start, body);
  } catch (error) {
    if (request.signal?.aborted === true) throw request.signal.reason;
    if (error instanceof AttachmentLengthMismatch) await files.removePartial(request.sha256);
    if (error instanceof AttachmentLengthMismatch || error instanceof AttachmentHashMismatch || error instanceof PartialCopyDamaged) throw error;
    throw new AttachmentUnreachable(true, { cause: error });
  }
  return { stored, contentType: contentTypeOf(response.headers), name: fileNameOf(response.headers) };
}

/** `Content-Range: bytes start-end/total` (total null for `*`), or null when it is not that. */
function contentRangeOf(headers: Headers): { readonly start: number; readonly total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headers.get('content-range')?.trim() ?? '');
  if (match === null) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

/**
 * The body's chunks, failing with AttachmentLengthMismatch (of the file's `size`) past `limit` bytes. A generator, so that
 * when the file store stops reading (an error on its side) the response body is cancelled too.
 */
async function* atMost(body: AsyncIterable<Uint8Array>, limit: number, size: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.byteLength;
    if (seen > limit) throw new AttachmentLengthMismatch(size);
    yield chunk;
  }
}

function contentTypeOf(headers: Headers): string | null {
  const value = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return value === undefined || value === '' ? null : value;
}

/** The name in `Content-Disposition` (`filename*=UTF-8''…` preferred, then `filename="…"`), or null. */
function fileNameOf(headers: Headers): string | null {
  const disposition = headers.get('content-disposition') ?? '';
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      return null;
    }
  }
  return /filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

const inFlight = new WeakMap<AttachmentFiles, Map<string, Promise<unknown>>>();

/**
 * Runs `task` for the file `sha256` of `files` unless one is under way, whose promise is answered
 * instead: two views of one file (or a view during prefetch) download it once. Checked before any
 * await, so two calls in one tick share one task.
 */
export function downloadOnce<T>(files: AttachmentFiles, sha256: string, task: () => Promise<T>): Promise<T> {
  let running = inFlight.get(files);
  if (running === undefined) {
    running = new Map();
    inFlight.set(files, running);
  }
  const joined = running.get(sha256) as Promise<T> | undefined;
  if (joined !== undefined) return joined;
  const started = task().finally(() => running.delete(sha256));
  running.set(sha256, started);
  return started;
}

export interface DownloadContext {
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
  /** The attachment endpoint, e.g. `https://server/attachments`. */
  readonly endpoint: string;
  /** Headers for the request (the bearer token). */
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  /** ms since the epoch; default Date.now. */
  readonly now?: () => number;
}

/**
 * The local path of `ref`'s file (its encrypted form when the store is encrypted: read it through
 * AttachmentFiles.read), downloading it first when it is not here; throws
 * AttachmentDownloadRefused on a refusal and AttachmentHashMismatch (nothing kept) on wrong bytes.
 */
export async function openAttachment(context: DownloadContext, ref: AttachmentRef, record: AttachmentRecord): Promise<string> {
  const now = (context.now ?? Date.now)();
  if (!(await context.files.exists(ref.sha256))) {
    const request = { endpoint: context.endpoint, key: ref.key, sha256: ref.sha256, size: ref.size, headers: await context.headers() };
    await downloadOnce(context.files, ref.sha256, () => downloadFile(context.files, request));
  }
  noteRemoteAttachment(context.db, ref, record, true, now);
  markPresent(context.db, ref.sha256, true);
  touchFile(context.db, ref.sha256, now);
  return context.files.pathOf(ref.sha256);
}
