// Files at rest encrypted with a profile's key (attachments, drafts): AES-256-GCM from node:crypto
// in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), so a file of any size is
// encrypted and checked a segment at a time with flat memory, and a reordered, cut, spliced or
// altered file fails to decrypt instead of yielding altered bytes.
//
// Layout: header `OPF1` (4 bytes) + 7-byte random nonce prefix, then segments of up to 64 KiB of
// plaintext, each followed by its 16-byte tag. A segment's 12-byte nonce is prefix ‖ 32-bit
// big-endian counter ‖ last-flag byte (1 on the final segment, else 0); the header is the
// additional data of every segment. An empty file is one empty final segment.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('OPF1', 'ascii');
const PREFIX_BYTES = 7;
/** Bytes before the first segment. */
export const HEADER_BYTES = MAGIC.length + PREFIX_BYTES;
/** Plaintext bytes per segment (the last may be shorter). */
export const SEGMENT_BYTES = 64 * 1024;
/** Bytes of a segment's tag. */
export const TAG_BYTES = 16;
/** Bytes of one whole sealed segment on disk (every one but the last). */
export const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES;
const KEY_BYTES = 32;
const MAX_SEGMENTS = 2 ** 32;
/** Segments read from disk at once by readSealedRange (about 1 MiB). */
const READ_BATCH_SEGMENTS = 16;

/** A file that is not one of ours, was altered, cut short or extended, or was made with another key. */
export class FileCipherError extends Error {
  override readonly name = 'FileCipherError';
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new FileCipherError(`a file key must be ${KEY_BYTES} bytes, not ${key.length}`);
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  if (counter >= MAX_SEGMENTS) throw new FileCipherError('file too large for one key and nonce prefix');
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(counter, PREFIX_BYTES);
  n[11] = last ? 1 : 0;
  return n;
}

/** The sealed segment as its ciphertext and its tag (two buffers, not copied into one). */
function sealSegment(key: Buffer, header: Buffer, counter: number, last: boolean, plain: Buffer): [Buffer, Buffer] {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(header.subarray(MAGIC.length), counter, last));
  cipher.setAAD(header);
  const body = cipher.update(plain);
  // GCM gives out everything in update; final only computes the tag.
  cipher.final();
  return [body, cipher.getAuthTag()];
}

function openSegment(key: Buffer, header: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(header.subarray(MAGIC.length), counter, last));
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    // Only once final has checked the tag may the bytes be used.
    decipher.final();
    return plain;
  } catch {
    throw new FileCipherError(
      last ? 'file failed its check: altered, cut short, or made with another key' : 'file failed its check: altered, or made with another key',
    );
  }
}

/**
 * Seals plaintext into segments as it comes, holding back the last (only the end says which is
 * final). Resuming a file: its header, the counter of the next segment and the plaintext held back.
 */
export class SegmentSealer {
  readonly header: Buffer;
  private pending: Buffer[];
  private pendingBytes: number;
  private counter: number;
  private headerSent: boolean;

  constructor(
    private readonly key: Buffer,
    resume?: { readonly header: Buffer; readonly counter: number; readonly pending?: Buffer },
  ) {
    checkKey(key);
    this.header = resume === undefined ? Buffer.concat([MAGIC, randomBytes(PREFIX_BYTES)]) : Buffer.from(resume.header);
    if (!isSealed(this.header) || this.header.length !== HEADER_BYTES) throw new FileCipherError('not an Outpost encrypted file header');
    this.counter = resume?.counter ?? 0;
    this.pending = resume?.pending === undefined ? [] : [resume.pending];
    this.pendingBytes = resume?.pending?.length ?? 0;
    this.headerSent = resume !== undefined;
  }

  /** The sealed bytes `plain` completes (the header first, on a new file); may be empty. */
  push(plain: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (!this.headerSent) out.push(this.header);
    this.headerSent = true;
    // Segments are sealed only once a byte after them has come: only the end says which is the last.
    let rest = plain;
    if (this.pendingBytes > 0) {
      const room = SEGMENT_BYTES - this.pendingBytes;
      if (rest.length <= room) {
        this.pending.push(rest);
        this.pendingBytes += rest.length;
        return out;
      }
      this.pending.push(rest.subarray(0, room));
      out.push(...sealSegment(this.key, this.header, this.counter++, false, Buffer.concat(this.pending)));
      rest = rest.subarray(room);
      this.pending = [];
      this.pendingBytes = 0;
    }
    // Whole segments straight from the input, without copying it first.
    while (rest.length > SEGMENT_BYTES) {
      out.push(...sealSegment(this.key, this.header, this.counter++, false, rest.subarray(0, SEGMENT_BYTES)));
      rest = rest.subarray(SEGMENT_BYTES);
    }
    if (rest.length > 0) {
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
    return out;
  }

  /** The rest of the file: the final segment (after the header, on an empty new file). */
  finish(): Buffer {
    const last = sealSegment(this.key, this.header, this.counter, true, Buffer.concat(this.pending));
    const out = Buffer.concat(this.headerSent ? last : [this.header, ...last]);
    this.headerSent = true;
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }
}

/** A stream that encrypts what is written to it with `key` (32 bytes). */
export function encryptingStream(key: Buffer): Transform {
  const sealer = new SegmentSealer(key);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      // One buffer per chunk written: a file stream writes each buffer it is given with a call of its own.
      const sealed = sealer.push(chunk);
      if (sealed.length > 0) this.push(sealed.length === 1 ? sealed[0] : Buffer.concat(sealed));
      done();
    },
    flush(done: TransformCallback) {
      this.push(sealer.finish());
      done();
    },
  });
}

/** A stream that decrypts a file made by `encryptingStream` with `key`; errors with FileCipherError on any mismatch. */
export function decryptingStream(key: Buffer): Transform {
  checkKey(key);
  const sealedBytes = SEGMENT_BYTES + TAG_BYTES;
  let header: Buffer | null = null;
  let buffered: Buffer = Buffer.alloc(0);
  let counter = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        if (header === null) {
          if (buffered.length < HEADER_BYTES) return done();
          header = buffered.subarray(0, HEADER_BYTES);
          if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new FileCipherError('not an Outpost encrypted file (its header is missing)');
          header = Buffer.from(header);
          buffered = buffered.subarray(HEADER_BYTES);
        }
        // A full segment is the last only if nothing follows it, which only the end tells.
        while (buffered.length > sealedBytes) {
          this.push(openSegment(key, header, counter++, false, buffered.subarray(0, sealedBytes)));
          buffered = buffered.subarray(sealedBytes);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (header === null) throw new FileCipherError('not an Outpost encrypted file (too short for its header)');
        if (buffered.length < TAG_BYTES) throw new FileCipherError('file failed its check: cut short');
        this.push(openSegment(key, header, counter, true, buffered));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/** Size of the encrypted form of `plainBytes` bytes. */
export function encryptedSize(plainBytes: number): number {
  const segments = Math.max(1, Math.ceil(plainBytes / SEGMENT_BYTES));
  return HEADER_BYTES + plainBytes + segments * TAG_BYTES;
}

/** Plaintext bytes of an encrypted file of `fileBytes` bytes; FileCipherError when no encrypted file has that size. */
export function plainSize(fileBytes: number): number {
  const body = fileBytes - HEADER_BYTES;
  if (body < TAG_BYTES) throw new FileCipherError(`an encrypted file cannot be ${fileBytes} bytes long (cut short)`);
  const segments = Math.ceil(body / SEALED_SEGMENT_BYTES);
  const plain = body - segments * TAG_BYTES;
  if (plain < 0 || encryptedSize(plain) !== fileBytes) throw new FileCipherError(`an encrypted file cannot be ${fileBytes} bytes long (cut short)`);
  return plain;
}

/** True when `bytes` (a file's first bytes, at least 4) start as an encrypted file does. */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.equals(bytes.subarray(0, MAGIC.length));
}

/** `plain` encrypted whole with `key` (small files: drafts, thumbnails). */
export function sealBuffer(key: Buffer, plain: Uint8Array): Buffer {
  const sealer = new SegmentSealer(key);
  const buf = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  return Buffer.concat([...sealer.push(buf), sealer.finish()]);
}

/** The plaintext of `sealed` (made by sealBuffer or encryptingStream); FileCipherError on any mismatch. */
export function openBuffer(key: Buffer, sealed: Uint8Array): Buffer {
  checkKey(key);
  const file = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (file.length < HEADER_BYTES || !isSealed(file)) throw new FileCipherError('not an Outpost encrypted file (its header is missing)');
  const size = plainSize(file.length);
  const header = file.subarray(0, HEADER_BYTES);
  const count = segmentCount(size);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * SEALED_SEGMENT_BYTES;
    out.push(openSegment(key, header, i, i === count - 1, file.subarray(at, Math.min(file.length, at + SEALED_SEGMENT_BYTES))));
  }
  return Buffer.concat(out);
}

/** Segments of a file of `plainBytes` bytes (an empty file has one). */
export function segmentCount(plainBytes: number): number {
  return Math.max(1, Math.ceil(plainBytes / SEGMENT_BYTES));
}

/** Where an encrypted file's parts are: which of them, and whether its last segment is sealed as final. */
export interface SealedRange {
  /** First plaintext byte wanted. */
  readonly start: number;
  /** One past the last plaintext byte wanted (exclusive). */
  readonly end: number;
  /** Plaintext bytes of the whole file; with `complete` false (a partial download: whole non-final segments only), those segments' bytes. */
  readonly plainBytes: number;
  /** False for a file of non-final segments only (a download in progress). Default true. */
  readonly complete?: boolean;
}

/**
 * Plaintext bytes [start, end) of the encrypted file open as `handle`, decrypting only the
 * segments that hold them (positional reads, so resuming at byte N starts at N's segment);
 * yields one Buffer per segment; FileCipherError when a segment read fails its check.
 */
export async function* readSealedRange(handle: FileHandle, key: Buffer, range: SealedRange): AsyncGenerator<Buffer> {
  checkKey(key);
  const { start, end, plainBytes } = range;
  const complete = range.complete ?? true;
  if (start < 0 || end > plainBytes || start > end) throw new RangeError(`bytes ${start}-${end} are not within a file of ${plainBytes} bytes`);
  const header = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
  if (bytesRead < HEADER_BYTES || !isSealed(header)) throw new FileCipherError('not an Outpost encrypted file (its header is missing)');
  if (start === end && !(complete && plainBytes === 0)) return;
  const count = complete ? segmentCount(plainBytes) : plainBytes / SEGMENT_BYTES;
  const first = Math.floor(start / SEGMENT_BYTES);
  const last = end === start ? first : Math.floor((end - 1) / SEGMENT_BYTES);
  /** Where segment `i` starts in the file, and one past its tag. */
  const sealedStart = (i: number): number => HEADER_BYTES + i * SEALED_SEGMENT_BYTES;
  const sealedEnd = (i: number): number => sealedStart(i) + Math.min(SEGMENT_BYTES, plainBytes - i * SEGMENT_BYTES) + TAG_BYTES;
  // Several segments per read: one system call per MiB rather than one per segment.
  const batch = Buffer.alloc(Math.min(READ_BATCH_SEGMENTS, last - first + 1) * SEALED_SEGMENT_BYTES);
  for (let from = first; from <= last; from += READ_BATCH_SEGMENTS) {
    const upTo = Math.min(last, from + READ_BATCH_SEGMENTS - 1);
    const length = sealedEnd(upTo) - sealedStart(from);
    if ((await readFully(handle, batch, length, sealedStart(from))) < length) throw new FileCipherError('file failed its check: cut short');
    for (let i = from; i <= upTo; i++) {
      const sealed = batch.subarray(sealedStart(i) - sealedStart(from), sealedEnd(i) - sealedStart(from));
      const plain = openSegment(key, header, i, complete && i === count - 1, sealed);
      const skip = i === first ? start - i * SEGMENT_BYTES : 0;
      const stop = i === last ? end - i * SEGMENT_BYTES : plain.length;
      yield skip === 0 && stop === plain.length ? plain : plain.subarray(skip, stop);
    }
  }
}

async function readFully(handle: FileHandle, into: Buffer, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(into, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
