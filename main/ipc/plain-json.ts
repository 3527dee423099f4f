// The renderer is untrusted and Electron's structured clone carries more than JSON (Dates, Maps,
// typed arrays, huge or deeply nested graphs). Every request payload must be plain JSON within
// these bounds before any schema looks at it.
import { ValidationError } from '../../common/errors.js';
import { ATTACHMENT_CHUNK_BYTES } from '../../common/ipc/attachment-contract.js';
import { MAX_TEXT_CHARACTERS } from '../../common/ipc/text-limits.js';

export interface PlainJsonLimits {
  /** Deepest nesting of arrays/objects (default 40). */
  readonly maxDepth: number;
  /** Most values in the whole payload (default 20,000). */
  readonly maxNodes: number;
  /** Longest string, in UTF-16 code units (default 1,000,000). */
  readonly maxStringLength: number;
}

/** Defaults sized well above any form the app submits. */
export const DEFAULT_LIMITS: PlainJsonLimits = { maxDepth: 40, maxNodes: 20_000, maxStringLength: MAX_TEXT_CHARACTERS };

/** For the channels that carry a file chunk: one base64 string of up to 1 MiB of bytes (the contract bounds it exactly). */
export const CHUNK_LIMITS: PlainJsonLimits = { ...DEFAULT_LIMITS, maxStringLength: Math.ceil(ATTACHMENT_CHUNK_BYTES / 3) * 4 };

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws a ValidationError naming the first place where `value` is not bounded plain JSON. */
export function assertPlainJson(value: unknown, where: string, limits: PlainJsonLimits = DEFAULT_LIMITS): void {
  let nodes = 0;
  // Iterative walk: a hostile payload nested 100k deep must not overflow the stack.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++nodes > limits.maxNodes) throw new ValidationError(`${where}: more than ${limits.maxNodes} values`, where);
    const v = item.value;
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ValidationError(`${item.path}: ${v} is not a finite number`, item.path);
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        throw new ValidationError(`${item.path}: text longer than ${limits.maxStringLength} characters`, item.path);
      }
      continue;
    }
    if (typeof v !== 'object') {
      throw new ValidationError(`${item.path}: a ${typeof v} cannot be sent (plain JSON only)`, item.path);
    }
    if (item.depth >= limits.maxDepth) {
      throw new ValidationError(`${item.path}: nested deeper than ${limits.maxDepth} levels`, item.path);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: `${item.path}[${i}]`, depth: item.depth + 1 });
      continue;
    }
    if (!isPlainObject(v)) {
      const kind = Object.prototype.toString.call(v).slice(8, -1);
      throw new ValidationError(`${item.path}: a ${kind} cannot be sent (plain JSON only)`, item.path);
    }
    for (const key of Object.keys(v)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new ValidationError(`${item.path}: key '${key}' is not allowed`, `${item.path}.${key}`);
      }
      const child = (v as Record<string, unknown>)[key];
      if (child === undefined) continue;
      stack.push({ value: child, path: `${item.path}.${key}`, depth: item.depth + 1 });
    }
  }
}
