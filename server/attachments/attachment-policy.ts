// The attachment endpoint's decisions as plain functions: which route a request is, whether the
// caller may proceed (404 rather than 403 for someone who may not read the record, so a file's
// existence does not leak), and whether a declared size fits the per-file and per-user limits.
import { parseBlobId, type AttachmentTarget } from './attachment-metadata.js';

export type AttachmentRoute =
  | { readonly kind: 'create' }
  | { readonly kind: 'preflight' }
  | { readonly kind: 'download'; readonly id: string; readonly target: AttachmentTarget }
  | { readonly kind: 'tus'; readonly need: Access; readonly id: string; readonly target: AttachmentTarget }
  | { readonly kind: 'not-found' };

export type Access = 'read' | 'write';

/** Sizes in bytes. */
export interface AttachmentLimits {
  /** Largest single file. */
  readonly maxFileBytes: number;
  /** Sum of all files (complete or in progress) one user has uploaded. */
  readonly maxUserBytes: number;
}

export type Refusal = { readonly status: number; readonly message: string };

/** True when `pathname` is `prefix` itself or below it. */
export function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** Classifies a request below `prefix` (e.g. `/attachments`) by method and path. */
export function routeOf(method: string, pathname: string, prefix: string): AttachmentRoute {
  if (!isUnder(pathname, prefix)) return { kind: 'not-found' };
  if (method === 'OPTIONS') return { kind: 'preflight' };
  const rest = pathname.slice(prefix.length).replace(/^\/+/, '');
  if (rest === '' || rest === '/') return method === 'POST' ? { kind: 'create' } : { kind: 'not-found' };
  const blob = parseBlobId(rest);
  if (!blob) return { kind: 'not-found' };
  const target = { model: blob.model, recordId: blob.recordId };
  if (method === 'GET') return { kind: 'download', id: blob.id, target };
  if (method === 'HEAD') return { kind: 'tus', need: 'read', id: blob.id, target };
  if (method === 'PATCH' || method === 'DELETE') return { kind: 'tus', need: 'write', id: blob.id, target };
  return { kind: 'not-found' };
}

/** What the caller's rights on the owning record mean for a request needing `need`. */
export function decideAccess(need: Access, may: { readonly read: boolean; readonly write: boolean }): Refusal | null {
  if (need === 'read' ? may.read : may.write) return null;
  if (need === 'write' && may.read) return { status: 403, message: 'you may read this record but not add or change its attachments' };
  return { status: 404, message: 'no such attachment' };
}

/** Whether a file of `length` bytes fits, given `usedByUser` bytes already held by the uploader. */
export function decideSize(length: number, usedByUser: number, limits: AttachmentLimits): Refusal | null {
  if (length > limits.maxFileBytes) {
    return { status: 413, message: `file is ${formatBytes(length)}; the limit per file is ${formatBytes(limits.maxFileBytes)}` };
  }
  if (usedByUser + length > limits.maxUserBytes) {
    const left = Math.max(0, limits.maxUserBytes - usedByUser);
    return {
      status: 413,
      message: `file is ${formatBytes(length)}, but only ${formatBytes(left)} of your ${formatBytes(limits.maxUserBytes)} limit per user is left`,
    };
  }
  return null;
}

/** `1234567` → `"1234567 bytes (1.2 MB)"`: exact for machines, rounded for people. */
export function formatBytes(bytes: number): string {
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return unit === '' ? `${bytes} bytes` : `${bytes} bytes (${value.toFixed(1)} ${unit})`;
}
