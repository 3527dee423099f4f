// Prefetch (DESIGN.md "Attachments", the `prefetch` setting): downloads the files of records synced
// to this device ahead of their first view, newest records first, one at a time, until the cache
// would pass its limit. Prefetch never evicts to make room (a viewed file outranks one nobody
// opened yet) and never throws for one file: a refused or broken file is counted and the next
// one tried; being offline, signed out or aborted stops the run. Keeping the cache under its limit
// afterwards (a smaller limit, files viewed since) is enforceCacheLimit's job, in attachment-cache.ts.
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import { AttachmentDownloadRefused, AttachmentUnreachable } from './attachment-download.js';
import { cachedBytes, DEFAULT_CACHE_LIMIT_BYTES } from './attachment-cache.js';
import { loadEntry, noteRemoteAttachment } from './attachment-tables.js';
import { ensurePresent, type ViewingDeps } from './attachment-viewing.js';

export { enforceCacheLimit } from './attachment-cache.js';

/** One file a synced record references. */
export interface PrefetchItem {
  readonly ref: AttachmentRef;
  readonly model: string;
  readonly recordId: string;
  readonly field: string;
  /** When the record last changed (ms since the epoch): newer first; items without it keep their order, after those with it. */
  readonly updatedAt?: number;
}

export interface PrefetchOptions {
  /** Stops the run (the file under way is dropped, counted as skipped). */
  readonly signal?: AbortSignal;
  /** Most bytes the cache may hold after prefetching (the cache limit); default DEFAULT_CACHE_LIMIT_BYTES. */
  readonly maxBytes?: number;
}

/** Files downloaded, skipped (already here, past the limit, or not reached), and failed. Each distinct key is counted once. */
export interface PrefetchResult {
  readonly downloaded: number;
  readonly skipped: number;
  readonly failed: number;
}

/** `items` once per key, newest first by `updatedAt` (a stable order otherwise). */
export function prefetchOrder(items: Iterable<PrefetchItem>): PrefetchItem[] {
  const byKey = new Map<string, PrefetchItem>();
  for (const item of items) if (!byKey.has(item.ref.key)) byKey.set(item.ref.key, item);
  return [...byKey.values()].sort((a, b) => (b.updatedAt ?? -Infinity) - (a.updatedAt ?? -Infinity));
}

/** How one failed download bears on the rest of the run: stop when every next file would fail the same way. */
function stopsTheRun(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted === true) return true;
  if (error instanceof AttachmentUnreachable) return !error.midFile;
  return error instanceof AttachmentDownloadRefused && error.status === 401;
}

/** Downloads the files of `refs` not on this device yet, newest first, until the cache would hold more than `options.maxBytes`. */
export async function prefetchAttachments(deps: ViewingDeps, refs: Iterable<PrefetchItem>, options: PrefetchOptions = {}): Promise<PrefetchResult> {
  const items = prefetchOrder(refs);
  const limit = options.maxBytes ?? DEFAULT_CACHE_LIMIT_BYTES;
  const now = (deps.now ?? Date.now)();
  let total = cachedBytes(deps.db);
  let downloaded = 0;
  let failed = 0;
  // A function, not the property read inline: the loop awaits between two reads of it.
  const aborted = (): boolean => options.signal?.aborted === true;
  for (const [index, item] of items.entries()) {
    if (aborted()) break;
    const record = { model: item.model, recordId: item.recordId, field: item.field };
    // Newer records rank as more recently used, so a later eviction drops the oldest prefetched first.
    const accessedAt = now - index;
    if (await deps.files.exists(item.ref.sha256)) {
      if (loadEntry(deps.db, item.ref.key) === null) noteRemoteAttachment(deps.db, item.ref, record, true, accessedAt);
      continue;
    }
    if (deps.endpoint === null || total + item.ref.size > limit) break;
    try {
      const outcome = await ensurePresent(deps, { key: item.ref.key, sha256: item.ref.sha256, located: { ref: item.ref, record }, accessedAt }, options.signal);
      if (outcome === 'downloaded') {
        downloaded++;
        total += item.ref.size;
      }
    } catch (error) {
      if (aborted()) break;
      failed++;
      if (stopsTheRun(error, options.signal)) break;
    }
  }
  return { downloaded, skipped: items.length - downloaded - failed, failed };
}
