// Pagination tokens: opaque to clients, HMAC-SHA256 signed with the server secret so a forged or
// edited token is refused, and bound to the query it came from (model, operation, filter, caller).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './resolver-errors.js';

/** Where a paginated read resumes. `cursor`: last primary key (base/list), change seq (delta), JSON `[sort, key]` (index). */
export interface PageCursor {
  readonly kind: 'base' | 'delta' | 'list' | 'index';
  readonly cursor: string | number;
  /** Sync only: the first page's `startedAt` (epoch ms), repeated on every page. */
  readonly startedAt?: number;
  /** Delta only: the `lastSync` the chain started from (epoch ms). */
  readonly since?: number;
  /** Digest of what the token is valid for (model, field, filter, caller). */
  readonly scope: string;
}

/** Digest binding a token to one query shape and caller. */
export function tokenScope(parts: readonly unknown[]): string {
  return createHmac('sha256', 'outpost-token-scope').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/** Signs and encodes a cursor as an opaque token. */
export function encodeNextToken(cursor: PageCursor, secret: string): string {
  const body = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  const mac = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** Verifies and decodes a token for `scope`; throws BadRequest for anything forged, edited or reused elsewhere. */
export function decodeNextToken(token: string, secret: string, scope: string): PageCursor {
  const invalid = (): never => {
    throw badRequest('Invalid nextToken: pass back exactly the nextToken of the previous page of the same query', 'nextToken');
  };
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 2048) return invalid();
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', secret).update(body).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  const c = parsed as Partial<PageCursor>;
  if (typeof c !== 'object' || c === null || c.scope !== scope) return invalid();
  if (c.kind !== 'base' && c.kind !== 'delta' && c.kind !== 'list' && c.kind !== 'index') return invalid();
  if (typeof c.cursor !== 'string' && typeof c.cursor !== 'number') return invalid();
  return c as PageCursor;
}
