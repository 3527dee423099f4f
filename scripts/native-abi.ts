// Keeps a Node build and an Electron build of better-sqlite3 side by side, so `npm test` and
// `npm start` never rebuild each other's. better-sqlite3 is compiled against V8's ABI: Node 20 is
// NODE_MODULE_VERSION 115, Electron 45 is 150 (node_modules/electron/abi_version). N-API modules
// such as keytar load in both and are left alone.
//
// - The Node build stays where npm puts it (node_modules/better-sqlite3/build/Release).
//   `ensure node` (pretest, and the browser mode) rebuilds it in place only when its binary is
//   for another ABI — e.g. after `npm run dist`, whose electron-builder rebuilds node_modules.
// - The Electron build is compiled by node-gyp in a scratch copy of the package, so the Node
//   build and its build/ folder are never touched, and is installed at
//   node_modules/.outpost-native/better-sqlite3/electron-abi<N>-<platform>-<arch>/ (see
//   main/datastore/native-binding.ts, which loads it under Electron). `ensure electron` (npm start)
//   builds it once; later runs are no-ops.
// Every binary is judged by the registration symbol compiled into it, never by a marker beside it:
// @electron/rebuild trusts build/Release/.forge-meta, which names the Electron ABI even when an
// npm `nodedir` setting made node-gyp compile against Node's headers. For the same reason the
// Electron build runs without npm's nodedir, and its product is checked before it is installed.
//
// Usage: node --import tsx scripts/native-abi.ts <check|ensure> <node|electron>
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryAbi, sideBySideBinaryPath, type BinaryAbi } from '../main/datastore/native-binding.js';
import { isMainModule } from './main-module.js';
import { npmCommand } from './npm-command.js';

export { binaryAbi, type BinaryAbi } from '../main/datastore/native-binding.js';

export type Runtime = 'node' | 'electron';

export interface RebuildDecision {
  readonly module: string;
  readonly action: 'none' | 'rebuild' | 'missing';
  readonly reason: string;
}

/** Where Electron's headers come from by default (node-gyp's --dist-url). */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** The project root this script belongs to. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The V8-ABI module that gets a side-by-side Electron build. */
const SIDE_BY_SIDE_MODULE = 'better-sqlite3';

/** Decides whether `module` must be rebuilt to load in a runtime whose NODE_MODULE_VERSION is `targetAbi`. */
export function decideRebuild(module: string, built: BinaryAbi | null, runtime: Runtime, targetAbi: number): RebuildDecision {
  if (built === null) return { module, action: 'missing', reason: `${module} has no compiled binary for ${runtime}` };
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

/** Whether a scratch Electron build may be installed: only when its binary registers Electron's ABI. */
export function judgeElectronBuild(built: BinaryAbi | null, electronAbi: number): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  if (built === null) return { ok: false, reason: 'node-gyp produced no better_sqlite3.node' };
  if (built.kind === 'v8' && built.abi === electronAbi) return { ok: true };
  const got = built.kind === 'v8' ? `ABI ${built.abi}` : 'a binary whose ABI cannot be read';
  return {
    ok: false,
    reason: `node-gyp produced ${got}, not Electron's ABI ${electronAbi} (an npm \`nodedir\` setting or Node's headers were used instead of Electron's)`,
  };
}

/** The installed electron package's version and NODE_MODULE_VERSION (from its abi_version file), under project `root`. */
export function electronTarget(root: string = PROJECT_ROOT): { readonly version: string; readonly abi: number } {
  const dir = join(root, 'node_modules', 'electron');
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const abi = Number(readFileSync(join(dir, 'abi_version'), 'utf8').trim());
  if (!Number.isInteger(abi) || abi <= 0) throw new Error(`${join(dir, 'abi_version')} does not hold an ABI number`);
  return { version, abi };
}

/** The NODE_MODULE_VERSION of the runtime: this Node's, or the installed electron package's. */
export function targetAbiOf(runtime: Runtime, root: string = PROJECT_ROOT): number {
  return runtime === 'node' ? Number(process.versions.modules) : electronTarget(root).abi;
}

/** Native modules among the app's dependencies (packages with a binding.gyp), under project `root`. */
export function nativeDependencies(root: string = PROJECT_ROOT): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => existsSync(join(root, 'node_modules', name, 'binding.gyp')));
}

function defaultBinaryFile(root: string, module: string): string | null {
  const dir = join(root, 'node_modules', module, 'build', 'Release');
  if (!existsSync(dir)) return null;
  const file = readdirSync(dir).find((name) => name.endsWith('.node') && !name.startsWith('test_'));
  return file ? join(dir, file) : null;
}

function abiOfFile(file: string | null): BinaryAbi | null {
  return file !== null && existsSync(file) ? binaryAbi(readFileSync(file)) : null;
}

/** The side-by-side Electron build of better-sqlite3 for the installed Electron, under project `root`. */
export function electronBuildPath(root: string = PROJECT_ROOT): string {
  return sideBySideBinaryPath(join(root, 'node_modules'), electronTarget(root).abi);
}

/** The decision for every native dependency: for Node, the default builds; for Electron, the side-by-side build (N-API modules: their default build). */
export function check(runtime: Runtime, root: string = PROJECT_ROOT): RebuildDecision[] {
  const target = targetAbiOf(runtime, root);
  return nativeDependencies(root).map((module) => {
    const file = runtime === 'electron' && module === SIDE_BY_SIDE_MODULE ? electronBuildPath(root) : defaultBinaryFile(root, module);
    const abi = abiOfFile(file);
    if (runtime === 'electron' && module !== SIDE_BY_SIDE_MODULE && abi?.kind !== 'napi') {
      return { module, action: 'rebuild', reason: `${module} is a V8-ABI module without a side-by-side Electron build` };
    }
    return decideRebuild(module, abi, runtime, target);
  });
}

// npm (and node-gyp's own env handling) turn these into node-gyp options that override its
// command line; an npm `nodedir` in particular makes it compile against Node's headers.
const NODE_GYP_TARGET_ENV = /^(npm_config_|npm_package_config_node_gyp_)(nodedir|target|target_arch|arch|runtime|disturl|dist_url|devdir)$/i;

/** `env` without the npm settings that would redirect node-gyp away from the target given on its command line. */
export function nodeGypEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !NODE_GYP_TARGET_ENV.test(key)));
}

/** The node-gyp arguments that build for Electron `version` on `arch` with headers from `distUrl`. */
export function electronGypArgs(version: string, arch: string, distUrl: string, devDir?: string): string[] {
  return ['rebuild', '--release', `--target=${version}`, `--arch=${arch}`, `--dist-url=${distUrl}`, ...(devDir ? [`--devdir=${devDir}`] : [])];
}

// The tool's own node-gyp (installed with electron-builder), whichever project it builds.
function nodeGypScript(): string {
  try {
    return createRequire(join(PROJECT_ROOT, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm hands its bundled node-gyp to scripts it runs.
    const bundled = process.env.npm_config_node_gyp;
    if (bundled !== undefined && existsSync(bundled)) return bundled;
    throw new Error('node-gyp is not installed (it comes with npm and with electron-builder); run npm install');
  }
}

/** Compiles the package in `packageDir`; returns whether node-gyp exited 0. */
export type ElectronBuilder = (packageDir: string, gypArgs: readonly string[]) => boolean;

export interface EnsureElectronOptions {
  /** The project whose node_modules holds electron and better-sqlite3; default this checkout. */
  readonly root?: string;
  /** node-gyp's --dist-url; default https://electronjs.org/headers (OUTPOST_ELECTRON_HEADERS_URL overrides). */
  readonly distUrl?: string;
  /** node-gyp's header cache; default node-gyp's own (~/.cache/node-gyp). */
  readonly devDir?: string;
  /** Runs the compile; default node-gyp with npm's target settings removed from its environment. */
  readonly build?: ElectronBuilder;
  /** Where node-gyp's output goes; default the terminal. */
  readonly output?: 'inherit' | 'ignore';
  /** Progress and error lines; default console.log / console.error. */
  readonly log?: (line: string) => void;
  readonly error?: (line: string) => void;
}

/** Makes sure the side-by-side Electron build exists (building it in a scratch copy when not); false, after saying why, when it cannot. */
export function ensureElectron(options: EnsureElectronOptions = {}): boolean {
  const root = options.root ?? PROJECT_ROOT;
  const log = options.log ?? ((line: string) => console.log(line));
  const error = options.error ?? ((line: string) => console.error(line));
  const { version, abi } = electronTarget(root);
  const dest = electronBuildPath(root);
  const shown = relative(root, dest).split(sep).join('/');
  const existing = abiOfFile(dest);
  if (existing?.kind === 'v8' && existing.abi === abi) {
    log(`native-abi: better-sqlite3 has its Electron build (ABI ${abi}) at ${shown}`);
    return true;
  }
  log(
    existing === null
      ? `native-abi: building better-sqlite3 for Electron ${version} (ABI ${abi}) beside the Node build…`
      : `native-abi: ${shown} is ${existing.kind === 'v8' ? `for ABI ${existing.abi}` : 'unreadable'}; rebuilding it for Electron ${version} (ABI ${abi})…`,
  );
  const distUrl = options.distUrl ?? process.env.OUTPOST_ELECTRON_HEADERS_URL ?? ELECTRON_HEADERS_URL;
  const output = options.output ?? 'inherit';
  const build: ElectronBuilder =
    options.build ??
    ((cwd, gypArgs) =>
      spawnSync(process.execPath, [nodeGypScript(), ...gypArgs], { cwd, env: nodeGypEnv(process.env), stdio: ['ignore', output, output] }).status === 0);
  const scratch = mkdtempSync(join(tmpdir(), 'outpost-electron-sqlite-'));
  try {
    const source = join(root, 'node_modules', SIDE_BY_SIDE_MODULE);
    const copy = join(scratch, SIDE_BY_SIDE_MODULE);
    // Everything but build/: the scratch build starts clean and the Node build is only read.
    cpSync(source, copy, { recursive: true, filter: (path) => path !== join(source, 'build') && path !== join(source, 'node_modules') });
    if (!build(copy, electronGypArgs(version, process.arch, distUrl, options.devDir))) {
      error(
        `native-abi: could not build better-sqlite3 for Electron ${version} (ABI ${abi}). This needs Electron's headers from ${distUrl} ` +
          '(network access) and a C++ toolchain (python3, make, a C++20 compiler). The Node build is untouched. ' +
          'Run npm start once with network access to electronjs.org; until then `npm start` runs the app in browser mode.',
      );
      return false;
    }
    const produced = join(copy, 'build', 'Release', 'better_sqlite3.node');
    const verdict = judgeElectronBuild(abiOfFile(produced), abi);
    if (!verdict.ok) {
      error(`native-abi: refusing the Electron build of better-sqlite3: ${verdict.reason}. Nothing was installed; the Node build is untouched.`);
      return false;
    }
    mkdirSync(dirname(dest), { recursive: true });
    // Copied beside its place and renamed, so a half-written binary is never loaded.
    copyFileSync(produced, `${dest}.partial`);
    renameSync(`${dest}.partial`, dest);
    log(`native-abi: installed better-sqlite3's Electron build at ${shown}`);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Makes sure the Node builds (in place) load in this Node, rebuilding what does not; false, after saying why, when a rebuild failed. */
export function ensureNode(root: string = PROJECT_ROOT): boolean {
  const decisions = check('node', root);
  const needed = decisions.filter((d) => d.action !== 'none').map((d) => d.module);
  for (const d of decisions) console.log(`native-abi: ${d.reason}`);
  if (needed.length === 0) return true;
  console.log(`native-abi: rebuilding ${needed.join(', ')} for Node ${process.version}…`);
  const npm = npmCommand(['rebuild', ...needed, '--build-from-source']);
  const result = spawnSync(npm.command, npm.args, { cwd: root, stdio: 'inherit', shell: npm.shell });
  if (result.status !== 0 || check('node', root).some((d) => d.action !== 'none')) {
    console.error(`native-abi: could not rebuild ${needed.join(', ')} for Node ${process.version}; a C++ toolchain (python3, make, g++) is required.`);
    return false;
  }
  return true;
}

/** `ensureNode` or `ensureElectron` for this checkout. */
export function ensure(runtime: Runtime): boolean {
  return runtime === 'node' ? ensureNode() : ensureElectron();
}

if (isMainModule(import.meta.url)) {
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
