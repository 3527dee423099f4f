// Small settings files beside a profile (sync settings, conflict decisions, the profile list):
// written to a temp file and renamed over the old one, so a crash leaves the old or the new
// contents, never half of either.
import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/** Replaces `file`'s contents with `text` atomically (temp file `<file>.tmp`, then rename); `mode` (e.g. 0o600) is set before the rename. */
export function writeFileAtomically(file: string, text: string, options: { readonly mode?: number } = {}): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, options.mode === undefined ? undefined : { mode: options.mode });
  // On the temp file, whatever the umask or a left-over temp file's mode, so the file is never readable by others.
  if (options.mode !== undefined) chmodSync(tmp, options.mode);
  renameSync(tmp, file);
}
