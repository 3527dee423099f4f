// The backup file: a POSIX ustar archive (readable by any `tar`), written and read as a stream so
// memory stays bounded whatever the database and blob store weigh. Entries are regular files only;
// names are relative, at most 100 bytes, and checked on read so no entry reaches outside the target.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { OutpostError } from '../../common/errors.js';

const BLOCK = 512;

function header(name: string, size: number, mtimeMs: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new OutpostError('BackupNameTooLong', `backup entry name longer than 100 bytes: ${name}`);
  nameBytes.copy(block, 0);
  const octal = (value: number, width: number): string => value.toString(8).padStart(width - 1, '0') + '\0';
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'ascii');
  block.fill(' ', 148, 156);
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** Writes a ustar archive to a file, one entry at a time. */
export class ArchiveWriter {
  private readonly out: Writable;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx' });
  }

  private async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  /** Adds `bytes` as entry `name`. */
  async addBytes(name: string, bytes: Buffer): Promise<void> {
    await this.write(header(name, bytes.length, Date.now()));
    await this.write(bytes);
    await this.pad(bytes.length);
  }

  /** Adds the file at `path` as entry `name`, streamed; false when the file vanished first (a blob the sweep removed). */
  async addFile(name: string, path: string): Promise<boolean> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    await this.write(header(name, info.size, info.mtimeMs));
    let written = 0;
    for await (const chunk of createReadStream(path, { end: info.size - 1 }) as AsyncIterable<Buffer>) {
      written += chunk.length;
      await this.write(chunk);
    }
    // Completed blobs and a closed database copy do not change; a short read means something else wrote.
    if (written !== info.size) throw new OutpostError('BackupFileChanged', `${path} changed while it was copied (${written} of ${info.size} bytes)`);
    await this.pad(info.size);
    return true;
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest !== 0) await this.write(Buffer.alloc(BLOCK - rest, 0));
  }

  /** Writes the end-of-archive blocks and closes the file (flushed). */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2, 0));
    this.out.end();
    await finished(this.out);
  }
}

/** A relative entry name that stays inside its target directory, or a refusal. */
function safeName(name: string): string {
  const normal = normalize(name);
  if (name === '' || normal.startsWith('..') || normal.startsWith(sep) || normal.includes(`${sep}..${sep}`) || name.includes('\0')) {
    throw new OutpostError('BackupCorrupt', `backup entry name not allowed: ${JSON.stringify(name)}`);
  }
  return normal;
}

/** One entry as read: its name and size; `place` says where its bytes go (a file path, or null: into memory). */
export interface ArchiveEntry {
  readonly name: string;
  readonly size: number;
}

/**
 * Reads the archive at `path`: for each entry `place` returns a file path to stream it to (parents
 * created), 'memory' to get its bytes in `onBytes` (small entries: the manifest), or null to skip.
 */
export async function readArchive(
  path: string,
  place: (entry: ArchiveEntry) => string | 'memory' | null,
  onBytes: (entry: ArchiveEntry, bytes: Buffer) => void = () => undefined,
): Promise<void> {
  const input = createReadStream(path) as Readable;
  let pending: Buffer = Buffer.alloc(0);
  let current: { entry: ArchiveEntry; left: number; pad: number; sink: Writable | null; memory: Buffer[] | null } | null = null;
  let ended = false;
  const finishEntry = async (): Promise<void> => {
    if (current === null) return;
    if (current.sink !== null) {
      current.sink.end();
      await finished(current.sink);
    }
    if (current.memory !== null) onBytes(current.entry, Buffer.concat(current.memory));
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (!ended) {
      if (current !== null && current.left > 0) {
        if (pending.length === 0) break;
        const take = pending.subarray(0, Math.min(current.left, pending.length));
        pending = pending.subarray(take.length);
        current.left -= take.length;
        if (current.sink !== null && !current.sink.write(take)) await new Promise<void>((resolve) => current!.sink!.once('drain', resolve));
        current.memory?.push(Buffer.from(take));
        continue;
      }
      if (current !== null) {
        if (pending.length < current.pad) break;
        pending = pending.subarray(current.pad);
        await finishEntry();
        current = null;
      }
      if (pending.length < BLOCK) break;
      const block = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (block.every((b) => b === 0)) {
        ended = true;
        break;
      }
      if (block.subarray(257, 262).toString('ascii') !== 'ustar') throw new OutpostError('BackupCorrupt', `${path} is not an Outpost backup (no ustar header)`);
      const name = safeName(block.subarray(0, 100).toString('utf8').replace(/\0.*$/s, ''));
      const size = parseInt(block.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
      const entry = { name, size };
      const where = place(entry);
      let sink: Writable | null = null;
      if (where !== null && where !== 'memory') {
        await mkdir(dirname(where), { recursive: true });
        sink = createWriteStream(where, { flags: 'w' });
      }
      current = { entry, left: size, pad: (BLOCK - (size % BLOCK)) % BLOCK, sink, memory: where === 'memory' ? [] : null };
      if (size === 0 && current.pad === 0) {
        await finishEntry();
        current = null;
      }
    }
    if (ended) break;
  }
  if (current !== null) throw new OutpostError('BackupCorrupt', `${path} ends inside entry ${current.entry.name}`);
  if (!ended) throw new OutpostError('BackupCorrupt', `${path} is truncated (no end-of-archive blocks)`);
}

/** `join` for entry names (always `/`). */
export function entryName(...parts: string[]): string {
  return join(...parts)
    .split(sep)
    .join('/');
}
