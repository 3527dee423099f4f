// electron-updater's AppAdapter (out/AppAdapter.d.ts) for a test: what ElectronAppAdapter reads from
// Electron's `app` (version, name, isPackaged, userData, the cache dir, app-update.yml beside the
// resources) comes from a temp folder, and quit()/onQuit are recorded instead of ending the process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';

export class TestAppAdapter implements AppAdapter {
  readonly name = 'Outpost';
  readonly isPackaged = true;
  readonly appUpdateConfigPath: string;
  readonly userDataPath: string;
  readonly baseCachePath: string;
  quits = 0;
  private readonly quitHandlers: Array<(exitCode: number) => void> = [];

  /** `root` is an empty temp folder; `feedUrl` goes into app-update.yml as electron-builder writes it. */
  constructor(
    readonly version: string,
    root: string,
    feedUrl: string,
    private readonly onQuitCalled: () => void = () => {},
  ) {
    this.userDataPath = join(root, 'userData');
    this.baseCachePath = join(root, 'cache');
    mkdirSync(this.userDataPath, { recursive: true });
    mkdirSync(this.baseCachePath, { recursive: true });
    // resources/app-update.yml in the packaged app: electron-builder writes it from the `publish`
    // configuration (provider, url) and adds updaterCacheDirName (`${name}-updater`, lower-cased).
    this.appUpdateConfigPath = join(root, 'resources', 'app-update.yml');
    mkdirSync(join(root, 'resources'), { recursive: true });
    writeFileSync(this.appUpdateConfigPath, `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: outpost-updater\n`);
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  relaunch(): void {}

  quit(): void {
    this.quits++;
    this.onQuitCalled();
  }

  onQuit(handler: (exitCode: number) => void): void {
    this.quitHandlers.push(handler);
  }

  /** What Electron's app 'quit' event does for electron-updater: runs the handlers registered with onQuit. */
  emitQuit(exitCode: number): void {
    for (const handler of this.quitHandlers.splice(0)) handler(exitCode);
  }
}
