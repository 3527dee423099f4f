// What the server said it supports (the wire contract's `extensions.outpost`, PROTOCOL.md "Outpost
// decisions"): every GraphQL answer of an Outpost server carries
// `extensions.outpost = { version: 1, capabilities: [...], maxItemBytes }`; a backend without it
// (AWS AppSync) has none of Outpost's capabilities. The transport reads it from every answer
// (`readOutpostExtension`, pure) and keeps one `ServerCapabilities` per worker up to date; the
// mutation batcher, the outbox and the sync read it from there.
// `attachments` (with `attachmentsPath`) is read too: the attachment queue uploads only where a
// server announced an endpoint (main/attachments). Reading it changes nothing that is sent.
// DynamoDB's item limit and the capability names: one definition each, in common/.
import { DEFAULT_MAX_ITEM_BYTES } from '../../common/schema/item-size.js';
import { ATTACHMENTS_CAPABILITY, OUTPOST_CAPABILITIES, type AnnouncedCapability } from '../../common/wire-extensions.js';
import type { GraphqlAnswer } from './mutation-outcome.js';

export { DEFAULT_MAX_ITEM_BYTES };
const CAPABILITIES: readonly AnnouncedCapability[] = [...OUTPOST_CAPABILITIES, ATTACHMENTS_CAPABILITY];
/**
 * An absolute path on the server's origin: one leading `/` (never `//`, which would name another
 * host), URL path characters only, no query or fragment.
 */
const SAME_ORIGIN_PATH = /^\/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,200}$/;

/** `extensions.outpost` of one answer, read into types. */
export interface OutpostExtension {
  readonly version: number;
  readonly capabilities: ReadonlySet<AnnouncedCapability>;
  /** The largest item the server stores, in UTF-8 bytes of its JSON; null when not announced. */
  readonly maxItemBytes: number | null;
  /** First page of a sync query: records the sync would return in all, by response key (`syncSites`). */
  readonly syncTotals: Readonly<Record<string, number>>;
  /** Sync response keys whose delta request the server answered with a base sync (past retention, or from before a restore); absent: none. */
  readonly baseSyncs?: readonly string[];
  /** Where the attachment endpoint is on the server's origin (`/attachments/`); null (or absent) unless `attachments` was announced with a valid path. */
  readonly attachmentsPath?: string | null;
}

/** A transport answer with the server's announcement of that answer (absent/null: none). */
export interface AnnouncedAnswer extends GraphqlAnswer {
  readonly outpost?: OutpostExtension | null;
}

/**
 * Reads `extensions.outpost` of a response's `extensions` (anything): null when absent or not an
 * object with a numeric `version` (a backend without the announcement). Unknown capability names
 * are ignored (a newer server); malformed `maxItemBytes`/`syncTotals` entries are left out, and
 * `attachments` counts only with a well-formed same-origin `attachmentsPath`.
 */
export function readOutpostExtension(extensions: unknown): OutpostExtension | null {
  if (typeof extensions !== 'object' || extensions === null) return null;
  const outpost = (extensions as Record<string, unknown>).outpost;
  if (typeof outpost !== 'object' || outpost === null || Array.isArray(outpost)) return null;
  const { version, capabilities, maxItemBytes, syncTotals, attachmentsPath, baseSyncs } = outpost as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isFinite(version)) return null;
  const announced = new Set<AnnouncedCapability>();
  if (Array.isArray(capabilities)) for (const c of capabilities) if (CAPABILITIES.includes(c as AnnouncedCapability)) announced.add(c as AnnouncedCapability);
  const path = typeof attachmentsPath === 'string' && SAME_ORIGIN_PATH.test(attachmentsPath) ? attachmentsPath : null;
  if (path === null) announced.delete(ATTACHMENTS_CAPABILITY);
  const totals: Record<string, number> = {};
  if (typeof syncTotals === 'object' && syncTotals !== null && !Array.isArray(syncTotals)) {
    for (const [key, value] of Object.entries(syncTotals)) if (typeof value === 'number' && Number.isInteger(value) && value >= 0) totals[key] = value;
  }
  return {
    version,
    capabilities: announced,
    maxItemBytes: typeof maxItemBytes === 'number' && Number.isInteger(maxItemBytes) && maxItemBytes > 0 ? maxItemBytes : null,
    syncTotals: totals,
    attachmentsPath: announced.has(ATTACHMENTS_CAPABILITY) ? path : null,
    ...(Array.isArray(baseSyncs) ? { baseSyncs: baseSyncs.filter((k): k is string => typeof k === 'string') } : {}),
  };
}

/** What is known about the server: `unknown` until its first GraphQL answer. */
export type CapabilityState = 'unknown' | 'announced' | 'none';

/**
 * The server's capabilities as its latest GraphQL answer announced them, one object per worker.
 * Before any answer and after an answer without the announcement, it has none, so nothing
 * Outpost-only (aliased batches, mutation ids) is ever sent to a backend that did not say it
 * supports it.
 */
export class ServerCapabilities {
  private current: OutpostExtension | null = null;
  private seen = false;
  private readonly attachmentListeners = new Set<(path: string | null) => void>();

  /** `unknown` before the first answer, `announced` when the latest answer carried the extension, else `none`. */
  get state(): CapabilityState {
    return !this.seen ? 'unknown' : this.current === null ? 'none' : 'announced';
  }

  /** True when the latest answer announced `capability`. */
  has(capability: AnnouncedCapability): boolean {
    return this.current?.capabilities.has(capability) ?? false;
  }

  /** The item size limit to hold saves to: the announced one, else DynamoDB's 400 KB (bytes). */
  get maxItemBytes(): number {
    return this.current?.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  }

  /** The announced attachment endpoint's path on the server's origin, or null (none, AppSync, not known yet). */
  get attachmentsPath(): string | null {
    return this.current?.attachmentsPath ?? null;
  }

  /** Calls `listener` with the new `attachmentsPath` whenever an answer changes it; returns the unsubscribe. */
  onAttachmentsPath(listener: (path: string | null) => void): () => void {
    this.attachmentListeners.add(listener);
    return () => this.attachmentListeners.delete(listener);
  }

  /** Takes in one GraphQL answer's announcement (null: the answer had none). Answers that are not GraphQL (no body read) are not passed here. */
  observe(extension: OutpostExtension | null): void {
    const before = this.attachmentsPath;
    this.seen = true;
    this.current = extension;
    if (this.attachmentsPath === before) return;
    for (const listener of [...this.attachmentListeners]) {
      try {
        listener(this.attachmentsPath);
      } catch (error) {
        console.error('attachment endpoint listener failed:', error);
      }
    }
  }
}
