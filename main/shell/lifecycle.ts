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

/** Runs the app's main process on `electron`. */
export function runShell(electron: ElectronApi, options: ShellOptions): Shell {
  const { app, dialog } = electron;
  const log = options.log ?? consoleShellLog;
  const platform = options.platform ?? process.platform;

  let core: ShellCore | null = null;
  let window: ShellWindow | null = null;
  let watch: RendererWatch | null = null;
  let started = false;
  let failed = false;
  let givingUp = false;
  let closedForQuit = false;

  const shutdown: Shutdown = createShutdown({
    close: async () => {
      if (core !== null) await core.close();
    },
    log,
    ...(options.shutdownDeadlineMs === undefined ? {} : { deadlineMs: options.shutdownDeadlineMs }),
  });
  const prepareToQuit = async (): Promise<ShutdownOutcome> => {
    const outcome = await shutdown.run();
    closedForQuit = true;
    return outcome;
  };
  const mainContentsId = (): number | null => (window === null || window.isDestroyed() ? null : window.webContents.id);

  let resolveStarted: (value: boolean) => void = () => undefined;
  const shell: Shell = {
    started: new Promise<boolean>((resolve) => {
      resolveStarted = resolve;
    }),
    mainWindow: () => window,
    prepareToQuit,
  };

  // Before ready, or Chromium treats app:// as an opaque, insecure scheme.
  electron.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

  if (!app.requestSingleInstanceLock()) {
    // The first instance gets 'second-instance' and shows its window.
    app.quit();
    resolveStarted(false);
    return shell;
  }

  /** A start-up failure: close what opened, free the lock for the next launch, say what failed, exit 1. */
  const failStart = async (step: string, error: unknown): Promise<void> => {
    if (failed) return;
    failed = true;
    const message = error instanceof Error ? error.message : String(error);
    log.error(`Outpost failed to start: ${step} failed: ${message}`);
    resolveStarted(false);
    try {
      await shutdown.run();
      app.releaseSingleInstanceLock();
      dialog.showErrorBox('Outpost could not start', `${step[0].toUpperCase()}${step.slice(1)} failed:\n\n${message}`);
    } finally {
      app.exit(1);
    }
  };

  /** After start-up: the window cannot be shown; offer to reload or quit (a clean quit). */
  const giveUp = (reason: string): void => {
    if (givingUp) return;
    givingUp = true;
    const shown = window;
    if (shown !== null && !shown.isDestroyed() && !shown.isVisible()) shown.show();
    void dialog
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
        givingUp = false;
        const current = window;
        if (response === 0 && current !== null && !current.isDestroyed()) {
          watch?.reset();
          current.webContents.reload();
        } else {
          app.quit();
        }
      })
      .catch((error: unknown) => {
        // No dialog could be shown: a clean quit beats a window that cannot work.
        log.error(`could not show the window error: ${error instanceof Error ? error.message : String(error)}`);
        app.quit();
      });
  };

  const loadFailed = (description: string, url: string): void => {
    if (!started) void failStart('loading the window', new Error(`${url}: ${description}`));
    else giveUp(`the window could not load ${url}: ${description}`);
  };

  const openWindow = (): ShellWindow => {
    const opened = createMainWindow(electron.BrowserWindow, { preload: join(options.distRoot, 'preload', 'index.cjs'), isPackaged: app.isPackaged });
    watch = watchRenderer(opened.webContents, { giveUp, loadFailed, log, ...(options.crashPolicy ? { policy: options.crashPolicy } : {}) });
    opened.on('closed', () => {
      if (window === opened) window = null;
    });
    opened.on('session-end', () => {
      // Windows logoff or shutdown: the process will be killed soon. Start the close (sync stops,
      // the database closes) and exit as soon as it is done or the short deadline passes.
      log.warn('session ending: closing the database before the system ends the app');
      void shutdown.run(SESSION_END_DEADLINE_MS).then(() => app.exit(0));
    });
    window = opened;
    return opened;
  };

  const reopenWindow = (): void => {
    void openWindow()
      .loadURL(APP_INDEX_URL)
      .catch((error: unknown) => log.warn(`window load: ${error instanceof Error ? error.message : String(error)}`));
  };

  const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new StartStepError(name, error);
    }
  };

  const start = async (): Promise<void> => {
    const ses = electron.session.defaultSession;
    await step('serving the app files', () => {
      electron.protocol.handle(APP_SCHEME, serveAppRequest(join(options.distRoot, 'renderer')));
      enforceContentSecurityPolicy(ses);
      installPermissionHandlers(ses, mainContentsId, log);
    });
    await step('setting up the menu', () => {
      electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, platform })));
    });
    const indexHtml = join(options.distRoot, 'renderer', 'index.html');
    // A missing page would otherwise load as a "not found" text page, not as a failed load.
    await step('finding the app page', () => {
      if (!existsSync(indexHtml)) throw new Error(`${indexHtml} is missing; the app is incompletely installed or not built (npm run build)`);
    });
    const schema = await step('reading the app schema', () => options.loadSchema());
    const opened = await step('opening the app data', () => options.createCore({ userData: app.getPath('userData'), schema }));
    core = opened;
    await step('connecting the window to the app', () => opened.attach(electronIpcHost(electron.ipcMain, mainContentsId)));
    await opened.restore().catch((error: unknown) => log.error(`could not reopen the last profile: ${error instanceof Error ? error.message : String(error)}`));
    const shown = await step('opening the window', () => openWindow());
    await step('loading the window', () => shown.loadURL(APP_INDEX_URL));
    if (failed) return;
    started = true;
    resolveStarted(true);
    try {
      options.onStarted?.(shell);
    } catch (error) {
      // What runs after start (the update checks) is optional: its failure never takes the window away.
      log.error(`after start-up: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') log.warn(`${details.name ?? details.type} process gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  app.on('second-instance', () => {
    if (window === null || window.isDestroyed()) {
      if (started) reopenWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    if (!window.isVisible()) window.show();
    window.focus();
  });
  app.on('window-all-closed', () => {
    // macOS apps stay running without windows; the Dock icon (activate) brings one back.
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (started && (window === null || window.isDestroyed())) reopenWindow();
  });
  app.on('before-quit', (event) => {
    if (closedForQuit || core === null) return;
    // Hold the quit until sync has stopped and the database is closed (or the deadline passed).
    event.preventDefault();
    void prepareToQuit().then(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) =>
      error instanceof StartStepError ? failStart(error.step, error.cause) : failStart('starting Electron', error),
    )
    .catch((error: unknown) => {
      // The failure path itself failed (e.g. the dialog): still never leave a process without a window.
      log.error(`start-up failure handling failed: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(1);
    });
  return shell;
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
