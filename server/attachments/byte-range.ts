// The single `Range: bytes=…` request header a download honours (RFC 9110 §14.1.2), as a plain
// decision: whole body, one satisfiable range, or 416. Multi-range requests get the whole body,
// which the RFC allows. An `If-Range` that is not the blob's entity tag (the client's partial copy
// is of other bytes) gets the whole body too (§13.1.5), so a resumed download starts over.
import type { ByteRange } from './blob-store.js';

export type RangeDecision = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly range: ByteRange } | { readonly kind: 'unsatisfiable' };

/** Decides how to answer `header` for a blob of `length` bytes whose entity tag is `etag`, given the request's `ifRange`. */
export function decideRange(header: string | undefined, length: number, ifRange?: string, etag?: string): RangeDecision {
  if (!header) return { kind: 'whole' };
  // Strong comparison: a weak tag or a date never matches (the blob has no Last-Modified).
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  if (length === 0) return { kind: 'unsatisfiable' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, length - suffix), end: length - 1 } };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  if (start >= length || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}
