// Project folders in a temp dir laid out like this checkout's node_modules, holding copies of the
// real better-sqlite3 binary: as built (Node's ABI), or with its registration symbol rewritten to
// Electron's ABI — the only byte that tells the two apart for the code under test.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const realPackage = join(root, 'node_modules', 'better-sqlite3');
export const realBinary = join(realPackage, 'build', 'Release', 'better_sqlite3.node');
export const NODE_ABI = Number(process.versions.modules);
export const ELECTRON_ABI = Number(readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8'));

/** The real Node build of better-sqlite3 with its `node_register_module_v<N>` symbols renamed to ABI `abi` (same length). */
export function binaryForAbi(abi: number): Buffer {
  const contents = Buffer.from(readFileSync(realBinary));
  const from = Buffer.from(`node_register_module_v${NODE_ABI}`, 'latin1');
  const to = Buffer.from(`node_register_module_v${abi}`, 'latin1');
  if (from.length !== to.length) throw new Error('fixture needs ABIs with the same number of digits');
  for (let at = contents.indexOf(from); at >= 0; at = contents.indexOf(from, at + 1)) to.copy(contents, at);
  return contents;
}

/** Writes `contents` to `file`, creating its folder. */
export function put(file: string, contents: Buffer | string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
  return file;
}

/**
 * A project folder: package.json depending on better-sqlite3, node_modules/electron's package.json
 * and abi_version, and node_modules/better-sqlite3 (the real package's sources when `fullPackage`,
 * else its package.json and binding.gyp) with `defaultBinary` as its build/Release binary.
 */
export function fixtureProject(options: { readonly defaultBinary: Buffer | null; readonly fullPackage?: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost native fixture '));
  put(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: { 'better-sqlite3': '*' } }));
  const electron = join(dir, 'node_modules', 'electron');
  put(join(electron, 'package.json'), readFileSync(join(root, 'node_modules', 'electron', 'package.json')));
  put(join(electron, 'abi_version'), String(ELECTRON_ABI));
  const pkg = join(dir, 'node_modules', 'better-sqlite3');
  if (options.fullPackage) {
    cpSync(realPackage, pkg, { recursive: true, filter: (path) => path !== join(realPackage, 'build') });
  } else {
    put(join(pkg, 'package.json'), readFileSync(join(realPackage, 'package.json')));
    put(join(pkg, 'binding.gyp'), readFileSync(join(realPackage, 'binding.gyp')));
  }
  if (options.defaultBinary !== null) put(join(pkg, 'build', 'Release', 'better_sqlite3.node'), options.defaultBinary);
  return dir;
}
