// `outpost-server restore`: puts a backup (backup.ts) in place of a stopped SQLite server's database
// and blob directory. Refuses a backup of a newer storage version, and a target database that holds
// data unless `force`. The restored database gets a new epoch and a restore record, so every client
// that synced before the restore is answered with a base sync (restore-marker.ts) instead of a delta
// that could leave it holding records the restored database never saw.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { OutpostError } from '../../common/errors.js';
import { blobStoreLocation } from '../attachments/attachment-mount.js';
import { META_TABLE } from '../storage/storage-ddl.js';
import { readArchive } from './backup-archive.js';
import { BLOBS_DIR, DATABASE_ENTRY, MANIFEST_ENTRY, sqlitePathOf, type BackupManifest } from './backup.js';
import type { RestoreRecord } from './restore-marker.js';
import { DATABASE_EPOCH_KEY, OUTPOST_VERSION, RESTORED_KEY, STORAGE_VERSION } from './storage-version.js';

/** What `restoreSqlite` did. */
export interface RestoreResult {
  readonly manifest: BackupManifest;
  readonly database: string;
  readonly blobDirectory: string | null;
  readonly blobs: number;
  readonly epoch: string;
  readonly restoredAt: number;
}

/** True when the SQLite file at `path` holds anything a server wrote (a deployed schema or any table). */
function holdsData(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number };
    return tables.n > 0;
  } finally {
    db.close();
  }
}

/** The refusal for a manifest this code cannot restore, or null. */
export function manifestRefusal(manifest: Partial<BackupManifest> | null): string | null {
  if (manifest === null || manifest.format !== 'outpost-backup') return 'not an Outpost backup (no manifest.json first)';
  if (manifest.formatVersion !== 1) return `backup format ${String(manifest.formatVersion)} is not known to Outpost ${OUTPOST_VERSION}`;
  if (typeof manifest.storageVersion !== 'number') return 'the manifest has no storage version';
  if (manifest.storageVersion > STORAGE_VERSION) {
    return (
      `the backup was taken by Outpost ${manifest.outpostVersion ?? '?'} (storage version ${manifest.storageVersion}); ` +
      `this is Outpost ${OUTPOST_VERSION} (storage version ${STORAGE_VERSION}): restore it with that version or newer`
    );
  }
  return null;
}

/**
 * Restores the backup file `from` into `database` (`sqlite:PATH`) and its blob directory. The server
 * must be stopped. Nothing at the target changes until the whole backup has been read and checked.
 */
export async function restoreSqlite(options: {
  readonly from: string;
  readonly database: string;
  readonly attachmentsDir?: string;
  readonly force?: boolean;
  readonly now?: number;
}): Promise<RestoreResult> {
  const target = sqlitePathOf(options.database);
  if (!existsSync(options.from)) throw new OutpostError('RestoreRefused', `no backup file at ${options.from}`);
  if (holdsData(target) && options.force !== true) {
    throw new OutpostError('RestoreRefused', `${target} already holds a server database; stop the server and give --force to replace it`);
  }
  const location = blobStoreLocation(options.database, options.attachmentsDir);
  const blobDir = location.kind === 'directory' ? location.directory : null;
  await mkdir(dirname(target), { recursive: true });
  const work = await mkdtemp(join(dirname(target), `.${basename(target)}.restore-`));
  try {
    let manifest: Partial<BackupManifest> | null = null;
    let blobs = 0;
    await readArchive(
      options.from,
      (entry) => {
        if (manifest === null && entry.name !== MANIFEST_ENTRY) throw new OutpostError('RestoreRefused', `${options.from}: ${manifestRefusal(null)!}`);
        if (entry.name === MANIFEST_ENTRY) return 'memory';
        if (entry.name === DATABASE_ENTRY) return join(work, DATABASE_ENTRY);
        if (entry.name.startsWith(`${BLOBS_DIR}/`) && blobDir !== null) {
          if (entry.name.endsWith('.blob')) blobs++;
          return join(work, entry.name);
        }
        return null;
      },
      (entry, bytes) => {
        manifest = JSON.parse(bytes.toString('utf8')) as Partial<BackupManifest>;
        const refusal = manifestRefusal(manifest);
        if (refusal !== null) throw new OutpostError('RestoreRefused', `${options.from}: ${refusal}`);
      },
    );
    const checked = manifest as BackupManifest | null;
    if (checked === null || !existsSync(join(work, DATABASE_ENTRY))) throw new OutpostError('RestoreRefused', `${options.from} holds no database`);

    const restoredAt = options.now ?? Date.now();
    const epoch = randomUUID();
    const db = new Database(join(work, DATABASE_ENTRY));
    try {
      if (db.pragma('quick_check', { simple: true }) !== 'ok')
        throw new OutpostError('RestoreRefused', `${options.from}: the database in it fails quick_check`);
      const record: RestoreRecord = { restoredAt, backupTakenAt: checked.takenAt, previousEpoch: checked.epoch };
      const put = db.prepare(`insert into ${META_TABLE} (key, value) values (?, ?) on conflict (key) do update set value = excluded.value`);
      db.transaction(() => {
        put.run(DATABASE_EPOCH_KEY, epoch);
        put.run(RESTORED_KEY, JSON.stringify(record));
      })();
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }

    // Into place: the old WAL and shared-memory files belong to the old database and must go with it.
    for (const suffix of ['-wal', '-shm']) await rm(`${target}${suffix}`, { force: true });
    await rename(join(work, DATABASE_ENTRY), target);
    if (blobDir !== null) {
      const staged = join(work, BLOBS_DIR);
      await rm(blobDir, { recursive: true, force: true });
      if (existsSync(staged)) await rename(staged, blobDir).catch(async () => copyInto(staged, blobDir));
    }
    return { manifest: checked, database: target, blobDirectory: blobDir, blobs, epoch, restoredAt };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Moves every file of `from` into `to` (a blob directory on another file system than the database). */
async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) await copyFile(join(from, name), join(to, name));
}
