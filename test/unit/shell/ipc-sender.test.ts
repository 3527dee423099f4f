// Who may call main over IPC (main/shell/ipc-sender.ts): only the main window's main frame at the
// app's origin; and each sender's onGone fires once per page, with the web contents' events
// listened to once however often the page reloads. Over the faithful electron fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_INDEX_URL } from '../../../main/shell/app-origin.js';
import { electronIpcHost, IpcSenders, isTrustedSender, untrustedSenderReason } from '../../../main/shell/ipc-sender.js';
import { FakeElectron, FakeEvent, FakeFrame, type FakeWebContents } from '../../support/fake-electron.js';

const main = { webContentsId: 1, mainWindowContentsId: 1, isMainFrame: true };

test('the main window main frame at the app origin is trusted; everything else is refused with a reason', () => {
  assert.equal(isTrustedSender({ ...main, frameUrl: APP_INDEX_URL }), true);
  assert.equal(isTrustedSender({ ...main, frameUrl: 'app://outpost/index.html#/sites/1' }), true);
  const refused: Array<[string, Parameters<typeof untrustedSenderReason>[0], RegExp]> = [
    ['file:// page', { ...main, frameUrl: 'file:///home/me/dist/renderer/index.html' }, /is not the app/],
    ['lookalike host', { ...main, frameUrl: 'app://outpost.evil/index.html' }, /is not the app/],
    ['lookalike prefix', { ...main, frameUrl: 'app://outpostx/index.html' }, /is not the app/],
    ['with a port', { ...main, frameUrl: 'app://outpost:1/index.html' }, /is not the app/],
    ['the web', { ...main, frameUrl: 'https://example.com/' }, /is not the app/],
    ['a subframe', { ...main, isMainFrame: false, frameUrl: APP_INDEX_URL }, /not the main frame/],
    ['another window', { ...main, webContentsId: 2, frameUrl: APP_INDEX_URL }, /not the main window/],
    ['no main window', { ...main, mainWindowContentsId: null, frameUrl: APP_INDEX_URL }, /not the main window/],
    ['a gone frame', { ...main, frameUrl: null }, /frame is gone/],
  ];
  for (const [name, call, reason] of refused) {
    assert.equal(isTrustedSender(call), false, name);
    assert.match(untrustedSenderReason(call) ?? '', reason, name);
  }
});

function setup() {
  const electron = new FakeElectron();
  electron.app.becomeReady();
  const mainWindow = new electron.BrowserWindow({
    width: 1,
    height: 1,
    minWidth: 1,
    minHeight: 1,
    show: false,
    title: 't',
    backgroundColor: '#fff',
    webPreferences: {},
  });
  const other = new electron.BrowserWindow({
    width: 1,
    height: 1,
    minWidth: 1,
    minHeight: 1,
    show: false,
    title: 't',
    backgroundColor: '#fff',
    webPreferences: {},
  });
  mainWindow.webContents.mainFrame.url = APP_INDEX_URL;
  other.webContents.mainFrame.url = APP_INDEX_URL;
  const calls: Array<{ sender: string; payload: unknown }> = [];
  const host = electronIpcHost(electron.ipcMain, () => mainWindow.webContents.id);
  host.handle('outpost:currentUser', async (sender, payload) => {
    calls.push({ sender: sender.id, payload });
    return { ok: true, value: 'answered' };
  });
  return { electron, mainWindow, other, calls };
}

test('ipcMain host: the trusted frame reaches the handler; other frames, windows and origins get Unauthorized', async () => {
  const { electron, mainWindow, other, calls } = setup();
  assert.deepEqual(await electron.ipcMain.invoke(mainWindow.webContents, 'outpost:currentUser', { a: 1 }), { ok: true, value: 'answered' });
  assert.deepEqual(calls, [{ sender: `wc-${mainWindow.webContents.id}`, payload: { a: 1 } }]);

  const refusedFrom = async (contents: FakeWebContents, frame: FakeFrame | null): Promise<unknown> =>
    electron.ipcMain.invoke(contents, 'outpost:currentUser', {}, frame);
  const subframe = new FakeFrame(APP_INDEX_URL, mainWindow.webContents.mainFrame);
  for (const [name, answer] of [
    ['subframe', await refusedFrom(mainWindow.webContents, subframe)],
    ['other window', await refusedFrom(other.webContents, other.webContents.mainFrame)],
    ['file://', await refusedFrom(mainWindow.webContents, new FakeFrame('file:///tmp/index.html'))],
    ['lookalike', await refusedFrom(mainWindow.webContents, new FakeFrame('app://outpost.evil/index.html'))],
    ['gone frame', await refusedFrom(mainWindow.webContents, null)],
  ] as const) {
    const result = answer as { ok: boolean; error: { code: string; message: string } };
    assert.equal(result.ok, false, name);
    assert.equal(result.error.code, 'Unauthorized', name);
    assert.match(result.error.message, /^IPC outpost:currentUser refused: /, name);
  }
  assert.equal(calls.length, 1, 'no refused call reached the handler');
});

test('onGone fires once per page: on reload, crash and destroy; not on in-page or subframe navigation', () => {
  const electron = new FakeElectron();
  electron.app.becomeReady();
  const window = new electron.BrowserWindow({
    width: 1,
    height: 1,
    minWidth: 1,
    minHeight: 1,
    show: false,
    title: 't',
    backgroundColor: '#fff',
    webPreferences: {},
  });
  const contents = window.webContents;
  const senders = new IpcSenders();
  const sender = senders.of(contents);
  assert.equal(senders.of(contents), sender, 'one sender per web contents');
  const listenersBefore = ['destroyed', 'render-process-gone', 'did-start-navigation'].map((name) => contents.listenerCount(name));
  let gone = 0;
  sender.onGone(() => gone++);

  const navigate = (isMainFrame: boolean, isSameDocument: boolean): void => {
    contents.emit('did-start-navigation', new FakeEvent({ url: APP_INDEX_URL, isMainFrame, isSameDocument, frame: null }));
  };
  navigate(true, true);
  navigate(false, false);
  assert.equal(gone, 0, 'hash/pushState and subframe navigations keep the page');
  navigate(true, false);
  assert.equal(gone, 1, 'a reload ends the page');
  navigate(true, false);
  assert.equal(gone, 1, 'a listener fires once');

  // The handlers register again for the new page (after its first request), and again after a crash.
  for (let page = 0; page < 5; page++) {
    sender.onGone(() => gone++);
    contents.crash('crashed');
    contents.crash('crashed');
  }
  assert.equal(gone, 6);
  sender.onGone(() => gone++);
  contents.destroy();
  assert.equal(gone, 7);
  const listenersAfter = ['destroyed', 'render-process-gone', 'did-start-navigation'].map((name) => contents.listenerCount(name));
  assert.deepEqual(listenersAfter, listenersBefore, 'no listener added per page');
  assert.deepEqual(listenersBefore, [1, 1, 1]);

  sender.send('outpost:event', { x: 1 });
  assert.equal(contents.sent.length, 0, 'nothing is sent to destroyed contents');
});
