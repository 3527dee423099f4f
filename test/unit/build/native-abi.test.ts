// The Node and Electron builds of better-sqlite3 kept side by side (scripts/native-abi.ts): which
// ABI a binary targets, what `check` reports, and `ensure electron` building in a scratch copy —
// refusing a product with the wrong ABI, failing with a clear message where Electron's headers
// cannot be fetched, and never touching the Node build. Fixture projects hold copies of the real
// binary (see native-fixtures.ts). A real Electron compile needs electronjs.org and is not run here;
// a real compile against Node's headers (what npm's nodedir causes) runs with OUTPOST_NATIVE_COMPILE_TEST=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  binaryAbi,
  check,
  decideRebuild,
  electronBuildPath,
  electronGypArgs,
  electronTarget,
  ensureElectron,
  judgeElectronBuild,
  nativeDependencies,
  nodeGypEnv,
  targetAbiOf,
  type ElectronBuilder,
} from '../../../scripts/native-abi.js';
import { binaryForAbi, ELECTRON_ABI, fixtureProject, NODE_ABI, put, realBinary, root } from './native-fixtures.js';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under `dir` with its sha-256, so "untouched" covers the whole build folder. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[path.slice(dir.length)] = sha256(path);
    }
  };
  walk(dir);
  return out;
}

function collect(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** A builder standing in for node-gyp: writes `binary` where node-gyp writes its product, and records the call. */
function producing(binary: Buffer | null, calls: string[][] = []): ElectronBuilder {
  return (packageDir, args) => {
    calls.push([packageDir, ...args]);
    if (binary !== null) put(join(packageDir, 'build', 'Release', 'better_sqlite3.node'), binary);
    return true;
  };
}

test('reads the ABI from the registration symbol compiled into an addon', () => {
  assert.deepEqual(binaryAbi(Buffer.from('\0\0node_register_module_v115\0')), { kind: 'v8', abi: 115 });
  assert.deepEqual(binaryAbi(Buffer.from('xx node_register_module_v150 yy')), { kind: 'v8', abi: 150 });
  assert.deepEqual(binaryAbi(Buffer.from('napi_register_module_v1')), { kind: 'napi' });
  assert.deepEqual(binaryAbi(Buffer.from('nothing here')), { kind: 'unknown' });
  assert.deepEqual(binaryAbi(readFileSync(realBinary)), { kind: 'v8', abi: NODE_ABI });
  assert.deepEqual(binaryAbi(binaryForAbi(ELECTRON_ABI)), { kind: 'v8', abi: ELECTRON_ABI });
});

test('rebuilds only when the built ABI differs from the runtime that will load it', () => {
  const node = { kind: 'v8', abi: 115 } as const;
  const electron = { kind: 'v8', abi: 150 } as const;
  assert.equal(decideRebuild('m', node, 'node', 115).action, 'none');
  assert.equal(decideRebuild('m', node, 'electron', 150).action, 'rebuild');
  assert.equal(decideRebuild('m', electron, 'electron', 150).action, 'none');
  assert.equal(decideRebuild('m', electron, 'node', 115).action, 'rebuild');
  assert.equal(decideRebuild('m', { kind: 'napi' }, 'electron', 150).action, 'none');
  assert.equal(decideRebuild('m', { kind: 'unknown' }, 'node', 115).action, 'rebuild');
  assert.equal(decideRebuild('m', null, 'node', 115).action, 'missing');
  assert.match(decideRebuild('better-sqlite3', node, 'electron', 150).reason, /ABI 115.*electron needs ABI 150/);
});

test("a scratch build is installed only when its binary registers Electron's ABI", () => {
  assert.deepEqual(judgeElectronBuild({ kind: 'v8', abi: 150 }, 150), { ok: true });
  const nodeAbi = judgeElectronBuild({ kind: 'v8', abi: 115 }, 150);
  assert.equal(nodeAbi.ok, false);
  assert.match(nodeAbi.ok ? '' : nodeAbi.reason, /ABI 115, not Electron's ABI 150.*nodedir/);
  assert.equal(judgeElectronBuild({ kind: 'unknown' }, 150).ok, false);
  assert.equal(judgeElectronBuild(null, 150).ok, false);
});

test("node-gyp runs for Electron without npm's nodedir and target settings, which would override its command line", () => {
  const env = nodeGypEnv({
    PATH: '/bin',
    npm_config_nodedir: '/usr',
    NPM_CONFIG_NODEDIR: '/usr',
    npm_config_target: '20.19.0',
    npm_config_runtime: 'node',
    npm_config_disturl: 'x',
    npm_package_config_node_gyp_nodedir: '/usr',
    npm_config_cafile: '/ca.pem',
    npm_config_https_proxy: 'http://proxy',
  });
  assert.deepEqual(env, { PATH: '/bin', npm_config_cafile: '/ca.pem', npm_config_https_proxy: 'http://proxy' });
  assert.deepEqual(electronGypArgs('45.4.1', 'arm64', 'https://electronjs.org/headers'), [
    'rebuild',
    '--release',
    '--target=45.4.1',
    '--arch=arm64',
    '--dist-url=https://electronjs.org/headers',
  ]);
});

test('this checkout: the Electron target comes from node_modules/electron/abi_version, and the Node build is in place for tests', () => {
  assert.ok(nativeDependencies().includes('better-sqlite3'));
  assert.equal(targetAbiOf('node'), NODE_ABI);
  assert.equal(targetAbiOf('electron'), ELECTRON_ABI);
  assert.equal(electronTarget().abi, 150, 'Electron 45 is NODE_MODULE_VERSION 150');
  assert.deepEqual(
    check('node').filter((d) => d.action !== 'none'),
    [],
    'pretest should have left a Node build',
  );
  assert.equal(check('electron').find((d) => d.module === 'keytar')?.action ?? 'none', 'none', 'keytar is N-API');
  assert.match(
    electronBuildPath(),
    new RegExp(
      `node_modules[/\\\\]\\.outpost-native[/\\\\]better-sqlite3[/\\\\]electron-abi150-${process.platform}-${process.arch}[/\\\\]better_sqlite3\\.node$`,
    ),
  );
});

test('check: the Node build and the side-by-side Electron build are judged separately, each by its binary', () => {
  const both = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  const nodeOnly = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    put(electronBuildPath(both), binaryForAbi(ELECTRON_ABI));
    assert.equal(check('node', both)[0].action, 'none');
    assert.equal(check('electron', both)[0].action, 'none');
    assert.equal(check('node', nodeOnly)[0].action, 'none');
    assert.equal(check('electron', nodeOnly)[0].action, 'missing');
  } finally {
    rmSync(both, { recursive: true, force: true });
    rmSync(nodeOnly, { recursive: true, force: true });
  }
});

test('a stale .forge-meta claiming the Electron ABI beside Node-ABI binaries is ignored: check says rebuild and ensure rebuilds', () => {
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    const meta = `${process.platform}--${process.arch}--${ELECTRON_ABI}`; // @electron/rebuild's marker format
    put(join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', '.forge-meta'), meta);
    const stale = electronBuildPath(project);
    put(stale, readFileSync(realBinary));
    put(join(stale, '..', '.forge-meta'), meta);
    assert.equal(check('electron', project)[0].action, 'rebuild');
    assert.match(check('electron', project)[0].reason, new RegExp(`built for ABI ${NODE_ABI}; electron needs ABI ${ELECTRON_ABI}`));
    const calls: string[][] = [];
    const { lines, log } = collect();
    assert.equal(ensureElectron({ root: project, build: producing(binaryForAbi(ELECTRON_ABI), calls), log, error: log }), true);
    assert.equal(calls.length, 1, 'the stale build was rebuilt');
    assert.deepEqual(binaryAbi(readFileSync(stale)), { kind: 'v8', abi: ELECTRON_ABI });
    assert.match(lines.join('\n'), new RegExp(`is for ABI ${NODE_ABI}; rebuilding it`));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('ensure electron builds in a scratch copy, installs at the versioned path, leaves the Node build alone, and is a no-op the second time', () => {
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    const buildDir = join(project, 'node_modules', 'better-sqlite3', 'build');
    const before = snapshot(buildDir);
    const calls: string[][] = [];
    const { log } = collect();
    assert.equal(ensureElectron({ root: project, build: producing(binaryForAbi(ELECTRON_ABI), calls), log, error: log }), true);
    const [scratch, ...args] = calls[0];
    assert.ok(!scratch.startsWith(project), `built outside the project (${scratch})`);
    assert.ok(!existsSync(scratch), 'the scratch copy is removed');
    assert.deepEqual(args, electronGypArgs(electronTarget(project).version, process.arch, 'https://electronjs.org/headers'));
    assert.deepEqual(binaryAbi(readFileSync(electronBuildPath(project))), { kind: 'v8', abi: ELECTRON_ABI });
    assert.deepEqual(snapshot(buildDir), before, 'the Node build folder is byte-for-byte unchanged');
    assert.equal(ensureElectron({ root: project, build: producing(null, calls), log, error: log }), true);
    assert.equal(calls.length, 1, 'a second run does not build');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('a scratch Electron build that came out with the Node ABI is refused: nothing installed, the Node build untouched', () => {
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    const buildDir = join(project, 'node_modules', 'better-sqlite3', 'build');
    const before = snapshot(buildDir);
    const errors: string[] = [];
    const ok = ensureElectron({ root: project, build: producing(readFileSync(realBinary)), log: () => {}, error: (line) => errors.push(line) });
    assert.equal(ok, false);
    assert.match(
      errors.join('\n'),
      new RegExp(`refusing the Electron build of better-sqlite3: node-gyp produced ABI ${NODE_ABI}, not Electron's ABI ${ELECTRON_ABI}`),
    );
    assert.match(errors.join('\n'), /Nothing was installed; the Node build is untouched/);
    assert.equal(existsSync(electronBuildPath(project)), false);
    assert.deepEqual(snapshot(buildDir), before);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("ensure electron with real node-gyp where Electron's headers cannot be fetched: clear message, exit false, Node build byte-for-byte unchanged", async () => {
  // A loopback port nothing listens on: taken, then released.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary), fullPackage: true });
  const devDir = join(project, 'gyp-cache');
  const previous = process.env.npm_config_nodedir;
  // With npm's nodedir left in, node-gyp would compile against Node's headers instead of failing.
  process.env.npm_config_nodedir = process.execPath.replace(/[/\\]bin[/\\][^/\\]+$/, '');
  try {
    const nodeBinary = join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const before = sha256(nodeBinary);
    const errors: string[] = [];
    const distUrl = `http://127.0.0.1:${port}/headers`;
    const ok = ensureElectron({ root: project, distUrl, devDir, output: 'ignore', log: () => {}, error: (line) => errors.push(line) });
    assert.equal(ok, false);
    assert.equal(errors.length, 1, 'one message');
    assert.match(
      errors[0],
      new RegExp(
        `could not build better-sqlite3 for Electron .* \\(ABI ${ELECTRON_ABI}\\)\\. This needs Electron's headers from ${distUrl.replace(/[.]/g, '\\.')} \\(network access\\)`,
      ),
    );
    assert.match(errors[0], /The Node build is untouched\. Run npm start once with network access to electronjs\.org/);
    assert.equal(sha256(nodeBinary), before);
    assert.equal(sha256(nodeBinary), sha256(realBinary));
    assert.equal(existsSync(electronBuildPath(project)), false);
  } finally {
    if (previous === undefined) delete process.env.npm_config_nodedir;
    else process.env.npm_config_nodedir = previous;
    rmSync(project, { recursive: true, force: true });
  }
});

const compile =
  process.env.OUTPOST_NATIVE_COMPILE_TEST === '1'
    ? false
    : 'compiles SQLite with node-gyp (about a minute of CPU); set OUTPOST_NATIVE_COMPILE_TEST=1 to run it';

test(
  "real compile: node-gyp told to target Electron but given npm's nodedir builds for Node's ABI, and that product is refused",
  { skip: compile, timeout: 600_000 },
  () => {
    const project = fixtureProject({ defaultBinary: readFileSync(realBinary), fullPackage: true });
    try {
      const nodeBinary = join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
      const before = sha256(nodeBinary);
      const nodeGyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
      // What an npm `nodedir` setting does to node-gyp when nothing removes it.
      const nodedir = process.execPath.replace(/[/\\]bin[/\\][^/\\]+$/, '');
      const withNodedir: ElectronBuilder = (cwd, args) =>
        spawnSync(process.execPath, [nodeGyp, ...args], { cwd, env: { ...process.env, npm_config_nodedir: nodedir }, stdio: 'ignore' }).status === 0;
      const errors: string[] = [];
      assert.equal(ensureElectron({ root: project, build: withNodedir, log: () => {}, error: (line) => errors.push(line) }), false);
      assert.match(
        errors.join('\n'),
        new RegExp(`refusing the Electron build of better-sqlite3: node-gyp produced ABI ${NODE_ABI}, not Electron's ABI ${ELECTRON_ABI}`),
      );
      assert.equal(existsSync(electronBuildPath(project)), false);
      assert.equal(sha256(nodeBinary), before);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  },
);
