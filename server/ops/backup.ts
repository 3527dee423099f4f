// `outpost-server backup`: a consistent copy of a live SQLite server — the database (accounts, API
// keys, sessions, records, change log, meta) through SQLite's online backup API while writes go on,
// then the attachment directory's completed blobs — in one ustar file (backup-archive.ts) with a
// manifest naming the versions and the time the copy began. PostgreSQL is backed up with
// pg_dump (server/OPERATING.md); this refuses it with that advice.
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OutpostError } from '../../common/errors.js';
import { blobStoreLocation } from '../attachments/attachment-mount.js';
import { ArchiveWriter, entryName } from './backup-archive.js';
import { DATABASE_EPOCH_KEY, OUTPOST_VERSION, STORAGE_VERSION_KEY } from './storage-version.js';
import { META_TABLE } from '../storage/storage-ddl.js';

/** The backup file's first entry. */
export interface BackupManifest {
  readonly format: 'outpost-backup';
  readonly formatVersion: 1;
  /** The Outpost that took the backup. */
  readonly outpostVersion: string;
  /** The storage version recorded in the copied database (restore refuses one newer than its own). */
  readonly storageVersion: number;
  /** When the copy began (epoch ms): every write acknowledged before it is in the backup. */
  readonly takenAt: number;
  /** The database epoch of the copied database. */
  readonly epoch: string | null;
  readonly blobs: number;
}

export const MANIFEST_ENTRY = 'manifest.json';
export const DATABASE_ENTRY = 'server.db';
export const BLOBS_DIR = 'blobs';

/** What `backupSqlite` wrote. */
export interface BackupResult {
  readonly file: string;
  readonly manifest: BackupManifest;
  /** Database pages copied. */
  readonly pages: number;
  readonly bytes: number;
}

/** Pages per backup step: all at once, so a write from another connection cannot restart the copy for ever. */
const PAGES_PER_STEP = 1 << 30;

/** The SQLite path of `database` (`sqlite:PATH`), or a refusal for PostgreSQL and in-memory databases. */
export function sqlitePathOf(database: string): string {
  if (database.startsWith('postgres://') || database.startsWith('postgresql://')) {
    throw new OutpostError(
      'BackupUnsupported',
      'PostgreSQL is backed up with pg_dump (and restored with pg_restore); its blobs live in the same database. See server/OPERATING.md "Backup and restore".',
    );
  }
  const path = database.startsWith('sqlite:') ? database.slice('sqlite:'.length) : '';
  if (path === '' || path === ':memory:')
    throw new OutpostError('BackupUnsupported', `nothing to back up in ${database}: give --database sqlite:PATH of the server's file`);
  return resolve(path);
}

function metaOf(db: Database.Database, key: string): string | null {
  const row = db.prepare(`select value from ${META_TABLE} where key = ?`).get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

/**
 * Copies the live database at `database` and its blob directory (`attachmentsDir`, default beside the
 * file) into the new file `out` (refused if it exists). The server may keep running and writing.
 */
export async function backupSqlite(options: { readonly database: string; readonly out: string; readonly attachmentsDir?: string }): Promise<BackupResult> {
  const source = sqlitePathOf(options.database);
  if (!existsSync(source)) throw new OutpostError('BackupUnsupported', `no database at ${source}`);
  const out = resolve(options.out);
  if (existsSync(out)) throw new OutpostError('BackupExists', `${out} exists; give a new file name (a backup never overwrites one)`);
  const location = blobStoreLocation(options.database, options.attachmentsDir);
  const work = await mkdtemp(join(tmpdir(), 'outpost-backup-'));
  const partial = join(dirname(out), `.${basename(out)}.partial`);
  try {
    const takenAt = Date.now();
    const copy = join(work, DATABASE_ENTRY);
    const live = new Database(source, { readonly: true, fileMustExist: true });
    let pages = 0;
    try {
      live.pragma('busy_timeout = 5000');
      const progress = await live.backup(copy, { progress: ({ totalPages }) => ((pages = totalPages), PAGES_PER_STEP) });
      pages = progress.totalPages;
    } finally {
      live.close();
    }
    const snapshot = new Database(copy, { readonly: true });
    let storageVersion = 1;
    let epoch: string | null;
    try {
      const recorded = metaOf(snapshot, STORAGE_VERSION_KEY);
      if (recorded !== null) storageVersion = (JSON.parse(recorded) as { storageVersion: number }).storageVersion;
      epoch = metaOf(snapshot, DATABASE_EPOCH_KEY);
      const check = snapshot.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new OutpostError('BackupCorrupt', `the copied database fails quick_check: ${String(check)}`);
    } finally {
      snapshot.close();
    }

    await rm(partial, { force: true });
    const archive = new ArchiveWriter(partial);
    // Blobs are listed after the database copy: every blob complete by then is included (a few newer ones too).
    const blobDir = location.kind === 'directory' ? location.directory : null;
    const names = blobDir !== null && existsSync(blobDir) ? (await readdir(blobDir)).filter((n) => n.endsWith('.blob')).sort() : [];
    let blobs = 0;
    const manifestWithout = { format: 'outpost-backup', formatVersion: 1, outpostVersion: OUTPOST_VERSION, storageVersion, takenAt, epoch } as const;
    // The manifest comes first so restore reads the versions before any bulk; its blob count is an upper bound here.
    await archive.addBytes(MANIFEST_ENTRY, Buffer.from(JSON.stringify({ ...manifestWithout, blobs: names.length })));
    await archive.addFile(DATABASE_ENTRY, copy);
    for (const name of names) {
      const key = name.slice(0, -'.blob'.length);
      // The header first: a blob without its header is not a blob to the store.
      if (!(await archive.addFile(entryName(BLOBS_DIR, `${key}.json`), join(blobDir!, `${key}.json`)))) continue;
      if (await archive.addFile(entryName(BLOBS_DIR, name), join(blobDir!, name))) blobs++;
    }
    await archive.finish();
    await rename(partial, out);
    const { size } = await stat(out);
    return { file: out, manifest: { ...manifestWithout, blobs }, pages, bytes: size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
