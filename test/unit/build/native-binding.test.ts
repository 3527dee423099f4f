// Which better-sqlite3 binary each runtime loads (main/datastore/native-binding.ts): the pure
// decision, and the resolver over real fixture folders holding copies of the real binary — both
// builds present, only one, a stale `.forge-meta` marker beside a Node-ABI binary (judged by the
// binary), and the clear error when Electron has no build it can load.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { chooseNativeBinding, defaultBinaryPath, nativeBinding, resolveNativeBinding, sideBySideBinaryPath } from '../../../main/datastore/native-binding.js';
import { binaryForAbi, ELECTRON_ABI, fixtureProject, NODE_ABI, put, realBinary } from './native-fixtures.js';

const v8 = (abi: number) => ({ kind: 'v8', abi }) as const;
const side = (abi: number | null) => ({ path: '/nm/.outpost-native/x.node', abi: abi === null ? null : v8(abi) });
const dflt = (abi: number | null) => ({ path: '/nm/better-sqlite3/build/Release/better_sqlite3.node', abi: abi === null ? null : v8(abi) });

test('the decision: Node always takes the default; Electron takes a matching side-by-side build, else a matching default, else explains', () => {
  assert.deepEqual(chooseNativeBinding({ runtimeAbi: 115, isElectron: false, sideBySide: side(150), defaultBuild: dflt(115) }), { kind: 'default' });
  assert.deepEqual(chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(150), defaultBuild: dflt(115) }), {
    kind: 'side-by-side',
    path: side(150).path,
  });
  assert.deepEqual(
    chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(null), defaultBuild: dflt(150) }),
    { kind: 'default' },
    'a packaged app',
  );
  assert.deepEqual(chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(115), defaultBuild: dflt(150) }), { kind: 'default' });
  assert.deepEqual(chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(null), defaultBuild: { path: 'x', abi: { kind: 'napi' } } }), {
    kind: 'default',
  });
  const none = chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(null), defaultBuild: dflt(115) });
  assert.equal(none.kind, 'none');
  assert.match(
    none.kind === 'none' ? none.message : '',
    /no build for this Electron \(ABI 150\): \/nm\/\.outpost-native\/x\.node is missing, and .*better_sqlite3\.node is built for ABI 115\. Run `npm start` once with network access to electronjs\.org/,
  );
  assert.equal(chooseNativeBinding({ runtimeAbi: 150, isElectron: true, sideBySide: side(115), defaultBuild: dflt(null) }).kind, 'none');
});

test('resolver, both builds present: Electron gets the side-by-side build, Node the default (undefined)', () => {
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    const packageDir = join(project, 'node_modules', 'better-sqlite3');
    const electronBuild = put(sideBySideBinaryPath(join(project, 'node_modules'), ELECTRON_ABI), binaryForAbi(ELECTRON_ABI));
    assert.equal(resolveNativeBinding({ packageDir, runtimeAbi: ELECTRON_ABI, isElectron: true }), electronBuild);
    assert.equal(resolveNativeBinding({ packageDir, runtimeAbi: NODE_ABI, isElectron: false }), undefined);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('resolver, one build present: only a Node build → clear error under Electron; only an Electron default build (packaged) → default', () => {
  const nodeOnly = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  const packaged = fixtureProject({ defaultBinary: binaryForAbi(ELECTRON_ABI) });
  try {
    const packageDir = join(nodeOnly, 'node_modules', 'better-sqlite3');
    assert.throws(
      () => resolveNativeBinding({ packageDir, runtimeAbi: ELECTRON_ABI, isElectron: true }),
      new RegExp(
        `better-sqlite3 has no build for this Electron \\(ABI ${ELECTRON_ABI}\\).*is missing, and .*built for ABI ${NODE_ABI}\\. Run \`npm start\` once with network access to electronjs\\.org`,
      ),
    );
    assert.equal(resolveNativeBinding({ packageDir, runtimeAbi: NODE_ABI, isElectron: false }), undefined);
    assert.equal(resolveNativeBinding({ packageDir: join(packaged, 'node_modules', 'better-sqlite3'), runtimeAbi: ELECTRON_ABI, isElectron: true }), undefined);
  } finally {
    rmSync(nodeOnly, { recursive: true, force: true });
    rmSync(packaged, { recursive: true, force: true });
  }
});

test('resolver: a .forge-meta marker claiming the Electron ABI beside Node-ABI binaries does not make them load in Electron', () => {
  const project = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  try {
    const packageDir = join(project, 'node_modules', 'better-sqlite3');
    const meta = `${process.platform}--${process.arch}--${ELECTRON_ABI}`; // @electron/rebuild's marker format
    put(join(packageDir, 'build', 'Release', '.forge-meta'), meta);
    const stale = put(sideBySideBinaryPath(join(project, 'node_modules'), ELECTRON_ABI), readFileSync(realBinary));
    put(join(stale, '..', '.forge-meta'), meta);
    assert.throws(
      () => resolveNativeBinding({ packageDir, runtimeAbi: ELECTRON_ABI, isElectron: true }),
      new RegExp(`is built for ABI ${NODE_ABI}, and .* is built for ABI ${NODE_ABI}`),
    );
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('better-sqlite3 loads the binary the resolver names through its nativeBinding option (a relocated copy, in this Node)', () => {
  const project = fixtureProject({ defaultBinary: null });
  try {
    // This Node plays the runtime: its build, placed where a side-by-side build goes, is chosen and loads.
    const relocated = sideBySideBinaryPath(join(project, 'node_modules'), NODE_ABI);
    put(relocated, '');
    copyFileSync(realBinary, relocated);
    const path = resolveNativeBinding({ packageDir: join(project, 'node_modules', 'better-sqlite3'), runtimeAbi: NODE_ABI, isElectron: true });
    assert.equal(path, relocated);
    const db = new Database(':memory:', { nativeBinding: path });
    assert.deepEqual(db.prepare('select 1 + 1 as two').get(), { two: 2 });
    db.close();
    assert.equal(
      defaultBinaryPath(join(project, 'node_modules', 'better-sqlite3')),
      join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    );
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("in Node (tests, browser mode) the datastore keeps better-sqlite3's default binding", () => {
  assert.equal(process.versions.electron, undefined);
  assert.equal(nativeBinding(), undefined);
});
