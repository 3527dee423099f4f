// Small settings files beside a profile (sync settings, conflict decisions, the profile list):
// written to a temp file and renamed over the old one, so a crash leaves the old or the new
// contents, never half of either.
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `file`'s contents with `text` atomically (temp file `<file>.tmp`, then rename); `mode` (e.g. 0o600) is set
 * before the rename; `durable` (default false) fsyncs the file and its folder so the new contents survive power loss.
 */
export function writeFileAtomically(file: string, text: string, options: { readonly mode?: number; readonly durable?: boolean } = {}): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, options.mode === undefined ? undefined : { mode: options.mode });
  // On the temp file, whatever the umask or a left-over temp file's mode, so the file is never readable by others.
  if (options.mode !== undefined) chmodSync(tmp, options.mode);
  if (options.durable === true) fsyncPath(tmp);
  renameSync(tmp, file);
  if (options.durable === true && process.platform !== 'win32') fsyncPath(dirname(file));
}
