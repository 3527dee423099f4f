// The decisions of a tus 1.0 write — a creation carrying its first bytes, or a PATCH — as plain
// functions over headers and the upload's state: which requests speak the protocol, where a PATCH
// claims to continue, whether its body fits the declared length, and what a store error means to
// the client. tus-direct-writes.ts does the I/O.
import type { IncomingHttpHeaders } from 'node:http';
import { TUS_RESUMABLE } from '@tus/utils';
import type { Refusal } from './attachment-policy.js';
import { BlobNotFound, InvalidBlobId, LengthExceeded, OffsetMismatch, UploadExists, type BlobInfo } from './blob-store.js';

/** The only body type tus 1.0 writes. */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** A PATCH whose headers are in order: where it writes and how many bytes it announces (null: chunked). */
export interface PatchHeaders {
  readonly offset: number;
  readonly contentLength: number | null;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** A header that must be a whole number ≥ 0 written plainly ("007" and "1e3" are not). */
function wholeNumber(value: string): number | null {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 && String(n) === value ? n : null;
}

/** 412 unless the request says it speaks tus 1.0.0 (every request but OPTIONS must). */
export function tusVersionRefusal(headers: IncomingHttpHeaders): Refusal | null {
  const version = single(headers['tus-resumable']);
  if (version === undefined) return { status: 412, message: `Tus-Resumable: ${TUS_RESUMABLE} is required` };
  if (version !== TUS_RESUMABLE) return { status: 412, message: `this server speaks tus ${TUS_RESUMABLE}, not ${version}` };
  return null;
}

/** Whether a creation carries the upload's first bytes (creation-with-upload): only a body typed as tus bytes does. */
export function carriesUploadBytes(headers: IncomingHttpHeaders): boolean {
  return single(headers['content-type']) === OFFSET_OCTET_STREAM;
}

/** The body's announced length in bytes, or null when it is sent chunked. */
export function contentLengthOf(headers: IncomingHttpHeaders): number | null {
  const value = single(headers['content-length']);
  return value === undefined ? null : wholeNumber(value);
}

/** A creation's declared Upload-Length in bytes, or null when it is missing or not a plain whole number. */
export function uploadLengthOf(headers: IncomingHttpHeaders): number | null {
  const value = single(headers['upload-length']);
  return value === undefined ? null : wholeNumber(value);
}

/** Reads a PATCH's headers: 415 for another body type, 400 for a missing or malformed Upload-Offset or a length declared late. */
export function decidePatchHeaders(headers: IncomingHttpHeaders): PatchHeaders | Refusal {
  if (!carriesUploadBytes(headers)) return { status: 415, message: `a PATCH body must be Content-Type: ${OFFSET_OCTET_STREAM}` };
  const given = single(headers['upload-offset']);
  if (given === undefined) return { status: 400, message: 'Upload-Offset is required: the byte the body continues at (ask HEAD)' };
  const offset = wholeNumber(given);
  if (offset === null) return { status: 400, message: `Upload-Offset must be a whole number of bytes ≥ 0, got ${JSON.stringify(given)}` };
  // No creation-defer-length: the length was declared, and limits checked, at creation.
  if (headers['upload-length'] !== undefined) return { status: 400, message: 'Upload-Length is declared at creation; a PATCH cannot change it' };
  return { offset, contentLength: contentLengthOf(headers) };
}

/** 409 when a PATCH does not continue exactly where the upload is (tus: nothing is written then). */
export function offsetRefusal(given: number, upload: Pick<BlobInfo, 'offset' | 'complete'>): Refusal | null {
  if (upload.complete) return { status: 409, message: 'this upload is complete; nothing more can be written to it' };
  if (given === upload.offset) return null;
  return { status: 409, message: `Upload-Offset conflict: the upload is at byte ${upload.offset}, not ${given}; resume from the offset HEAD reports` };
}

/** 413 when a body announced as `contentLength` bytes would run past the upload's declared `length` from `offset`. */
export function bodyRefusal(offset: number, contentLength: number | null, length: number): Refusal | null {
  if (contentLength === null || offset + contentLength <= length) return null;
  return { status: 413, message: `the body's ${contentLength} bytes from byte ${offset} run past the upload's declared length of ${length} bytes` };
}

/** A refusal carried by an error: @tus/utils' `{ status_code, body }` shape (TusError and the completion check's). */
function carriedRefusal(error: unknown): Refusal | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status_code: status, body } = error as { status_code?: unknown; body?: unknown };
  if (typeof status !== 'number' || typeof body !== 'string') return null;
  return { status, message: body.replace(/\n$/, '') };
}

/** What a blob store's (or completion check's) error tells the client; null for an error that is the server's fault (500). */
export function refusalOf(error: unknown): Refusal | null {
  // The stores refuse an append to a complete upload as a mismatch at its own offset.
  if (error instanceof OffsetMismatch) return offsetRefusal(error.given, { offset: error.expected, complete: error.given === error.expected });
  if (error instanceof BlobNotFound || error instanceof InvalidBlobId) return { status: 404, message: 'no such attachment' };
  if (error instanceof LengthExceeded) return { status: 413, message: `more bytes were sent than the upload's declared length of ${error.length} bytes` };
  if (error instanceof UploadExists) {
    return { status: 409, message: 'An upload of this file for this record already exists; resume it with HEAD and PATCH on its URL' };
  }
  return carriedRefusal(error);
}
