// `npm start` on a machine without an Electron binary (like this one): it says so in one line,
// starts the browser mode and prints its URL, serves the app there, and stops cleanly on SIGTERM;
// `--electron-only` exits non-zero with the how-to instead. Runs the real scripts/start.ts in a
// child Node with a temporary profile and build folder (OUTPOST_DIST), on a free port.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../../../scripts/start.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const START = join(root, 'scripts', 'start.ts');
const skip =
  electronBinary() === null ? false : 'the Electron binary is installed here, so npm start launches Electron instead of falling back to browser mode';

test('npm start without Electron: one line saying so, the browser mode at the printed URL, exit 0 on SIGTERM', { skip, timeout: 120_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'outpost start '));
  const child = spawn(process.execPath, ['--import', 'tsx', START], {
    cwd: root,
    env: { ...process.env, OUTPOST_PORT: '0', OUTPOST_USER_DATA: join(work, 'user data'), OUTPOST_DIST: join(work, 'dist') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Outpost is running at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match[1]);
        }
      }, 100);
      void exited.then(({ code }) => {
        clearInterval(timer);
        reject(new Error(`start.ts exited (${code}) before printing its URL:\n${output}`));
      });
    });
    assert.notEqual(new URL(url).port, '0', 'the real port is printed');
    const lines = output.split('\n');
    assert.equal(lines.filter((line) => /Electron is not installed/.test(line)).length, 1);
    assert.match(lines[0], /^Electron is not installed here .*so Outpost starts in browser mode instead\.$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /<div id="root"><\/div>/);
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

test('npm start -- --electron-only without Electron: exits non-zero saying how to get it', { skip }, () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', START, '--electron-only'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Outpost cannot start in Electron: the Electron binary is not installed/);
  assert.match(result.stderr, /node node_modules\/electron\/install\.js/);
  assert.doesNotMatch(result.stdout, /running at/);
});
