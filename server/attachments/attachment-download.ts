// GET of a completed attachment: streamed from the blob store with single-range support,
// conditional on its ETag (the sha-256, so it never changes), and served so a browser cannot be
// made to run it: images whose type was checked against their bytes are inline, everything else
// is a download; nosniff and a sandboxing CSP either way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, type BlobStore } from './blob-store.js';
import { decideRange } from './byte-range.js';
import { isCheckedImageType } from '../../common/content-sniff.js';

/** Answers a download of blob `id`; 404 when it is missing or not complete. */
export async function sendAttachment(store: BlobStore, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const info = await store.info(id);
  if (!info?.complete) return sendText(res, 404, 'no such attachment');
  const etag = `"${info.metadata.sha256 ?? id}"`;
  const contentType = info.metadata.contentType ?? 'application/octet-stream';
  const filename = encodeURIComponent(info.metadata.filename ?? 'attachment');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `${isCheckedImageType(contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  // Repeated If-Range headers match no entity tag: the whole body.
  const decision = decideRange(req.headers.range, info.length, Array.isArray(ifRange) ? '' : ifRange, etag);
  if (decision.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${info.length}`);
    return sendText(res, 416, `range ${req.headers.range ?? ''} is outside the ${info.length} bytes of this attachment`);
  }
  const range = decision.kind === 'partial' ? decision.range : undefined;
  let body;
  try {
    body = await store.read(id, range);
  } catch (error) {
    if (error instanceof BlobNotFound) return sendText(res, 404, 'no such attachment');
    throw error;
  }
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.length}`);
  res.writeHead(range ? 206 : 200, { 'Content-Length': range ? range.end - range.start + 1 : info.length });
  // A client that goes away mid-download ends the pipeline with an error; nothing to answer then.
  await pipeline(body, res).catch(() => undefined);
}

/** Ends `res` with a plain-text message (one line). */
export function sendText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
