// Files between the page and main over the attachment channels (common/ipc/attachment-contract.ts):
// staging a picked, dropped, pasted or captured file in 1 MiB base64 chunks, reading a present file
// (or its thumbnail) back into a Blob, and making a thumbnail on a canvas, which main keeps.
import { ATTACHMENT_CHUNK_BYTES, MAX_THUMBNAIL_BYTES, type StagedFile } from '../common/ipc/attachment-contract.js';
import type { AttachmentRef } from '../common/schema/attachment-ref.js';
import { api } from './api.js';
import { base64ToBytes, bytesToBase64, chunkRanges, isImageType, stagingContentType, stagingName } from './attachment-view.js';

/** Bytes per staged chunk: the contract's most (main's plain-JSON check lets the chunk channel carry a whole one). */
export const STAGE_CHUNK_BYTES = ATTACHMENT_CHUNK_BYTES;

/** Width of a thumbnail (CSS pixels); the height keeps the picture's proportions. */
export const THUMBNAIL_WIDTH = 320;

/**
 * Adds `file` to the profile's store: begin, its bytes chunk by chunk in order, end. `onProgress`
 * gets the bytes main has received so far. A failure cancels the staging (nothing half-kept) and
 * rethrows main's error.
 */
export async function stageFile(file: Blob, name: string, onProgress: (received: number) => void): Promise<StagedFile> {
  const { stageId } = await api.attachmentStageBegin({ name: stagingName(name, 'file'), contentType: stagingContentType(file.type) });
  try {
    for (const [offset, length] of chunkRanges(file.size, STAGE_CHUNK_BYTES)) {
      const bytes = new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
      const { received } = await api.attachmentStageChunk({ stageId, data: bytesToBase64(bytes) });
      onProgress(received);
    }
    return await api.attachmentStageEnd({ stageId });
  } catch (error) {
    await api.attachmentStageCancel({ stageId }).catch(() => undefined);
    throw error;
  }
}

/** The bytes of a file present on this device (or of its thumbnail) as a Blob of `contentType`, read 1 MiB at a time. */
export async function readPresent(sha256: string, contentType: string, thumbnail = false): Promise<Blob> {
  const parts: Array<Uint8Array<ArrayBuffer>> = [];
  let offset = 0;
  let total = 0;
  do {
    const answer = await api.attachmentRead({ sha256, offset, length: ATTACHMENT_CHUNK_BYTES, ...(thumbnail ? { thumbnail: true } : {}) });
    const bytes = base64ToBytes(answer.data);
    total = answer.size;
    if (bytes.length === 0) break;
    parts.push(bytes);
    offset += bytes.length;
  } while (offset < total);
  return new Blob(parts, { type: contentType });
}

/** A WebP thumbnail of the picture in `blob` (THUMBNAIL_WIDTH wide), or null when it cannot be drawn or is too large to keep. */
export async function makeThumbnail(blob: Blob): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(blob, { resizeWidth: THUMBNAIL_WIDTH, resizeQuality: 'medium' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (context === null) return null;
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    for (const quality of [0.8, 0.5]) {
      const out = await canvas.convertToBlob({ type: 'image/webp', quality });
      if (out.size <= MAX_THUMBNAIL_BYTES) return out;
    }
    return null;
  } catch {
    return null;
  }
}

/** Makes and keeps the thumbnail of the picture `blob` (the file `sha256`, present here); answers it, or null when none could be made. */
export async function keepThumbnail(sha256: string, blob: Blob): Promise<Blob | null> {
  const thumbnail = await makeThumbnail(blob);
  if (thumbnail === null) return null;
  const data = bytesToBase64(new Uint8Array(await thumbnail.arrayBuffer()));
  await api.attachmentThumbnailPut({ sha256, contentType: 'image/webp', data }).catch(() => undefined);
  return thumbnail;
}

/** Makes the file of `ref` present here (downloading it on first view; a staged file already is): its size and whether a thumbnail is kept. */
export async function fetchAttachment(ref: AttachmentRef): Promise<{ readonly size: number; readonly hasThumbnail: boolean }> {
  if (ref.key === '') return { size: ref.size, hasThumbnail: false };
  return api.attachmentFetch({ key: ref.key, sha256: ref.sha256 });
}

/**
 * The thumbnail of `ref`: the one kept here; else, when `download` is true, the file is made
 * present and, for a picture, a thumbnail is drawn and kept. Null when there is none to show.
 */
export async function thumbnailOf(ref: AttachmentRef, download: boolean): Promise<Blob | null> {
  const kept = await readPresent(ref.sha256, 'image/webp', true).catch(() => null);
  if (kept !== null && kept.size > 0) return kept;
  if (!download || !isImageType(ref.contentType)) return null;
  await fetchAttachment(ref);
  return keepThumbnail(ref.sha256, await readPresent(ref.sha256, ref.contentType));
}
