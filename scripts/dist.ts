// `npm run dist [-- <electron-builder options>]`: checks Node first (electron-builder and
// @electron/rebuild need ≥ 22.12; `npm start` and `npm test` do not), builds dist/, and runs
// electron-builder, which rebuilds the project's node_modules for Electron in place before
// packaging them. Three things keep that from shipping or leaving a wrong binary:
// - a build/Release/.forge-meta marker that claims another ABI than the binary beside it is
//   removed first — @electron/rebuild skips any module whose marker names Electron's ABI;
// - electron-builder runs without npm's nodedir/target settings, which would make node-gyp compile
//   against Node's headers while the marker still says Electron;
// - every better_sqlite3.node this run packaged must register Electron's ABI, or dist fails;
// and afterwards the Node build is restored (`ensure node`) for the tests and the browser mode.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { binaryAbi, type BinaryAbi } from '../main/datastore/native-binding.js';
import { buildApp } from './build.js';
import { isMainModule } from './main-module.js';
import { electronTarget, ensureNode, nativeDependencies, nodeGypEnv, PROJECT_ROOT } from './native-abi.js';
import { nodeVersionProblem, PACKAGING_NODE } from './node-version.js';

/** Whether an @electron/rebuild `.forge-meta` marker (`<platform>--<arch>--<abi>`) misstates the ABI of the binary beside it. */
export function forgeMetaIsStale(marker: string, built: BinaryAbi | null): boolean {
  const claimed = /--(\d+)\s*$/.exec(marker);
  if (claimed === null || built === null) return true;
  return built.kind === 'napi' ? false : built.kind !== 'v8' || built.abi !== Number(claimed[1]);
}

/** Removes the `.forge-meta` markers under `root`'s native dependencies that misstate their binary's ABI; returns the files removed. */
export function removeStaleForgeMeta(root: string = PROJECT_ROOT): string[] {
  const removed: string[] = [];
  for (const module of nativeDependencies(root)) {
    const dir = join(root, 'node_modules', module, 'build', 'Release');
    const marker = join(dir, '.forge-meta');
    if (!existsSync(marker)) continue;
    const binary = readdirSync(dir).find((name) => name.endsWith('.node') && !name.startsWith('test_'));
    const built = binary === undefined ? null : binaryAbi(readFileSync(join(dir, binary)));
    if (forgeMetaIsStale(readFileSync(marker, 'utf8'), built)) {
      rmSync(marker);
      removed.push(marker);
    }
  }
  return removed;
}

/** The better_sqlite3.node files inside packaged apps (app.asar.unpacked) under `dir` changed since `sinceMs`. */
export function packagedSqliteBinaries(dir: string, sinceMs = 0): string[] {
  const found: string[] = [];
  const walk = (at: string, unpacked: boolean): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path, unpacked || entry.name === 'app.asar.unpacked');
      else if (unpacked && entry.name === 'better_sqlite3.node' && statSync(path).mtimeMs >= sinceMs) found.push(path);
    }
  };
  if (existsSync(dir)) walk(dir, false);
  return found;
}

/** Builds and packages this checkout with electron-builder `args`; returns the exit status. */
async function dist(args: readonly string[]): Promise<number> {
  const root = PROJECT_ROOT;
  await buildApp();
  for (const marker of removeStaleForgeMeta(root)) console.log(`dist: removed ${relative(root, marker)}, which named another ABI than its binary`);
  const started = Date.now();
  let status = 1;
  try {
    const cli = createRequire(join(root, 'package.json')).resolve('electron-builder/cli.js');
    status = spawnSync(process.execPath, [cli, ...args], { cwd: root, env: nodeGypEnv(process.env), stdio: 'inherit' }).status ?? 1;
    if (status === 0) {
      const { abi } = electronTarget(root);
      const wrong = packagedSqliteBinaries(join(root, 'release'), started).filter((file) => {
        const built = binaryAbi(readFileSync(file));
        return built.kind !== 'v8' || built.abi !== abi;
      });
      for (const file of wrong) console.error(`dist: ${relative(root, file)} is not built for Electron's ABI ${abi}; do not ship this package.`);
      if (wrong.length > 0) status = 1;
    }
  } finally {
    // electron-builder rebuilt node_modules for Electron; tests and the browser mode need Node's build.
    if (!ensureNode(root)) status = 1;
  }
  return status;
}

if (isMainModule(import.meta.url)) {
  const problem = nodeVersionProblem(process.version, PACKAGING_NODE, 'npm run dist');
  if (problem !== null) {
    console.error(problem);
    process.exit(1);
  }
  process.exit(await dist(process.argv.slice(2)));
}
