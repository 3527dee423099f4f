// What a dead renderer or a failed load leads to (main/shell/crash-recovery.ts): the decision table,
// then watchRenderer over the electron fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAfterRendererGone, DEFAULT_CRASH_POLICY, watchRenderer } from '../../../main/shell/crash-recovery.js';
import { FakeElectron, FakeEvent } from '../../support/fake-electron.js';

const policy = { maxReloads: 3, windowMs: 60_000 };

test('decision: clean exit ignored; crashes reload up to the budget within the window, then give up', () => {
  assert.deepEqual(decideAfterRendererGone([], 'clean-exit', 1_000, policy), { action: 'ignore' });
  assert.deepEqual(decideAfterRendererGone([], 'crashed', 1_000, policy), { action: 'reload', crashes: [1_000] });
  assert.deepEqual(decideAfterRendererGone([1_000], 'oom', 2_000, policy), { action: 'reload', crashes: [1_000, 2_000] });
  assert.deepEqual(decideAfterRendererGone([1_000, 2_000], 'killed', 3_000, policy), { action: 'reload', crashes: [1_000, 2_000, 3_000] });
  const fourth = decideAfterRendererGone([1_000, 2_000, 3_000], 'crashed', 4_000, policy);
  assert.equal(fourth.action, 'give-up');
  assert.match(fourth.action === 'give-up' ? fourth.reason : '', /crashed\) 4 times within 60 s/);
  // Crashes older than the window are forgotten.
  assert.deepEqual(decideAfterRendererGone([1_000, 2_000, 3_000], 'crashed', 62_500, policy), { action: 'reload', crashes: [3_000, 62_500] });
  const integrity = decideAfterRendererGone([], 'integrity-failure', 1_000, policy);
  assert.equal(integrity.action, 'give-up');
  assert.deepEqual(DEFAULT_CRASH_POLICY, policy);
});

function setup() {
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
  const gaveUp: string[] = [];
  const failedLoads: string[] = [];
  const warnings: string[] = [];
  let now = 0;
  const watch = watchRenderer(window.webContents, {
    policy,
    now: () => now,
    giveUp: (reason) => gaveUp.push(reason),
    loadFailed: (description, url) => failedLoads.push(`${url} ${description}`),
    log: { warn: (m) => warnings.push(m) },
  });
  return { contents: window.webContents, gaveUp, failedLoads, warnings, watch, advance: (ms: number) => (now += ms) };
}

test('watchRenderer: crashes reload, repeated crashes give up, reset starts over', () => {
  const { contents, gaveUp, warnings, watch, advance } = setup();
  for (let i = 0; i < 3; i++) {
    contents.crash('crashed');
    advance(1_000);
  }
  assert.equal(contents.reloads, 3);
  assert.deepEqual(gaveUp, []);
  contents.crash('oom');
  assert.equal(contents.reloads, 3, 'no fourth reload');
  assert.equal(gaveUp.length, 1);
  assert.equal(warnings.length, 4);
  watch.reset();
  contents.crash('crashed');
  assert.equal(contents.reloads, 4);
  contents.crash('clean-exit');
  assert.equal(contents.reloads, 4);
  assert.equal(warnings.length, 5, 'a clean exit is not logged as a crash');
});

test('watchRenderer: a main-frame load failure is reported; aborted and subframe loads are not', () => {
  const { contents, failedLoads } = setup();
  contents.emit('did-fail-load', new FakeEvent(), -3, 'ERR_ABORTED', 'app://outpost/index.html', true, 1, 1);
  contents.emit('did-fail-load', new FakeEvent(), -6, 'ERR_FILE_NOT_FOUND', 'app://outpost/frame.html', false, 1, 2);
  assert.deepEqual(failedLoads, []);
  contents.emit('did-fail-load', new FakeEvent(), -6, 'ERR_FILE_NOT_FOUND', 'app://outpost/index.html', true, 1, 1);
  assert.deepEqual(failedLoads, ['app://outpost/index.html ERR_FILE_NOT_FOUND (-6)']);
});

test('watchRenderer listens once per web contents', () => {
  const { contents } = setup();
  assert.equal(contents.listenerCount('render-process-gone'), 1);
  assert.equal(contents.listenerCount('did-fail-load'), 1);
  for (let i = 0; i < 3; i++) contents.reload();
  assert.equal(contents.listenerCount('render-process-gone'), 1);
  assert.equal(contents.listenerCount('did-fail-load'), 1);
});
