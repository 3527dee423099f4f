// The native-module switching decision behind `npm test` (Node build) and `npm start` (Electron
// build): which ABI a binary targets, and when a rebuild is needed. The Electron rebuild itself
// needs Electron's headers from the network and is not exercised here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryAbi, check, decideRebuild, nativeDependencies, targetAbiOf } from '../../../scripts/native-abi.js';

test('reads the ABI from the registration symbol compiled into an addon', () => {
  assert.deepEqual(binaryAbi(Buffer.from('\0\0node_register_module_v115\0')), { kind: 'v8', abi: 115 });
  assert.deepEqual(binaryAbi(Buffer.from('xx node_register_module_v150 yy')), { kind: 'v8', abi: 150 });
  assert.deepEqual(binaryAbi(Buffer.from('napi_register_module_v1')), { kind: 'napi' });
  assert.deepEqual(binaryAbi(Buffer.from('nothing here')), { kind: 'unknown' });
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

test('this checkout: native dependencies found, Electron 45 maps to ABI 150, and the Node build is in place for tests', () => {
  assert.ok(nativeDependencies().includes('better-sqlite3'));
  assert.equal(targetAbiOf('node'), Number(process.versions.modules));
  assert.equal(targetAbiOf('electron'), 150);
  const forNode = check('node');
  assert.deepEqual(forNode.filter((d) => d.action !== 'none'), [], 'pretest should have left a Node build');
  const sqlite = check('electron').find((d) => d.module === 'better-sqlite3');
  assert.equal(sqlite?.action, 'rebuild', 'a Node build of better-sqlite3 must be switched before Electron loads it');
  assert.equal(check('electron').find((d) => d.module === 'keytar')?.action ?? 'none', 'none');
});
