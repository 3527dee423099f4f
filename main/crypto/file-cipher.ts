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
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('OPF1', 'ascii');
const PREFIX_BYTES = 7;
/** Bytes before the first segment. */
export const HEADER_BYTES = MAGIC.length + PREFIX_BYTES;
/** Plaintext bytes per segment (the last may be shorter). */
export const SEGMENT_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MAX_SEGMENTS = 2 ** 32;

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

function sealSegment(key: Buffer, header: Buffer, counter: number, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(header.subarray(MAGIC.length), counter, last));
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]);
}

function openSegment(key: Buffer, header: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(header.subarray(MAGIC.length), counter, last));
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new FileCipherError(
      last ? 'file failed its check: altered, cut short, or made with another key' : 'file failed its check: altered, or made with another key',
    );
  }
}

/** A stream that encrypts what is written to it with `key` (32 bytes). */
export function encryptingStream(key: Buffer): Transform {
  checkKey(key);
  const header = Buffer.concat([MAGIC, randomBytes(PREFIX_BYTES)]);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let counter = 0;
  let headerSent = false;
  const emitHeader = (stream: Transform) => {
    if (!headerSent) stream.push(header);
    headerSent = true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      emitHeader(this);
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Keep at least one byte back: only at the end do we know which segment is the last.
      while (pendingBytes > SEGMENT_BYTES) {
        const all = Buffer.concat(pending);
        this.push(sealSegment(key, header, counter++, false, all.subarray(0, SEGMENT_BYTES)));
        const rest = all.subarray(SEGMENT_BYTES);
        pending = [rest];
        pendingBytes = rest.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      emitHeader(this);
      this.push(sealSegment(key, header, counter, true, Buffer.concat(pending)));
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
