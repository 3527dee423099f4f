// How `npm start` decides to run (scripts/start.ts chooseStartMode): Electron where it can run,
// else the browser mode with one line saying why, unless --electron-only asks to fail instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseStartMode, NO_ELECTRON_MESSAGE } from '../../../scripts/start.js';

const display = { DISPLAY: ':0' };

test('with an Electron binary and a display: Electron', () => {
  assert.deepEqual(chooseStartMode({ args: [], binary: '/e/electron', platform: 'linux', env: display }), { kind: 'electron', binary: '/e/electron' });
  assert.deepEqual(chooseStartMode({ args: [], binary: '/e/electron', platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } }).kind, 'electron');
  assert.deepEqual(
    chooseStartMode({ args: ['--electron-only'], binary: 'C:\\e\\electron.exe', platform: 'win32', env: {} }).kind,
    'electron',
    'Windows and macOS need no DISPLAY',
  );
  assert.deepEqual(chooseStartMode({ args: [], binary: '/e/Electron.app', platform: 'darwin', env: {} }).kind, 'electron');
});

test('without the Electron binary: the browser mode with one line, or with --electron-only the how-to and a failure', () => {
  const fallback = chooseStartMode({ args: [], binary: null, platform: 'linux', env: display });
  assert.equal(fallback.kind, 'browser');
  const notice = fallback.kind === 'browser' ? (fallback.notice ?? '') : '';
  assert.match(notice, /^Electron is not installed here .* browser mode instead\.$/);
  assert.doesNotMatch(notice, /\n/);
  assert.deepEqual(chooseStartMode({ args: ['--electron-only'], binary: null, platform: 'linux', env: display }), {
    kind: 'fail',
    message: NO_ELECTRON_MESSAGE,
  });
  assert.match(NO_ELECTRON_MESSAGE, /node node_modules\/electron\/install\.js/);
});

test('Linux without a display: the browser mode (or a failure with --electron-only); --browser always means the browser mode, silently', () => {
  const headless = chooseStartMode({ args: [], binary: '/e/electron', platform: 'linux', env: {} });
  assert.equal(headless.kind, 'browser');
  assert.match(headless.kind === 'browser' ? (headless.notice ?? '') : '', /no display .*DISPLAY and WAYLAND_DISPLAY are unset/);
  assert.equal(chooseStartMode({ args: ['--electron-only'], binary: '/e/electron', platform: 'linux', env: {} }).kind, 'fail');
  assert.deepEqual(chooseStartMode({ args: ['--browser'], binary: '/e/electron', platform: 'linux', env: display }), { kind: 'browser', notice: null });
  assert.deepEqual(chooseStartMode({ args: ['--browser'], binary: null, platform: 'win32', env: {} }), { kind: 'browser', notice: null });
});
