// Keeps native modules built for the runtime about to load them. better-sqlite3 is compiled against
// V8's ABI, so Electron (NODE_MODULE_VERSION 150 for Electron 45) and Node 20 (115) each need
// their own build; N-API modules such as keytar work in both and are left alone.
//
// `ensure node` (run by `npm test` as `pretest`) and `ensure electron` (run by `npm start` and
// `npm run dist`) read which ABI each installed binary was built for — from the registration
// symbol compiled into the .node file, no loading needed — and rebuild only when it differs, so
// either command can follow the other and a second run is a no-op.
//
// Usage: node --import tsx scripts/native-abi.ts <check|ensure> <node|electron>
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Runtime = 'node' | 'electron';

/** What a compiled addon registers as: a V8-ABI module for one NODE_MODULE_VERSION, or N-API (any runtime). */
export type BinaryAbi = { readonly kind: 'v8'; readonly abi: number } | { readonly kind: 'napi' } | { readonly kind: 'unknown' };

export interface RebuildDecision {
  readonly module: string;
  readonly action: 'none' | 'rebuild' | 'missing';
  readonly reason: string;
}

/** Reads the ABI an addon binary was compiled for from its `node_register_module_v<N>` / `napi_register_module_v1` symbol. */
export function binaryAbi(contents: Buffer): BinaryAbi {
  const text = contents.toString('latin1');
  const v8 = /node_register_module_v(\d+)/.exec(text);
  if (v8) return { kind: 'v8', abi: Number(v8[1]) };
  if (text.includes('napi_register_module_v')) return { kind: 'napi' };
  return { kind: 'unknown' };
}

/** Decides whether `module` must be rebuilt to load in a runtime whose NODE_MODULE_VERSION is `targetAbi`. */
export function decideRebuild(module: string, built: BinaryAbi | null, runtime: Runtime, targetAbi: number): RebuildDecision {
  if (built === null) return { module, action: 'missing', reason: `${module} has no compiled binary; run npm install` };
  switch (built.kind) {
    case 'napi':
      return { module, action: 'none', reason: `${module} uses N-API and loads in any runtime` };
    case 'unknown':
      return { module, action: 'rebuild', reason: `${module}'s binary does not say which ABI it targets` };
    case 'v8':
      return built.abi === targetAbi
        ? { module, action: 'none', reason: `${module} is built for ${runtime} (ABI ${targetAbi})` }
        : { module, action: 'rebuild', reason: `${module} is built for ABI ${built.abi}; ${runtime} needs ABI ${targetAbi}` };
  }
}

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));

/** The NODE_MODULE_VERSION of the runtime: this Node's, or the installed electron package's. */
export function targetAbiOf(runtime: Runtime): number {
  if (runtime === 'node') return Number(process.versions.modules);
  const version = (require('electron/package.json') as { version: string }).version;
  const nodeAbi = require('node-abi') as { getAbi(target: string, runtime: string): string };
  return Number(nodeAbi.getAbi(version, 'electron'));
}

/** Native modules among the app's dependencies (packages with a binding.gyp). */
export function nativeDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => existsSync(join(root, 'node_modules', name, 'binding.gyp')));
}

function compiledBinary(module: string): Buffer | null {
  const dir = join(root, 'node_modules', module, 'build', 'Release');
  if (!existsSync(dir)) return null;
  const file = readdirSync(dir).find((name) => name.endsWith('.node') && !name.startsWith('test_'));
  return file ? readFileSync(join(dir, file)) : null;
}

/** The decision for every native dependency. */
export function check(runtime: Runtime): RebuildDecision[] {
  const target = targetAbiOf(runtime);
  return nativeDependencies().map((module) => {
    const binary = compiledBinary(module);
    return decideRebuild(module, binary ? binaryAbi(binary) : null, runtime, target);
  });
}

/** Rebuilds what `check` says needs it; returns false (after saying why) when a rebuild failed. */
export function ensure(runtime: Runtime): boolean {
  const decisions = check(runtime);
  const needed = decisions.filter((d) => d.action !== 'none').map((d) => d.module);
  for (const d of decisions) console.log(`native-abi: ${d.reason}`);
  if (needed.length === 0) return true;
  console.log(`native-abi: rebuilding ${needed.join(', ')} for ${runtime}…`);
  const result =
    runtime === 'node'
      ? spawnSync('npm', ['rebuild', ...needed, '--build-from-source'], { cwd: root, stdio: 'inherit' })
      : // @electron/rebuild (through electron-builder) fetches Electron's headers from electronjs.org.
        spawnSync('npx', ['electron-builder', 'install-app-deps'], { cwd: root, stdio: 'inherit' });
  const after = check(runtime).filter((d) => d.action !== 'none');
  if (result.status !== 0 || after.length > 0) {
    console.error(
      runtime === 'electron'
        ? 'native-abi: could not build the native modules for Electron. This needs Electron\'s headers from https://electronjs.org/headers (network access); the Node build is left in place.'
        : `native-abi: could not rebuild ${needed.join(', ')} for Node ${process.version}; a C++ toolchain (python3, make, g++) is required.`,
    );
    return false;
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, runtime] = process.argv.slice(2);
  if ((command !== 'check' && command !== 'ensure') || (runtime !== 'node' && runtime !== 'electron')) {
    console.error('usage: native-abi.ts <check|ensure> <node|electron>');
    process.exit(2);
  }
  if (command === 'check') {
    const decisions = check(runtime);
    for (const d of decisions) console.log(`${d.action.padEnd(8)} ${d.reason}`);
    process.exit(decisions.every((d) => d.action === 'none') ? 0 : 1);
  }
  process.exit(ensure(runtime) ? 0 : 1);
}
