// Encryption of a datastore file with the profile's 32-byte key (SQLite3MultipleCiphers through
// better-sqlite3-multiple-ciphers): telling plain, encrypted and foreign files apart by their
// first bytes, keying a connection, and encrypting an existing plain file in place.
//
// Cipher: AEGIS-256 (SQLite3MC's `aegis` cipher, `aegis-256` variant): authenticated (a 32-byte
// tag per page, so a wrong key or a tampered page is refused, never read as garbage), a fresh
// random 32-byte nonce per page write, and built on AES rounds, so it runs on the CPU's AES
// instructions (AES-NI, ARMv8 crypto). Measured here (Node 20, x86-64, 2 cores):
// - raw better-sqlite3, 100k-row import vs plain: aegis 1.12×, chacha20 2.58×, sqlcipher 2.77×,
//   ascon128 3.16×, aes256cbc 1.53× (and not authenticated); 100 cold indexed queries: aegis
//   1.0×, chacha20 3.6×, sqlcipher 2.6×; serial synchronous=FULL commits: the same for all.
// - `npm run bench -- datastore-encrypted`, encrypted/plain: with aegis base sync ≈ 0.9–1.0,
//   query ≈ 1.0–1.1×; with chacha20 (SQLite3MC's default) base sync 0.55, query 1.45×: both
//   miss issue 15's targets (≥ 0.85, ≤ 1.2×).
// ChaCha20-Poly1305 would be the choice for CPUs without AES instructions; laptops have them.
// Changing the cipher later needs a rekey migration: a file written with another cipher does not
// open (it reads as a wrong key).
//
// The key is handed over raw (`raw:` + 32 bytes, SQLite3MC's raw-key form), so no KDF runs per
// open: the key is already 256 random bits (main/crypto/profile-key.ts).
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OutpostError, StoreKeyError, ValidationError } from '../../common/errors.js';
import { nativeBinding } from './native-binding.js';

/** Bytes of a datastore key. */
export const STORE_KEY_BYTES = 32;

/** The cipher every encrypted datastore is written with (see the file comment for why). */
const CIPHER = { name: 'aegis', algorithm: 'aegis-256' } as const;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** What the first bytes of a datastore file say it is. */
export type StoreFileKind = 'missing' | 'plain' | 'encrypted' | 'notADatabase';

/**
 * Judges a file by its first 24 bytes: a plain SQLite file starts with "SQLite format 3\0"; an
 * SQLite3MC file starts with its 16-byte salt and keeps bytes 16–23 of the SQLite header readable
 * (page size, format versions, the cipher's reserved bytes per page, the fixed 64/32/32 payload
 * fractions), so anything else is no database of ours. An empty file is as good as missing.
 */
export function classifyStoreHeader(header: Buffer): StoreFileKind {
  if (header.length === 0) return 'missing';
  if (header.length >= SQLITE_MAGIC.length && header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return 'plain';
  if (header.length < 24) return 'notADatabase';
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const validPageSize = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0;
  const versions = [1, 2].includes(header[18]) && [1, 2].includes(header[19]);
  const fractions = header[21] === 64 && header[22] === 32 && header[23] === 32;
  return validPageSize && versions && header[20] > 0 && fractions ? 'encrypted' : 'notADatabase';
}

/** Reads `file`'s first bytes and classifies them (a missing file is 'missing'). */
export function storeFileKind(file: string): StoreFileKind {
  if (!existsSync(file)) return 'missing';
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(24);
    const read = readSync(fd, header, 0, header.length, 0);
    return classifyStoreHeader(header.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** Throws a ValidationError unless `key` is a Buffer of exactly 32 bytes. */
export function assertStoreKey(key: unknown): asserts key is Buffer {
  if (!Buffer.isBuffer(key) || key.length !== STORE_KEY_BYTES) {
    const got = Buffer.isBuffer(key) ? `${key.length} bytes` : typeof key;
    throw new ValidationError(`a datastore key is ${STORE_KEY_BYTES} bytes (got ${got})`, 'key');
  }
}

/** Sets the cipher and the raw key on a connection that has not read its file yet. */
export function applyStoreKey(db: Database.Database, key: Buffer): void {
  db.pragma(`cipher = '${CIPHER.name}'`);
  db.pragma(`algorithm = '${CIPHER.algorithm}'`);
  const raw = Buffer.concat([Buffer.from('raw:', 'latin1'), key]);
  try {
    db.key(raw);
  } finally {
    raw.fill(0);
  }
}

function isNotADatabase(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_NOTADB';
}

/** Reads the schema: SQLITE_NOTADB then means the key does not open the file. */
function probe(db: Database.Database): void {
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

function wrongKey(file: string): StoreKeyError {
  return new StoreKeyError(`${file} is encrypted with another key: it was not opened and nothing in it was changed`, file, 'wrongKey');
}

/**
 * Opens `file` (creating it when missing) for reading and writing, encrypted with `key`, or plain
 * without one. Every refusal is a StoreKeyError thrown before anything in the file was written:
 * an encrypted file without a key ('keyNeeded'), a key that does not open it ('wrongKey'), a file
 * that is no SQLite database ('notADatabase'). A plain file opened with a key is encrypted first
 * (encryptPlainStore). A copy left by an interrupted encryption is removed.
 */
export function openStoreFile(file: string, key: Buffer | undefined, busyTimeoutMs: number): Database.Database {
  if (key !== undefined) assertStoreKey(key);
  removeEncryptionLeftovers(file);
  const kind = storeFileKind(file);
  if (kind === 'notADatabase') {
    throw new StoreKeyError(`${file} is not an SQLite database: it was not opened and nothing in it was changed`, file, 'notADatabase');
  }
  if (key === undefined) {
    if (kind === 'encrypted') {
      throw new StoreKeyError(`${file} is encrypted and no key was given: it was not opened and nothing in it was changed`, file, 'keyNeeded');
    }
    return new Database(file, { timeout: busyTimeoutMs, nativeBinding: nativeBinding() });
  }
  if (kind === 'plain') encryptPlainStore(file, key);
  else if (kind === 'encrypted') probeReadOnly(file, key);
  const db = new Database(file, { timeout: busyTimeoutMs, nativeBinding: nativeBinding() });
  try {
    applyStoreKey(db, key);
    probe(db);
    return db;
  } catch (error) {
    db.close();
    throw isNotADatabase(error) ? wrongKey(file) : error;
  }
}

/**
 * A read-only first try: closing a read-write connection checkpoints a WAL left by a crash (it
 * writes the file even when the key was wrong); a read-only one writes nothing but the WAL index.
 * Other failures (a read-only WAL open the platform refuses) are left to the read-write open.
 */
function probeReadOnly(file: string, key: Buffer): void {
  const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: nativeBinding() });
  try {
    applyStoreKey(db, key);
    probe(db);
  } catch (error) {
    if (isNotADatabase(error)) throw wrongKey(file);
  } finally {
    db.close();
  }
}

/** The steps of encryptPlainStore, in order, as its `onStep` hears them. */
export type EncryptionStep = 'checkpointed' | 'copied' | 'synced' | 'verified' | 'plainSidecarsRemoved' | 'renamed' | 'done';

/** Where encryptPlainStore writes the encrypted copy before it replaces `file`. */
export function encryptingCopyPath(file: string): string {
  return `${file}.encrypting`;
}

// The keyed connection that writes the copy needs a main database of its own: an empty file
// beside it that is never written (SQLite3MC keys no in-memory database).
function keyHolderPath(file: string): string {
  return `${file}.encrypting-key`;
}

/** Removes what an interrupted encryptPlainStore left beside `file` (never `file` itself, which is always whole). */
export function removeEncryptionLeftovers(file: string): void {
  const copy = encryptingCopyPath(file);
  const holder = keyHolderPath(file);
  for (const path of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`, holder, `${holder}-journal`, `${holder}-wal`, `${holder}-shm`]) {
    rmSync(path, { force: true });
  }
}

/**
 * Encrypts the plain SQLite file `file` with `key` in place: its WAL checkpointed into it, an
 * encrypted copy written beside it (`<file>.encrypting`, by VACUUM INTO from a keyed connection),
 * fsynced, verified (opened with the key, integrity_check, every table's row count equal), then
 * the plain -wal/-shm removed and the copy renamed over `file` and the directory fsynced. Until
 * the rename `file` is the plain original, intact; after it, the encrypted copy; a crash in
 * between leaves a copy that removeEncryptionLeftovers deletes on the next open. `onStep` is told
 * each step as it completes (for fault tests).
 *
 * What plaintext can remain: no file (the copy holds only live pages, so deleted records' free
 * pages stay behind; the plain file's inode is unlinked by the rename, its -wal and -shm deleted).
 * The blocks those files occupied are freed by the file system, not overwritten: someone reading
 * the raw disk could find old plaintext there until it is reused, unless the disk itself is
 * encrypted (FileVault, BitLocker, LUKS). Overwriting first would not help on SSDs, whose wear
 * levelling writes elsewhere.
 */
export function encryptPlainStore(file: string, key: Buffer, options: { readonly onStep?: (step: EncryptionStep) => void } = {}): void {
  assertStoreKey(key);
  const step = options.onStep ?? (() => undefined);
  const copy = encryptingCopyPath(file);
  removeEncryptionLeftovers(file);
  let counts: Map<string, number>;
  const holder = new Database(keyHolderPath(file), { timeout: 2000, nativeBinding: nativeBinding() });
  try {
    applyStoreKey(holder, key);
    // KEY '' attaches the file as plain (without a KEY clause it would get the main key).
    holder.prepare(`ATTACH DATABASE ? AS plain KEY ''`).run(file);
    takeSoleUse(holder, file);
    const [checkpoint] = holder.pragma('plain.wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    if (checkpoint !== undefined && checkpoint.busy !== 0) throw inUse(file);
    step('checkpointed');
    counts = tableCounts(holder, 'plain');
    // VACUUM INTO's target gets the main database's key when no key is named (SQLite3MC).
    holder.prepare('VACUUM plain INTO ?').run(copy);
    holder.exec('DETACH DATABASE plain');
  } catch (error) {
    holder.close();
    removeEncryptionLeftovers(file);
    throw error;
  }
  holder.close();
  step('copied');
  try {
    chmodSync(copy, statSync(file).mode & 0o777);
    fsyncPath(copy);
    step('synced');
    verifyCopy(copy, key, counts);
    step('verified');
  } catch (error) {
    removeEncryptionLeftovers(file);
    throw error;
  }
  // The WAL was checkpointed (TRUNCATE) into `file`: what is left in -wal/-shm is no data, and a
  // plain -wal beside an encrypted file would be read as its log.
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  step('plainSidecarsRemoved');
  renameSync(copy, file);
  fsyncDirectory(dirname(file));
  step('renamed');
  removeEncryptionLeftovers(file);
  step('done');
}

function inUse(file: string): OutpostError {
  return new OutpostError('StoreInUse', `${file} is open in another connection: it stays plain until it is opened with the key alone`, { file });
}

/**
 * Holds the plain file's exclusive lock until the holder closes: a connection still open on it
 * would go on writing to the plain file after the rename (its inode unlinked, the writes lost).
 * In WAL mode every open connection holds a shared lock, so taking the exclusive one fails.
 */
function takeSoleUse(holder: Database.Database, file: string): void {
  holder.pragma('plain.locking_mode = EXCLUSIVE');
  try {
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec('COMMIT');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw inUse(file);
    throw error;
  }
}

/** Row counts of every table with rows of its own (FTS5's shadow tables included, its virtual tables not). */
function tableCounts(db: Database.Database, schema: string): Map<string, number> {
  const names = db.prepare(`SELECT name FROM "${schema}".sqlite_master WHERE type = 'table' AND rootpage > 0`).pluck().all() as string[];
  const counts = new Map<string, number>();
  for (const name of names) {
    counts.set(
      name,
      Number(
        db
          .prepare(`SELECT count(*) FROM "${schema}"."${name.replaceAll('"', '""')}"`)
          .pluck()
          .get(),
      ),
    );
  }
  return counts;
}

function verifyCopy(copy: string, key: Buffer, expected: Map<string, number>): void {
  if (storeFileKind(copy) !== 'encrypted') throw new Error(`the encrypted copy ${copy} is not encrypted`);
  const db = new Database(copy, { fileMustExist: true, nativeBinding: nativeBinding() });
  try {
    applyStoreKey(db, key);
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the encrypted copy ${copy} fails integrity_check: ${String(integrity)}`);
    const counts = tableCounts(db, 'main');
    for (const [name, count] of expected) {
      if (counts.get(name) !== count) throw new Error(`the encrypted copy ${copy} has ${counts.get(name) ?? 'no'} rows in ${name}, the original ${count}`);
    }
    if (counts.size !== expected.size) throw new Error(`the encrypted copy ${copy} has ${counts.size} tables, the original ${expected.size}`);
  } finally {
    db.close();
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename in `dir` durable; Windows cannot open a directory and makes renames durable itself (NTFS journal). */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
