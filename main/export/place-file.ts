// Moving a finished export into place. Where the user chose the path in a save dialog (which asked
// before replacing), the file is replaced atomically by rename. Otherwise an existing file is never
// replaced: the export takes the first free "name (2).ext", "name (3).ext", … — claimed by a hard
// link, which fails if the name exists (no window between looking and writing), or an exclusive
// copy where the disk has no hard links (FAT, some network shares).
import { constants } from 'node:fs';
import { copyFile, link, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { numberedName } from './file-names.js';

/** Moves `temp` to `path` (or, without `overwrite` and with a file there, its first free numbered name); answers where it went. */
export async function placeFile(temp: string, path: string, overwrite: boolean): Promise<string> {
  if (overwrite) {
    await rename(temp, path);
    return path;
  }
  for (let n = 1; ; n++) {
    const candidate = join(dirname(path), numberedName(basename(path), n));
    try {
      await claim(temp, candidate);
      await unlink(temp);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function claim(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    await copyFile(temp, path, constants.COPYFILE_EXCL);
  }
}
