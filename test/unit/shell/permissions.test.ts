// The page's web permissions (main/shell/permissions.ts): camera-only media and geolocation for the
// main window's main frame at the app origin, through both Electron handlers; everything else denied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_INDEX_URL } from '../../../main/shell/app-origin.js';
import { installPermissionHandlers, isPermissionAllowed } from '../../../main/shell/permissions.js';
import { FakeElectron } from '../../support/fake-electron.js';

const windowOptions = { width: 1, height: 1, minWidth: 1, minHeight: 1, show: false, title: 't', backgroundColor: '#fff', webPreferences: {} };

function setup() {
  const electron = new FakeElectron();
  electron.app.becomeReady();
  const mainWindow = new electron.BrowserWindow(windowOptions);
  const other = new electron.BrowserWindow(windowOptions);
  const session = electron.session.defaultSession;
  const denied: string[] = [];
  installPermissionHandlers(session, () => mainWindow.webContents.id, { debug: (message) => denied.push(message) });
  return { session, main: mainWindow.webContents, other: other.webContents, denied };
}

const appFrame = { requestingUrl: APP_INDEX_URL, isMainFrame: true };

test('requests: camera and geolocation allowed; microphone, camera+microphone, notifications and the rest denied', async () => {
  const { session, main, denied } = setup();
  assert.equal(await session.requestPermission(main, 'media', { ...appFrame, mediaTypes: ['video'], securityOrigin: 'app://outpost/' }), true);
  assert.equal(await session.requestPermission(main, 'geolocation', appFrame), true);
  assert.equal(await session.requestPermission(main, 'media', { ...appFrame, mediaTypes: ['audio'] }), false);
  assert.equal(await session.requestPermission(main, 'media', { ...appFrame, mediaTypes: ['video', 'audio'] }), false);
  assert.equal(await session.requestPermission(main, 'media', { ...appFrame, mediaTypes: [] }), false);
  assert.equal(await session.requestPermission(main, 'media', appFrame), false, 'media without types');
  for (const permission of ['notifications', 'clipboard-read', 'display-capture', 'midi', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
    assert.equal(await session.requestPermission(main, permission, appFrame), false, permission);
  }
  assert.ok(
    denied.some((line) => line.includes('notifications')),
    'denials logged at debug level',
  );
});

test('requests from another origin, a subframe or another web contents are denied', async () => {
  const { session, main, other } = setup();
  for (const requestingUrl of ['file:///tmp/index.html', 'app://outpost.evil/index.html', 'app://outpostx/', 'https://example.com/']) {
    assert.equal(await session.requestPermission(main, 'geolocation', { requestingUrl, isMainFrame: true }), false, requestingUrl);
    assert.equal(await session.requestPermission(main, 'media', { requestingUrl, isMainFrame: true, mediaTypes: ['video'] }), false, requestingUrl);
  }
  assert.equal(await session.requestPermission(main, 'geolocation', { ...appFrame, isMainFrame: false }), false);
  assert.equal(await session.requestPermission(other, 'geolocation', appFrame), false);
  assert.equal(await session.requestPermission(other, 'media', { ...appFrame, mediaTypes: ['video'] }), false);
});

test('checks: the same decision (granted by default in Electron without a handler)', () => {
  const { session, main, other } = setup();
  const check = { isMainFrame: true, requestingUrl: APP_INDEX_URL };
  assert.equal(session.checkPermission(main, 'media', 'app://outpost/', { ...check, mediaType: 'video', securityOrigin: 'app://outpost/' }), true);
  assert.equal(session.checkPermission(main, 'media', 'app://outpost', { ...check, mediaType: 'video' }), true);
  assert.equal(session.checkPermission(main, 'geolocation', 'app://outpost/', check), true);
  assert.equal(session.checkPermission(main, 'media', 'app://outpost/', { ...check, mediaType: 'audio' }), false);
  assert.equal(session.checkPermission(main, 'media', 'app://outpost/', { ...check, mediaType: 'unknown' }), false);
  assert.equal(session.checkPermission(main, 'media', 'app://outpost/', check), false, 'media of no said type');
  assert.equal(session.checkPermission(main, 'notifications', 'app://outpost/', check), false);
  assert.equal(session.checkPermission(main, 'clipboard-sanitized-write', 'app://outpost/', check), false);
  assert.equal(session.checkPermission(main, 'geolocation', 'file:///', check), false);
  assert.equal(session.checkPermission(main, 'geolocation', 'app://outpost.evil/', check), false);
  assert.equal(session.checkPermission(main, 'geolocation', 'app://outpost/', { ...check, isMainFrame: false }), false);
  assert.equal(session.checkPermission(other, 'geolocation', 'app://outpost/', check), false);
  assert.equal(session.checkPermission(null, 'geolocation', 'app://outpost/', check), false, 'no web contents (service worker)');
});

test('no main window: nothing is allowed', () => {
  const query = { permission: 'geolocation', webContentsId: 1, origin: 'app://outpost/', isMainFrame: true, mediaTypes: [] };
  assert.equal(isPermissionAllowed({ ...query, mainWindowContentsId: 1 }), true);
  assert.equal(isPermissionAllowed({ ...query, mainWindowContentsId: null }), false);
  assert.equal(isPermissionAllowed({ ...query, webContentsId: null, mainWindowContentsId: null }), false);
});
