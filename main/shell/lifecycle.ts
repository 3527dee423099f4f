// The Electron main process's life: single instance, start-up (every failure ends in a dialog and a
// non-zero exit, never a process holding the lock with no window), the window (served from
// app://outpost, reloaded after a crash, a visible error when it cannot load), platform conventions
// (macOS keeps running without windows), and a shutdown with a deadline. The electron module comes
// in as a parameter: main/index.ts passes the real one, the unit tests a faithful fake.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from '../../common/schema/types.js';
import type { IpcHost } from '../ipc/handlers.js';
import { createMainWindow, enforceContentSecurityPolicy, lockDown } from '../window.js';
import { applicationMenuTemplate } from './app-menu.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-origin.js';
import { watchRenderer, type CrashPolicy, type RendererWatch } from './crash-recovery.js';
import type { ElectronApi, ShellWindow } from './electron-api.js';
import { electronIpcHost } from './ipc-sender.js';
import { installPermissionHandlers } from './permissions.js';
import { createShutdown, type Shutdown, type ShutdownOutcome } from './shutdown.js';

/** The app core as the shell drives it (main/app-core.ts's AppCore). */
export interface ShellCore {
  attach(host: IpcHost): unknown;
  /** Reopens the last profile; a failure is logged, the app starts signed out. */
  restore(): Promise<unknown>;
  close(): Promise<void>;
}

export interface ShellLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Console logging without debug noise. */
export const consoleShellLog: ShellLog = {
  debug: () => undefined,
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export interface ShellOptions {
  /** The built app's folder: renderer/ (served as app://outpost/) and preload/index.cjs. */
  readonly distRoot: string;
  /** Reads and parses the app schema (schema.graphql); a throw is a start-up failure naming it. */
  readonly loadSchema: () => Schema;
  /** Creates the app core for the user-data folder; a throw is a start-up failure naming it. */
  readonly createCore: (options: { readonly userData: string; readonly schema: Schema }) => ShellCore | Promise<ShellCore>;
  /** Default process.platform. */
  readonly platform?: NodeJS.Platform;
  /** Default consoleShellLog. */
  readonly log?: ShellLog;
  /** Longest wait for the core's close on quit, in ms; default DEFAULT_SHUTDOWN_DEADLINE_MS (5 s). */
  readonly shutdownDeadlineMs?: number;
  readonly crashPolicy?: CrashPolicy;
  /** Called once the window has loaded (where the auto-updater is started). */
  readonly onStarted?: (shell: Shell) => void;
}

export interface Shell {
  /** Resolves true once the window has loaded, false when start-up failed or this is a second instance. */
  readonly started: Promise<boolean>;
  /** The main window, null while there is none. */
  mainWindow(): ShellWindow | null;
  /**
   * Stops sync and closes the database (once), waiting at most the shutdown deadline; the app keeps
   * running. For whoever quits the app other than by app.quit (the auto-updater's quitAndInstall).
   */
  prepareToQuit(): Promise<ShutdownOutcome>;
}

/** Windows may end the process any moment after session-end; committed SQLite (WAL) data survives that. */
export const SESSION_END_DEADLINE_MS = 1_500;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs the app's main process on `electron`. */
export function runShell(electron: ElectronApi, options: ShellOptions): Shell {
  const main = new ShellProcess(electron, options);
  // Before ready, or Chromium treats app:// as an opaque, insecure scheme.
  electron.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  if (!electron.app.requestSingleInstanceLock()) {
    // The first instance gets 'second-instance' and shows its window.
    electron.app.quit();
    main.resolveStarted(false);
    return main.shell;
  }
  main.listen();
  electron.app
    .whenReady()
    .then(() => main.start())
    .catch((error: unknown) => (error instanceof StartStepError ? main.failStart(error.step, error.cause) : main.failStart('starting Electron', error)))
    .catch((error: unknown) => {
      // The failure path itself failed (e.g. the dialog): still never leave a process without a window.
      main.log.error(`start-up failure handling failed: ${messageOf(error)}`);
      electron.app.exit(1);
    });
  return main.shell;
}

/** The state of one main process: its core, its window and how far start-up and shutdown got. */
class ShellProcess {
  readonly log: ShellLog;
  readonly shell: Shell;
  resolveStarted: (value: boolean) => void = () => undefined;
  private readonly platform: NodeJS.Platform;
  private readonly shutdown: Shutdown;
  private core: ShellCore | null = null;
  private window: ShellWindow | null = null;
  private watch: RendererWatch | null = null;
  private started = false;
  private failed = false;
  private givingUp = false;
  private closedForQuit = false;

  constructor(
    private readonly electron: ElectronApi,
    private readonly options: ShellOptions,
  ) {
    this.log = options.log ?? consoleShellLog;
    this.platform = options.platform ?? process.platform;
    this.shutdown = createShutdown({
      close: async () => {
        if (this.core !== null) await this.core.close();
      },
      log: this.log,
      ...(options.shutdownDeadlineMs === undefined ? {} : { deadlineMs: options.shutdownDeadlineMs }),
    });
    this.shell = {
      started: new Promise<boolean>((resolve) => {
        this.resolveStarted = resolve;
      }),
      mainWindow: () => this.window,
      prepareToQuit: () => this.prepareToQuit(),
    };
  }

  private async prepareToQuit(): Promise<ShutdownOutcome> {
    const outcome = await this.shutdown.run();
    this.closedForQuit = true;
    return outcome;
  }

  private readonly mainContentsId = (): number | null => (this.window === null || this.window.isDestroyed() ? null : this.window.webContents.id);

  /** A start-up failure: close what opened, free the lock for the next launch, say what failed, exit 1. */
  async failStart(step: string, error: unknown): Promise<void> {
    if (this.failed) return;
    this.failed = true;
    const { app, dialog } = this.electron;
    const message = messageOf(error);
    this.log.error(`Outpost failed to start: ${step} failed: ${message}`);
    this.resolveStarted(false);
    try {
      await this.shutdown.run();
      app.releaseSingleInstanceLock();
      dialog.showErrorBox('Outpost could not start', `${step[0].toUpperCase()}${step.slice(1)} failed:\n\n${message}`);
    } finally {
      app.exit(1);
    }
  }

  /** After start-up: the window cannot be shown; offer to reload or quit (a clean quit). */
  private readonly giveUp = (reason: string): void => {
    if (this.givingUp) return;
    this.givingUp = true;
    const shown = this.window;
    if (shown !== null && !shown.isDestroyed() && !shown.isVisible()) shown.show();
    void this.electron.dialog
      .showMessageBox({
        type: 'error',
        title: 'Outpost',
        message: "Outpost's window stopped working",
        detail: `${reason}. Your data is saved; reloading usually helps.`,
        buttons: ['Reload', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        this.givingUp = false;
        const current = this.window;
        if (response === 0 && current !== null && !current.isDestroyed()) {
          this.watch?.reset();
          current.webContents.reload();
        } else {
          this.electron.app.quit();
        }
      })
      .catch((error: unknown) => {
        // No dialog could be shown: a clean quit beats a window that cannot work.
        this.log.error(`could not show the window error: ${messageOf(error)}`);
        this.electron.app.quit();
      });
  };

  private readonly loadFailed = (description: string, url: string): void => {
    if (!this.started) void this.failStart('loading the window', new Error(`${url}: ${description}`));
    else this.giveUp(`the window could not load ${url}: ${description}`);
  };

  private openWindow(): ShellWindow {
    const { app } = this.electron;
    const opened = createMainWindow(this.electron.BrowserWindow, { preload: join(this.options.distRoot, 'preload', 'index.cjs'), isPackaged: app.isPackaged });
    const policy = this.options.crashPolicy ? { policy: this.options.crashPolicy } : {};
    this.watch = watchRenderer(opened.webContents, { giveUp: this.giveUp, loadFailed: this.loadFailed, log: this.log, ...policy });
    opened.on('closed', () => {
      if (this.window === opened) this.window = null;
    });
    opened.on('session-end', () => {
      // Windows logoff or shutdown: the process will be killed soon. Start the close (sync stops,
      // the database closes) and exit as soon as it is done or the short deadline passes.
      this.log.warn('session ending: closing the database before the system ends the app');
      void this.shutdown.run(SESSION_END_DEADLINE_MS).then(() => app.exit(0));
    });
    this.window = opened;
    return opened;
  }

  private reopenWindow(): void {
    void this.openWindow()
      .loadURL(APP_INDEX_URL)
      .catch((error: unknown) => this.log.warn(`window load: ${messageOf(error)}`));
  }

  /** Serves the app, opens the core and the window, in named steps (a failure names its step). */
  async start(): Promise<void> {
    const { electron, options } = this;
    const { app } = electron;
    const ses = electron.session.defaultSession;
    await step('serving the app files', () => {
      electron.protocol.handle(APP_SCHEME, serveAppRequest(join(options.distRoot, 'renderer')));
      enforceContentSecurityPolicy(ses);
      installPermissionHandlers(ses, this.mainContentsId, this.log);
    });
    await step('setting up the menu', () => {
      electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, platform: this.platform })));
    });
    const indexHtml = join(options.distRoot, 'renderer', 'index.html');
    // A missing page would otherwise load as a "not found" text page, not as a failed load.
    await step('finding the app page', () => {
      if (!existsSync(indexHtml)) throw new Error(`${indexHtml} is missing; the app is incompletely installed or not built (npm run build)`);
    });
    const schema = await step('reading the app schema', () => options.loadSchema());
    const opened = await step('opening the app data', () => options.createCore({ userData: app.getPath('userData'), schema }));
    this.core = opened;
    await step('connecting the window to the app', () => opened.attach(electronIpcHost(electron.ipcMain, this.mainContentsId)));
    await opened.restore().catch((error: unknown) => this.log.error(`could not reopen the last profile: ${messageOf(error)}`));
    const shown = await step('opening the window', () => this.openWindow());
    await step('loading the window', () => shown.loadURL(APP_INDEX_URL));
    if (this.failed) return;
    this.started = true;
    this.resolveStarted(true);
    try {
      options.onStarted?.(this.shell);
    } catch (error) {
      // What runs after start (the update checks) is optional: its failure never takes the window away.
      this.log.error(`after start-up: ${messageOf(error)}`);
    }
  }

  /** The app's events: hardening of every web contents, second instances, windows closing, quitting. */
  listen(): void {
    const { app } = this.electron;
    app.on('web-contents-created', (_event, contents) => lockDown(contents));
    app.on('child-process-gone', (_event, details) => {
      if (details.reason !== 'clean-exit') this.log.warn(`${details.name ?? details.type} process gone: ${details.reason} (exit code ${details.exitCode})`);
    });
    app.on('second-instance', () => {
      const window = this.window;
      if (window === null || window.isDestroyed()) {
        if (this.started) this.reopenWindow();
        return;
      }
      if (window.isMinimized()) window.restore();
      if (!window.isVisible()) window.show();
      window.focus();
    });
    app.on('window-all-closed', () => {
      // macOS apps stay running without windows; the Dock icon (activate) brings one back.
      if (this.platform !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (this.started && (this.window === null || this.window.isDestroyed())) this.reopenWindow();
    });
    app.on('before-quit', (event) => {
      if (this.closedForQuit || this.core === null) return;
      // Hold the quit until sync has stopped and the database is closed (or the deadline passed).
      event.preventDefault();
      void this.prepareToQuit().then(() => app.quit());
    });
  }
}

/** Runs one start-up step; its failure becomes a StartStepError naming `name`. */
async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StartStepError(name, error);
  }
}

/** A start-up step that failed, naming the step for the dialog. */
class StartStepError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed`);
  }
}
