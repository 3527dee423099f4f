// `npm run dist` (scripts/dist.ts) around electron-builder: the Node version is checked before
// anything runs, a `.forge-meta` marker that misstates its binary's ABI is removed so
// @electron/rebuild cannot skip the rebuild, and packaged binaries are found for the ABI check.
// electron-builder itself needs the Electron binary and is not run here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgeMetaIsStale, packagedSqliteBinaries, removeStaleForgeMeta } from '../../../scripts/dist.js';
import { meetsNodeVersion, PACKAGING_NODE } from '../../../scripts/node-version.js';
import { binaryForAbi, ELECTRON_ABI, fixtureProject, NODE_ABI, put, realBinary, root } from './native-fixtures.js';

const marker = (abi: number) => `${process.platform}--${process.arch}--${abi}`;

test('a marker is stale when it names another ABI than its binary, or names none', () => {
  assert.equal(forgeMetaIsStale(marker(150), { kind: 'v8', abi: 115 }), true);
  assert.equal(forgeMetaIsStale(marker(150), { kind: 'v8', abi: 150 }), false);
  assert.equal(forgeMetaIsStale(marker(150) + '\n', { kind: 'v8', abi: 150 }), false);
  assert.equal(forgeMetaIsStale('garbage', { kind: 'v8', abi: 150 }), true);
  assert.equal(forgeMetaIsStale(marker(150), null), true);
  assert.equal(forgeMetaIsStale(marker(150), { kind: 'napi' }), false, 'N-API loads everywhere');
});

test('removeStaleForgeMeta removes a marker claiming Electron beside the Node build, and keeps a truthful one', () => {
  const lying = fixtureProject({ defaultBinary: readFileSync(realBinary) });
  const truthful = fixtureProject({ defaultBinary: binaryForAbi(ELECTRON_ABI) });
  try {
    const lie = put(join(lying, 'node_modules', 'better-sqlite3', 'build', 'Release', '.forge-meta'), marker(ELECTRON_ABI));
    const truth = put(join(truthful, 'node_modules', 'better-sqlite3', 'build', 'Release', '.forge-meta'), marker(ELECTRON_ABI));
    assert.deepEqual(removeStaleForgeMeta(lying), [lie]);
    assert.equal(existsSync(lie), false);
    assert.equal(
      readFileSync(join(lying, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')).equals(readFileSync(realBinary)),
      true,
      'the binary stays',
    );
    assert.deepEqual(removeStaleForgeMeta(truthful), []);
    assert.equal(existsSync(truth), true);
  } finally {
    rmSync(lying, { recursive: true, force: true });
    rmSync(truthful, { recursive: true, force: true });
  }
});

test('packaged binaries are the better_sqlite3.node files inside app.asar.unpacked folders', () => {
  const release = mkdtempSync(join(tmpdir(), 'outpost release '));
  try {
    const linux = put(
      join(release, 'linux-unpacked', 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
      binaryForAbi(ELECTRON_ABI),
    );
    const mac = put(
      join(
        release,
        'mac',
        'Outpost.app',
        'Contents',
        'Resources',
        'app.asar.unpacked',
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node',
      ),
      readFileSync(realBinary),
    );
    put(join(release, 'elsewhere', 'better_sqlite3.node'), 'not packaged');
    assert.deepEqual(packagedSqliteBinaries(release).sort(), [linux, mac].sort());
    assert.deepEqual(packagedSqliteBinaries(join(release, 'missing')), []);
    assert.deepEqual(packagedSqliteBinaries(release, Date.now() + 60_000), [], 'only what this run wrote');
    assert.notEqual(NODE_ABI, ELECTRON_ABI);
  } finally {
    rmSync(release, { recursive: true, force: true });
  }
});

const oldNode = meetsNodeVersion(process.version, PACKAGING_NODE) ? `this is Node ${process.version}, which packaging accepts` : false;

test('npm run dist on Node older than 22.12 stops first, in one line saying what is needed', { skip: oldNode }, () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'dist.ts')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, '', 'nothing was built');
  assert.equal(
    result.stderr.trim(),
    `npm run dist needs Node ${PACKAGING_NODE} or newer (electron-builder and @electron/rebuild require it); this is Node ${process.version.slice(1)}. npm start and npm test work on Node 20.19+.`,
  );
});
