// A profile's sync settings (issue 9 "The sync cap is visible and never permanent"): how many
// records of each model the sync worker fetches per round, kept beside the profile's database in
// sync-settings.json. Reading is a plain function over the file's text: a missing or damaged file
// (or a value out of range) means the default, never a crash — the user can always save again.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../common/errors.js';
import { writeFileAtomically } from './atomic-file.js';
import { MAX_RECORDS_TO_SYNC_CEILING, type SyncSettings } from '../common/ipc/contract.js';

/** Why `value` is not a valid `maxRecordsToSync` (a whole number 1 … 100,000,000), or null when it is. */
export function maxRecordsToSyncProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_RECORDS_TO_SYNC_CEILING) {
    return `maxRecordsToSync must be a whole number of records from 1 to ${MAX_RECORDS_TO_SYNC_CEILING.toLocaleString('en-US')}`;
  }
  return null;
}

/** The settings stored in `text` (a sync-settings.json's contents, null when absent), else `fallback`. */
export function parseSyncSettings(text: string | null, fallback: SyncSettings): SyncSettings {
  if (text === null) return fallback;
  try {
    const parsed = JSON.parse(text) as unknown;
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).maxRecordsToSync : undefined;
    return maxRecordsToSyncProblem(value) === null ? { maxRecordsToSync: value as number } : fallback;
  } catch {
    return fallback;
  }
}

export interface SyncSettingsStore {
  /** The stored settings, or the default. */
  get(): SyncSettings;
  /** Validates and stores `settings` atomically (write a temp file, rename over); answers what was stored. */
  set(settings: SyncSettings): SyncSettings;
}

/** The settings in `<profileDir>/sync-settings.json`; `fallback` until the user saves some. */
export function openSyncSettings(profileDir: string, fallback: SyncSettings): SyncSettingsStore {
  const file = join(profileDir, 'sync-settings.json');
  let read: string | null = null;
  try {
    read = existsSync(file) ? readFileSync(file, 'utf8') : null;
  } catch {
    read = null;
  }
  let current = parseSyncSettings(read, fallback);
  return {
    get: () => current,
    set(settings) {
      const problem = maxRecordsToSyncProblem(settings.maxRecordsToSync);
      if (problem !== null) throw new ValidationError(problem, 'maxRecordsToSync');
      const next = { maxRecordsToSync: settings.maxRecordsToSync };
      writeFileAtomically(file, JSON.stringify(next));
      current = next;
      return current;
    },
  };
}
