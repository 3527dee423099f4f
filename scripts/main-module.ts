// Whether a script file is the one Node was started with (`node --import tsx scripts/x.ts`), so a
// module both runs as a command and exports its parts to tests. argv[1] is a file path while
// import.meta.url is a file: URL; a URL's pathname keeps %20 for spaces and a leading slash before
// Windows drive letters, so they are compared as real file paths instead.
import { realpathSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether file paths `a` and `b` name the same file: resolved, and on Windows without regard to case or slash direction. */
export function samePath(a: string, b: string, windows: boolean = process.platform === 'win32'): boolean {
  return windows ? win32.resolve(a).toLowerCase() === win32.resolve(b).toLowerCase() : posix.resolve(a) === posix.resolve(b);
}

/** Whether the module at file: URL `moduleUrl` is the script given as `argv1` (default: process.argv[1]); `windows` picks the path rules (default: this platform's). */
export function isScriptPath(moduleUrl: string, argv1: string | undefined, windows: boolean = process.platform === 'win32'): boolean {
  if (argv1 === undefined || argv1 === '') return false;
  return samePath(fileURLToPath(moduleUrl, { windows }), argv1, windows);
}

function real(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** Whether the module at `moduleUrl` (pass import.meta.url) is the script this process was started with; symlinks resolved. */
export function isMainModule(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (argv1 === undefined || argv1 === '') return false;
  return samePath(real(fileURLToPath(moduleUrl)), real(argv1));
}
