// What a restore leaves in the meta table, and what the sync resolver learns from it. A client
// that synced with the database before it was restored may hold records (or versions) the restored
// database never saw — from sync answers or real-time events after the backup — so any lastSync
// taken before the restore is answered with a base sync (AppSync's answer to a lastSync it cannot
// serve a delta for, PROTOCOL.md §2.2), flagged to Outpost clients as a base sync so they also
// drop the rows the server no longer has (server/README.md "Wire extensions").
import type { Storage } from '../storage/storage.js';
import { RESTORED_KEY } from './storage-version.js';

/** The restore record: when it ran and when the backup it restored was taken (epoch ms). */
export interface RestoreRecord {
  readonly restoredAt: number;
  readonly backupTakenAt: number;
  /** The database epoch the backup carried (replaced by the restore). */
  readonly previousEpoch: string | null;
}

/** Parses the meta value; undefined when absent or unreadable (treated as never restored). */
export function parseRestoreRecord(text: string | undefined): RestoreRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<RestoreRecord>;
    if (typeof value.restoredAt !== 'number' || typeof value.backupTakenAt !== 'number') return undefined;
    return { restoredAt: value.restoredAt, backupTakenAt: value.backupTakenAt, previousEpoch: value.previousEpoch ?? null };
  } catch {
    return undefined;
  }
}

/** `{ restoredAt }` (epoch ms) for the resolver settings when the database was restored, else `{}`. */
export async function restoredAt(storage: Storage): Promise<{ restoredAt?: number }> {
  const record = parseRestoreRecord(await storage.getMeta(RESTORED_KEY));
  return record === undefined ? {} : { restoredAt: record.restoredAt };
}

/** True when a delta sync from `lastSync` cannot be trusted because the database was restored after it. */
export function lastSyncPredatesRestore(lastSync: number, restored: number | undefined): boolean {
  return restored !== undefined && lastSync <= restored;
}
