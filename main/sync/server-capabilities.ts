// What the server said it supports (the wire contract's `extensions.outpost`, PROTOCOL.md "Outpost
// decisions"): every GraphQL answer of an Outpost server carries
// `extensions.outpost = { version: 1, capabilities: [...], maxItemBytes }`; a backend without it
// (AWS AppSync) has none of Outpost's capabilities. The transport reads it from every answer
// (`readOutpostExtension`, pure) and keeps one `ServerCapabilities` per worker up to date; the
// mutation batcher, the outbox and the sync read it from there.
// DynamoDB's item limit and the capability names: one definition each, in common/.
import { DEFAULT_MAX_ITEM_BYTES } from '../../common/schema/item-size.js';
import { OUTPOST_CAPABILITIES, type Capability } from '../../common/wire-extensions.js';
import type { GraphqlAnswer } from './mutation-outcome.js';

export { DEFAULT_MAX_ITEM_BYTES };
const CAPABILITIES: readonly Capability[] = OUTPOST_CAPABILITIES;

/** `extensions.outpost` of one answer, read into types. */
export interface OutpostExtension {
  readonly version: number;
  readonly capabilities: ReadonlySet<Capability>;
  /** The largest item the server stores, in UTF-8 bytes of its JSON; null when not announced. */
  readonly maxItemBytes: number | null;
  /** First page of a sync query: records the sync would return in all, by response key (`syncSites`). */
  readonly syncTotals: Readonly<Record<string, number>>;
}

/** A transport answer with the server's announcement of that answer (absent/null: none). */
export interface AnnouncedAnswer extends GraphqlAnswer {
  readonly outpost?: OutpostExtension | null;
}

/**
 * Reads `extensions.outpost` of a response's `extensions` (anything): null when absent or not an
 * object with a numeric `version` (a backend without the announcement). Unknown capability names
 * are ignored (a newer server); malformed `maxItemBytes`/`syncTotals` entries are left out.
 */
export function readOutpostExtension(extensions: unknown): OutpostExtension | null {
  if (typeof extensions !== 'object' || extensions === null) return null;
  const outpost = (extensions as Record<string, unknown>).outpost;
  if (typeof outpost !== 'object' || outpost === null || Array.isArray(outpost)) return null;
  const { version, capabilities, maxItemBytes, syncTotals } = outpost as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isFinite(version)) return null;
  const announced = new Set<Capability>();
  if (Array.isArray(capabilities)) for (const c of capabilities) if (CAPABILITIES.includes(c as Capability)) announced.add(c as Capability);
  const totals: Record<string, number> = {};
  if (typeof syncTotals === 'object' && syncTotals !== null && !Array.isArray(syncTotals)) {
    for (const [key, value] of Object.entries(syncTotals)) if (typeof value === 'number' && Number.isInteger(value) && value >= 0) totals[key] = value;
  }
  return {
    version,
    capabilities: announced,
    maxItemBytes: typeof maxItemBytes === 'number' && Number.isInteger(maxItemBytes) && maxItemBytes > 0 ? maxItemBytes : null,
    syncTotals: totals,
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

  /** `unknown` before the first answer, `announced` when the latest answer carried the extension, else `none`. */
  get state(): CapabilityState {
    return !this.seen ? 'unknown' : this.current === null ? 'none' : 'announced';
  }

  /** True when the latest answer announced `capability`. */
  has(capability: Capability): boolean {
    return this.current?.capabilities.has(capability) ?? false;
  }

  /** The item size limit to hold saves to: the announced one, else DynamoDB's 400 KB (bytes). */
  get maxItemBytes(): number {
    return this.current?.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  }

  /** Takes in one GraphQL answer's announcement (null: the answer had none). Answers that are not GraphQL (no body read) are not passed here. */
  observe(extension: OutpostExtension | null): void {
    this.seen = true;
    this.current = extension;
  }
}
