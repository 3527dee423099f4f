// Parsed, validated subscription requests shared by identical `start` payloads. DataStore clients
// send the same few documents, so tens of thousands of subscriptions hold a handful of parsed
// documents and compiled filters instead of one each (memory), and a start skips the parse and
// validation (time). Entries are immutable; the least recently used go past `capacity`.
import type { ItemAccess } from './subscription-authorization.js';
import { lastItemMemo } from './item-access-cache.js';
import { compileSubscriptionFilter } from './subscription-filter.js';
import { parseSubscriptionRequest, type SubscriptionRequest } from './subscription-request.js';

type RequestApi = Parameters<typeof parseSubscriptionRequest>[1];

/** A request and its compiled `filter` argument. */
export interface ParsedSubscription {
  readonly request: SubscriptionRequest;
  /** The compiled filter; throws the filter's ValidationError (kept apart so authorization is still decided first). */
  filter(): ItemAccess;
}

function compiledFilter(request: SubscriptionRequest): () => ItemAccess {
  let compiled: { access: ItemAccess } | { error: unknown };
  try {
    // Shared by every subscription with this document: a fan-out round checks each item once.
    compiled = { access: lastItemMemo(compileSubscriptionFilter(request.model, request.filter)) };
  } catch (error) {
    compiled = { error };
  }
  return () => {
    if ('error' in compiled) throw compiled.error;
    return compiled.access;
  };
}

export class SubscriptionRequestCache {
  private readonly entries = new Map<string, ParsedSubscription>();

  /** `capacity`: distinct start payloads kept; default 1 000. */
  constructor(
    private readonly api: RequestApi,
    private readonly capacity = 1_000,
  ) {}

  /** The request of a `start` payload; throws as parseSubscriptionRequest does (such failures are not kept). */
  parse(payload: unknown): ParsedSubscription {
    const data = typeof payload === 'object' && payload !== null ? (payload as { data?: unknown }).data : undefined;
    // Only amplify-js's form (data as a JSON string) is a key as it stands; other forms are parsed each time.
    const key = typeof data === 'string' ? data : null;
    if (key !== null) {
      const hit = this.entries.get(key);
      if (hit) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit;
      }
    }
    const request = parseSubscriptionRequest(payload, this.api);
    const parsed: ParsedSubscription = { request, filter: compiledFilter(request) };
    if (key !== null) {
      this.entries.set(key, parsed);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    return parsed;
  }
}
