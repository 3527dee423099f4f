// The helpers that make the scripts work on Windows and in folders with spaces: telling whether a
// module is the script Node was started with, running npm without `npm.cmd` trouble, and the
// Node version packaging needs. Windows cases use node:path's win32 rules and fileURLToPath's
// `windows` option, so they run on any platform.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isMainModule, isScriptPath, samePath } from '../../../scripts/main-module.js';
import { meetsNodeVersion, nodeVersionProblem, PACKAGING_NODE } from '../../../scripts/node-version.js';
import { npmCommand } from '../../../scripts/npm-command.js';

test('a script in a folder with spaces is recognised from its file: URL (which spells the space %20)', () => {
  const url = 'file:///home/ana/My%20Projects/outpost/scripts/start.ts';
  assert.equal(new URL(url).pathname, '/home/ana/My%20Projects/outpost/scripts/start.ts', 'the bug: pathname never equals argv[1]');
  assert.equal(isScriptPath(url, '/home/ana/My Projects/outpost/scripts/start.ts', false), true);
  assert.equal(isScriptPath(url, '/home/ana/My Projects/outpost/scripts/../scripts/start.ts', false), true);
  assert.equal(isScriptPath(url, '/home/ana/My Projects/outpost/scripts/build.ts', false), false);
  assert.equal(isScriptPath(url, '/home/ana/my projects/outpost/scripts/start.ts', false), false, 'POSIX paths are case-sensitive');
  assert.equal(isScriptPath(url, undefined, false), false, 'no argv[1] (a REPL) is never the main module');
});

test('Windows: drive letters, backslashes, spaces and case all compare as the same file', () => {
  const url = 'file:///C:/Users/Ana%20B/outpost/scripts/start.ts';
  assert.equal(new URL(url).pathname, '/C:/Users/Ana%20B/outpost/scripts/start.ts', 'the bug: a leading slash before the drive letter');
  assert.equal(isScriptPath(url, 'C:\\Users\\Ana B\\outpost\\scripts\\start.ts', true), true);
  assert.equal(isScriptPath(url, 'c:\\users\\ana b\\OUTPOST\\scripts\\start.ts', true), true);
  assert.equal(isScriptPath(url, 'C:/Users/Ana B/outpost/scripts/start.ts', true), true);
  assert.equal(isScriptPath(url, 'D:\\Users\\Ana B\\outpost\\scripts\\start.ts', true), false);
  assert.equal(isScriptPath(pathToFileURL('C:\\a b\\x.ts', { windows: true }).href, 'C:\\a b\\x.ts', true), true);
  assert.equal(samePath('C:\\a\\b\\..\\c.ts', 'c:/A/C.TS', true), true);
  assert.equal(samePath('/a/b/../c.ts', '/a/c.ts', false), true);
});

test('isMainModule on real files: the started script, through a symlinked folder with spaces, and not another file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost main module '));
  try {
    const script = join(dir, 'my script.ts');
    writeFileSync(script, '');
    symlinkSync(dir, join(dir, 'link with spaces'), 'dir');
    const url = pathToFileURL(script).href;
    assert.equal(isMainModule(url, script), true);
    assert.equal(isMainModule(url, join(dir, 'link with spaces', 'my script.ts')), true);
    assert.equal(isMainModule(url, join(dir, 'other.ts')), false);
    assert.equal(isMainModule(url, undefined), false);
    // The test runner starts each test file as its process's script.
    assert.equal(isMainModule(import.meta.url), true);
    assert.equal(isMainModule(new URL('../../../scripts/start.ts', import.meta.url).href), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm runs through its own JavaScript entry under npm run, through a shell on Windows otherwise, directly elsewhere', () => {
  const node = '/usr/bin/node';
  assert.deepEqual(npmCommand(['rebuild', 'x'], { npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }, 'linux', node), {
    command: node,
    args: ['/usr/lib/node_modules/npm/bin/npm-cli.js', 'rebuild', 'x'],
    shell: false,
  });
  const windowsNpm = 'C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js';
  assert.deepEqual(npmCommand(['rebuild'], { npm_execpath: windowsNpm }, 'win32', 'C:\\Program Files\\nodejs\\node.exe'), {
    command: 'C:\\Program Files\\nodejs\\node.exe',
    args: [windowsNpm, 'rebuild'],
    shell: false,
  });
  assert.deepEqual(npmCommand(['rebuild', 'better-sqlite3'], {}, 'win32', node), { command: 'npm.cmd', args: ['rebuild', 'better-sqlite3'], shell: true });
  assert.throws(() => npmCommand(['rebuild', 'a b'], {}, 'win32', node), /cannot pass .* through cmd\.exe safely/);
  assert.deepEqual(
    npmCommand(['rebuild'], { npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs' }, 'linux', node),
    { command: 'npm', args: ['rebuild'], shell: false },
    'pnpm is not npm',
  );
  assert.deepEqual(npmCommand(['rebuild'], {}, 'darwin', node), { command: 'npm', args: ['rebuild'], shell: false });
});

test('packaging needs Node 22.12; the message says so in one line and that start/test need only 20.19', () => {
  assert.equal(PACKAGING_NODE, '22.12.0');
  assert.equal(meetsNodeVersion('v22.12.0', '22.12.0'), true);
  assert.equal(meetsNodeVersion('v22.11.9', '22.12.0'), false);
  assert.equal(meetsNodeVersion('v23.0.0', '22.12.0'), true);
  assert.equal(meetsNodeVersion('v20.19.0', '22.12.0'), false);
  assert.equal(meetsNodeVersion('22.100.0', '22.12.0'), true, 'numeric, not string, comparison');
  assert.equal(nodeVersionProblem('v24.1.0', '22.12.0', 'npm run dist'), null);
  const problem = nodeVersionProblem('v20.19.0', '22.12.0', 'npm run dist');
  assert.equal(
    problem,
    'npm run dist needs Node 22.12.0 or newer (electron-builder and @electron/rebuild require it); this is Node 20.19.0. npm start and npm test work on Node 20.19+.',
  );
  assert.doesNotMatch(problem ?? '', /\n/);
});
