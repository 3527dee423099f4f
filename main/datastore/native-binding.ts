// Which compiled better-sqlite3 to load. better-sqlite3 is built against V8's ABI, so Node (which
// runs the tests and the browser mode) and Electron each need their own binary. The Node build
// stays where npm puts it (the package's build/Release); `npm start` builds the Electron one into
// a versioned folder beside it (see scripts/native-abi.ts), so neither command ever rebuilds the
// other's. Under Electron that side-by-side build is passed as better-sqlite3's `nativeBinding`;
// a packaged app has no side-by-side build because electron-builder rebuilt its node_modules for
// Electron, so it keeps the default binding. Each binary is judged by the registration symbol
// compiled into it, never by a marker file beside it (a stale `.forge-meta` can lie).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What a compiled addon registers as: a V8-ABI module for one NODE_MODULE_VERSION, or N-API (any runtime). */
export type BinaryAbi = { readonly kind: 'v8'; readonly abi: number } | { readonly kind: 'napi' } | { readonly kind: 'unknown' };

/** A binary that may be loaded: its path and what it was built for (null when the file is absent). */
export interface BuildCandidate {
  readonly path: string;
  readonly abi: BinaryAbi | null;
}

/** What to pass as `nativeBinding`: nothing (better-sqlite3's default lookup), a path, or why neither can load. */
export type BindingChoice =
  { readonly kind: 'default' } | { readonly kind: 'side-by-side'; readonly path: string } | { readonly kind: 'none'; readonly message: string };

const V8_SYMBOL = 'node_register_module_v';

/** Reads the ABI an addon binary was compiled for from its `node_register_module_v<N>` / `napi_register_module_v1` symbol. */
export function binaryAbi(contents: Buffer): BinaryAbi {
  const at = contents.indexOf(V8_SYMBOL, 0, 'latin1');
  if (at >= 0) {
    const digits = /^\d+/.exec(contents.subarray(at + V8_SYMBOL.length, at + V8_SYMBOL.length + 8).toString('latin1'));
    if (digits) return { kind: 'v8', abi: Number(digits[0]) };
  }
  if (contents.indexOf('napi_register_module_v', 0, 'latin1') >= 0) return { kind: 'napi' };
  return { kind: 'unknown' };
}

/** Where the side-by-side Electron build lives, under the node_modules folder that holds better-sqlite3. */
export function sideBySideBinaryPath(nodeModulesDir: string, abi: number, platform: string = process.platform, arch: string = process.arch): string {
  return join(nodeModulesDir, '.outpost-native', 'better-sqlite3', `electron-abi${abi}-${platform}-${arch}`, 'better_sqlite3.node');
}

/** The default binary better-sqlite3 loads from its package folder. */
export function defaultBinaryPath(packageDir: string): string {
  return join(packageDir, 'build', 'Release', 'better_sqlite3.node');
}

function loadsIn(abi: BinaryAbi | null, runtimeAbi: number): boolean {
  return abi !== null && (abi.kind === 'napi' || (abi.kind === 'v8' && abi.abi === runtimeAbi));
}

function describe(candidate: BuildCandidate): string {
  if (candidate.abi === null) return `${candidate.path} is missing`;
  if (candidate.abi.kind === 'v8') return `${candidate.path} is built for ABI ${candidate.abi.abi}`;
  return `${candidate.path} does not say which ABI it targets`;
}

/** Decides which better-sqlite3 binary a runtime with NODE_MODULE_VERSION `runtimeAbi` loads. */
export function chooseNativeBinding(input: {
  readonly runtimeAbi: number;
  readonly isElectron: boolean;
  readonly sideBySide: BuildCandidate;
  readonly defaultBuild: BuildCandidate;
}): BindingChoice {
  const { runtimeAbi, sideBySide, defaultBuild } = input;
  if (!input.isElectron) return { kind: 'default' };
  if (loadsIn(sideBySide.abi, runtimeAbi)) return { kind: 'side-by-side', path: sideBySide.path };
  // A binary whose ABI cannot be read is left to better-sqlite3 to load or reject with its own error.
  if (loadsIn(defaultBuild.abi, runtimeAbi) || defaultBuild.abi?.kind === 'unknown') return { kind: 'default' };
  return {
    kind: 'none',
    message:
      `better-sqlite3 has no build for this Electron (ABI ${runtimeAbi}): ${describe(sideBySide)}, and ${describe(defaultBuild)}. ` +
      'Run `npm start` once with network access to electronjs.org (it builds one beside the Node build), ' +
      'or `node --import tsx scripts/native-abi.ts ensure electron`.',
  };
}

function candidate(path: string): BuildCandidate {
  return { path, abi: existsSync(path) ? binaryAbi(readFileSync(path)) : null };
}

/** The `nativeBinding` path for better-sqlite3 installed in `packageDir`, or undefined for its default; throws when no build loads. */
export function resolveNativeBinding(options: {
  readonly packageDir: string;
  readonly runtimeAbi: number;
  readonly isElectron: boolean;
  readonly platform?: string;
  readonly arch?: string;
}): string | undefined {
  if (!options.isElectron) return undefined;
  const sideBySide = candidate(sideBySideBinaryPath(dirname(options.packageDir), options.runtimeAbi, options.platform, options.arch));
  // The default binary is only read when the side-by-side one cannot be used.
  const defaultBuild: BuildCandidate = loadsIn(sideBySide.abi, options.runtimeAbi)
    ? { path: defaultBinaryPath(options.packageDir), abi: null }
    : candidate(defaultBinaryPath(options.packageDir));
  const choice = chooseNativeBinding({ runtimeAbi: options.runtimeAbi, isElectron: true, sideBySide, defaultBuild });
  if (choice.kind === 'none') throw new Error(choice.message);
  return choice.kind === 'side-by-side' ? choice.path : undefined;
}

let resolved: { readonly path: string | undefined } | undefined;

/** better-sqlite3's `nativeBinding` option for this process (resolved once): the side-by-side Electron build under Electron, else undefined. */
export function nativeBinding(): string | undefined {
  if (resolved === undefined) {
    const isElectron = process.versions.electron !== undefined;
    const packageDir = isElectron ? dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')) : '';
    resolved = { path: resolveNativeBinding({ packageDir, runtimeAbi: Number(process.versions.modules), isElectron }) };
  }
  return resolved.path;
}
