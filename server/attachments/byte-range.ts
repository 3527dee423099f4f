// The single `Range: bytes=…` request header a download honours (RFC 9110 §14.1.2), as a plain
// decision: whole body, one satisfiable range, or 416. Multi-range requests get the whole body,
// which the RFC allows.
import type { ByteRange } from './blob-store.js';

export type RangeDecision = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly range: ByteRange } | { readonly kind: 'unsatisfiable' };

/** Decides how to answer `header` for a blob of `length` bytes. */
export function decideRange(header: string | undefined, length: number): RangeDecision {
  if (!header) return { kind: 'whole' };
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
