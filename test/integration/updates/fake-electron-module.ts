// electron-updater requires 'electron' lazily; in Node the 'electron' package exports the path of
// the Electron binary (and tries to download it when missing). The one place the tested flow
// reaches it is BaseUpdater.quitAndInstall, which emits Electron's autoUpdater
// 'before-quit-for-update' before app.quit(). This puts a faithful fake of that one object into
// the require cache under the path electron-updater resolves, and records every property read, so
// a test can assert that nothing else of Electron was touched.
import { EventEmitter } from 'node:events';
import { createRequire, Module } from 'node:module';

export interface FakeElectron {
  /** Electron's autoUpdater: an EventEmitter ('before-quit-for-update', …). */
  readonly autoUpdater: EventEmitter;
  /** Every top-level property electron-updater read from require('electron'), in order. */
  readonly touched: string[];
}

/** Installs the fake for electron-updater's `require('electron')` in this process. */
export function installFakeElectron(): FakeElectron {
  const fromUpdater = createRequire(createRequire(import.meta.url).resolve('electron-updater'));
  const path = fromUpdater.resolve('electron');
  const autoUpdater = new EventEmitter();
  const touched: string[] = [];
  const exports = new Proxy(
    {},
    {
      get(_target, name) {
        touched.push(String(name));
        return name === 'autoUpdater' ? autoUpdater : undefined;
      },
    },
  );
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = exports;
  fromUpdater.cache[path] = module;
  return { autoUpdater, touched };
}
