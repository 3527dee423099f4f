// The attachment endpoint's settings (issue 13, server/README.md "Attachments"): on/off, where a
// SQLite server keeps blobs, the per-file and per-user size limits and the retention window for
// blobs no record references. One resolver turns the loose options of `startServer` into checked
// settings, so the config file, the CLI and programmatic callers are refused with the same words.
import { ValidationError } from '../../common/errors.js';

/** Options as `startServer` takes them (all optional; defaults below). */
export interface AttachmentOptions {
  /** Mount `/attachments/` (when the schema declares attachment fields); default true. */
  readonly enabled?: boolean;
  /** Blob directory for a SQLite database; default `<directory of the SQLite file>/attachments`. Ignored on PostgreSQL. */
  readonly directory?: string;
  /** Largest single file, bytes; default 100 MiB. */
  readonly maxFileBytes?: number;
  /** Sum of one user's files, bytes; default 5 GiB. */
  readonly maxUserBytes?: number;
  /** Age (ms) after which a blob no record references, or an unfinished upload, is removed; default 24 h. */
  readonly retentionMs?: number;
}

/** Checked settings. */
export interface AttachmentSettings {
  readonly enabled: boolean;
  readonly directory: string | undefined;
  readonly maxFileBytes: number;
  readonly maxUserBytes: number;
  readonly retentionMs: number;
}

export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_USER_BYTES = 5 * 1024 * 1024 * 1024;
export const DEFAULT_ATTACHMENT_RETENTION_MS = 24 * 60 * 60 * 1000;

function positiveWhole(value: number | undefined, fallback: number, path: string, unit: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${path} must be a whole number of ${unit} ≥ 1, got ${String(value)}`, path);
  }
  return value;
}

/** Applies defaults and checks `options`; throws ValidationError naming `attachments.<key>` and the problem. */
export function resolveAttachmentSettings(options: AttachmentOptions | undefined): AttachmentSettings {
  const enabled = options?.enabled ?? true;
  if (typeof enabled !== 'boolean') throw new ValidationError('attachments.enabled must be true or false', 'attachments.enabled');
  const directory = options?.directory;
  if (directory !== undefined && (typeof directory !== 'string' || directory.trim() === '')) {
    throw new ValidationError('attachments.directory must be a non-empty path', 'attachments.directory');
  }
  const maxFileBytes = positiveWhole(options?.maxFileBytes, DEFAULT_MAX_FILE_BYTES, 'attachments.maxFileBytes', 'bytes');
  const maxUserBytes = positiveWhole(options?.maxUserBytes, DEFAULT_MAX_USER_BYTES, 'attachments.maxUserBytes', 'bytes');
  if (maxFileBytes > maxUserBytes) {
    throw new ValidationError(
      `attachments.maxFileBytes (${maxFileBytes}) must not exceed attachments.maxUserBytes (${maxUserBytes}): no user could upload a file that large`,
      'attachments.maxFileBytes',
    );
  }
  const retentionMs = positiveWhole(options?.retentionMs, DEFAULT_ATTACHMENT_RETENTION_MS, 'attachments.retentionMs', 'milliseconds');
  return { enabled, directory, maxFileBytes, maxUserBytes, retentionMs };
}
