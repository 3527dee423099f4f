// A profile's attachment settings (common/ipc/attachment-contract.ts `attachmentSettingsShape`):
// uploads paused (a metered link), prefetch of synced records' files, and the cache limit, kept
// beside the profile's database in attachment-settings.json as main/sync-settings.ts keeps its own.
// Reading is a plain function over the file's text: a missing or damaged file (or a value out of
// range) means the default for that value, never a crash.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../common/errors.js';
import { attachmentSettingsShape, type AttachmentSettings } from '../../common/ipc/attachment-contract.js';
import { writeFileAtomically } from '../atomic-file.js';

/** Until the user saves some: uploads on, no prefetch, 1 GiB of others' files kept. */
export const DEFAULT_ATTACHMENT_SETTINGS: AttachmentSettings = { uploadsPaused: false, prefetch: false, cacheLimitMiB: 1024 };

/** The settings stored in `text` (the file's contents, null when absent); each value that is missing or out of range is the default's. */
export function parseAttachmentSettings(text: string | null): AttachmentSettings {
  if (text === null) return DEFAULT_ATTACHMENT_SETTINGS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return DEFAULT_ATTACHMENT_SETTINGS;
  }
  if (typeof parsed !== 'object' || parsed === null) return DEFAULT_ATTACHMENT_SETTINGS;
  const out: Record<string, unknown> = { ...DEFAULT_ATTACHMENT_SETTINGS };
  for (const [name, shape] of Object.entries(attachmentSettingsShape.shape)) {
    const read = shape.safeParse((parsed as Record<string, unknown>)[name]);
    if (read.success) out[name] = read.data;
  }
  return out as unknown as AttachmentSettings;
}

export interface AttachmentSettingsStore {
  /** The stored settings, or the default. */
  get(): AttachmentSettings;
  /** Validates and stores `settings` atomically (a temp file renamed over); answers what was stored. */
  set(settings: AttachmentSettings): AttachmentSettings;
}

/** The settings in `<profileDir>/attachment-settings.json`. */
export function openAttachmentSettings(profileDir: string): AttachmentSettingsStore {
  const file = join(profileDir, 'attachment-settings.json');
  let read: string | null = null;
  try {
    read = existsSync(file) ? readFileSync(file, 'utf8') : null;
  } catch {
    read = null;
  }
  let current = parseAttachmentSettings(read);
  return {
    get: () => current,
    set(settings) {
      const checked = attachmentSettingsShape.strict().safeParse(settings);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        const path = issue?.path.join('.') ?? '';
        throw new ValidationError(`attachment settings: ${path === '' ? '' : `${path} `}${issue?.message ?? 'not valid'}`, path === '' ? undefined : path);
      }
      writeFileAtomically(file, JSON.stringify(checked.data));
      current = checked.data;
      return current;
    },
  };
}
