// The completion check every attachment passes before it becomes readable: the bytes hash to the
// declared sha-256, and a declared image type matches the bytes' magic numbers. A refusal is a
// 422 whose body says what did not match; the blob store then removes the upload.
import { DIGEST_HEAD_BYTES } from './blob-digest.js';
import type { CompletionCheck } from './blob-store.js';
import { judgeContentType, SNIFF_BYTES } from '../../common/content-sniff.js';
import { TusError } from './tus-blob-datastore.js';

// The digest's head must hold every byte the sniffer looks at.
if (DIGEST_HEAD_BYTES < SNIFF_BYTES) throw new Error(`DIGEST_HEAD_BYTES (${DIGEST_HEAD_BYTES}) is below SNIFF_BYTES (${SNIFF_BYTES})`);

/** Verifies sha-256 and content type of a finished upload from its metadata (`sha256`, `contentType`). */
export const verifyAttachment: CompletionCheck = (digest, info) => {
  const actual = digest.sha256;
  if (actual !== info.metadata.sha256) {
    throw new TusError(
      422,
      `Upload refused: the bytes received have sha-256 ${actual}, not the declared ${info.metadata.sha256}; the upload was removed, send the file again\n`,
    );
  }
  const verdict = judgeContentType(info.metadata.contentType ?? '', digest.head.subarray(0, SNIFF_BYTES));
  if (!verdict.ok) throw new TusError(422, `Upload refused: ${verdict.reason}; the upload was removed\n`);
};
