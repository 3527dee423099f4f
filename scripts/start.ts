// `npm start`: build, make sure native modules are built for Electron, launch Electron. Where the
// Electron binary is missing (these build machines install it with ELECTRON_SKIP_BINARY_DOWNLOAD)
// it says so, how to get it, and exits non-zero without touching the Node build.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './build.js';
import { ensure } from './native-abi.js';

const root = new URL('..', import.meta.url).pathname;

/** The Electron executable the `electron` package downloaded, or null when it was skipped. */
export function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const binary = electronBinary();
  if (binary === null) {
    console.error(
      [
        'Outpost cannot start: the Electron binary is not installed (node_modules/electron/dist is missing).',
        'It is skipped when ELECTRON_SKIP_BINARY_DOWNLOAD is set or when github.com cannot be reached.',
        'To get it, on a machine with network access run:',
        '  node node_modules/electron/install.js',
        'then `npm start` again (it also rebuilds better-sqlite3 for Electron, which needs electronjs.org for headers).',
      ].join('\n'),
    );
    process.exit(1);
  }
  await buildApp();
  if (!ensure('electron')) process.exit(1);
  const child = spawn(binary, [root], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
