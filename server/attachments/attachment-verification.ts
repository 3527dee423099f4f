// The completion check every attachment passes before it becomes readable: the bytes hash to the
// declared sha-256, and a declared image type matches the bytes' magic numbers. A refusal is a
// 422 whose body says what did not match; the blob store then removes the upload.
import { createHash } from 'node:crypto';
import type { CompletionCheck } from './blob-store.js';
import { judgeContentType, SNIFF_BYTES } from '../../common/content-sniff.js';
import { TusError } from './tus-blob-datastore.js';

/** Verifies sha-256 and content type of a finished upload from its metadata (`sha256`, `contentType`). */
export const verifyAttachment: CompletionCheck = async (bytes, info) => {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  for await (const chunk of bytes) {
    const piece = chunk as Buffer;
    if (head.length < SNIFF_BYTES) head = Buffer.concat([head, piece.subarray(0, SNIFF_BYTES - head.length)]);
    hash.update(piece);
  }
  const actual = hash.digest('hex');
  if (actual !== info.metadata.sha256) {
    throw new TusError(
      422,
      `Upload refused: the bytes received have sha-256 ${actual}, not the declared ${info.metadata.sha256}; the upload was removed, send the file again\n`,
    );
  }
  const verdict = judgeContentType(info.metadata.contentType ?? '', head);
  if (!verdict.ok) throw new TusError(422, `Upload refused: ${verdict.reason}; the upload was removed\n`);
};
