// Auto-update: binds electron-updater's updater to the decisions in update-decisions.ts. It checks
// only in the packaged app, first shortly after start and then on an interval; it downloads what the
// feed offers (electron-updater verifies the sha512, and the platform signature where there is one),
// tells the user before any restart, and on 'Restart' lets the shell shut down cleanly (sync stopped,
// database closed) before quitAndInstall. 'Later' leaves the update to install when the app quits.
import {
  decideUpdate,
  INITIAL_UPDATE_MODEL,
  type UpdateChoice,
  type UpdateEffect,
  type UpdateEvent,
  type UpdateModel,
  type UpdateStatus,
} from './update-decisions.js';

export type { UpdateChoice, UpdateStatus } from './update-decisions.js';

/** Where auto-update writes; electron-updater's AppUpdater logs through the same object. */
export interface UpdateLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The parts of electron-updater's UpdateInfo this module reads. */
export interface UpdateVersionInfo {
  readonly version: string;
}

/** The parts of electron-updater's ProgressInfo this module reads (percent 0…100). */
export interface UpdateProgressInfo {
  readonly percent: number;
}

/** The events of electron-updater's AppUpdater this module listens to (same names and arguments). */
export interface UpdaterEvents {
  'checking-for-update': () => void;
  'update-available': (info: UpdateVersionInfo) => void;
  'update-not-available': (info: UpdateVersionInfo) => void;
  'download-progress': (info: UpdateProgressInfo) => void;
  'update-downloaded': (info: UpdateVersionInfo) => void;
  error: (error: Error, message?: string) => void;
}

/** electron-updater's AppUpdater (its `autoUpdater`) as far as this module uses it. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: UpdateLogger | null;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update', listener: UpdaterEvents['checking-for-update']): unknown;
  on(event: 'update-available', listener: UpdaterEvents['update-available']): unknown;
  on(event: 'update-not-available', listener: UpdaterEvents['update-not-available']): unknown;
  on(event: 'download-progress', listener: UpdaterEvents['download-progress']): unknown;
  on(event: 'update-downloaded', listener: UpdaterEvents['update-downloaded']): unknown;
  on(event: 'error', listener: UpdaterEvents['error']): unknown;
  removeListener(event: 'checking-for-update', listener: UpdaterEvents['checking-for-update']): unknown;
  removeListener(event: 'update-available', listener: UpdaterEvents['update-available']): unknown;
  removeListener(event: 'update-not-available', listener: UpdaterEvents['update-not-available']): unknown;
  removeListener(event: 'download-progress', listener: UpdaterEvents['download-progress']): unknown;
  removeListener(event: 'update-downloaded', listener: UpdaterEvents['update-downloaded']): unknown;
  removeListener(event: 'error', listener: UpdaterEvents['error']): unknown;
}

export interface AutoUpdateOptions {
  /** The updater, or a function making it: called only in a packaged app (electron-updater's getter builds the platform's updater). */
  readonly updater: Updater | (() => Updater);
  /** Electron's app.isPackaged: a development run never checks. */
  readonly isPackaged: boolean;
  /** Tells the user an update is ready (the shell shows a dialog); 'later' installs it on quit. */
  readonly ask: (update: UpdateVersionInfo) => Promise<UpdateChoice>;
  /** The shell's shutdown (sync stopped, database closed, with its deadline); must not quit the app itself. */
  readonly prepareToQuit: () => Promise<void>;
  /** Quits the app (app.quit): used only if the installer cannot start after prepareToQuit has run. */
  readonly quit: () => void;
  readonly logger: UpdateLogger;
  /** Between checks, in ms; default DEFAULT_CHECK_INTERVAL_MS (4 h). */
  readonly intervalMs?: number;
  /** From start to the first check, in ms; default DEFAULT_FIRST_CHECK_DELAY_MS (10 s). */
  readonly firstCheckDelayMs?: number;
}

export interface AutoUpdates {
  /** The current status as plain data. */
  status(): UpdateStatus;
  /** Calls `listener` with every new status; returns the unsubscribe function. */
  subscribe(listener: (status: UpdateStatus) => void): () => void;
  /** Checks now (ignored while disabled, checking, downloading or installing). */
  checkNow(): void;
  /** Stops the timers and stops listening to the updater (safe to call from the shell's shutdown). */
  stop(): void;
}

export const DEFAULT_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_FIRST_CHECK_DELAY_MS = 10_000;

/** Starts checking for updates (packaged app only) and returns the status handle. */
export function startAutoUpdates(options: AutoUpdateOptions): AutoUpdates {
  const { logger } = options;
  // Assigned once the app is known to be packaged; the effects that use it only run after that.
  let updater: Updater;
  let model: UpdateModel = INITIAL_UPDATE_MODEL;
  const listeners = new Set<(status: UpdateStatus) => void>();
  // Errors electron-updater has already reported through its 'error' event; the promise it also
  // rejects with the same error must not report it a second time.
  const reported = new WeakSet<Error>();
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const detach: Array<() => void> = [];

  const dispatch = (event: UpdateEvent): void => {
    const step = decideUpdate(model, event);
    const changed = step.model.status !== model.status;
    model = step.model;
    if (changed) for (const listener of listeners) listener(model.status);
    for (const effect of step.effects) run(effect);
  };

  const failed = (error: unknown): void => {
    if (error instanceof Error && reported.has(error)) return;
    dispatch({ kind: 'failed', message: oneLine(error) });
  };

  const run = (effect: UpdateEffect): void => {
    switch (effect.kind) {
      case 'log':
        logger[effect.level](effect.message);
        return;
      case 'check':
        attempt(() => updater.checkForUpdates());
        return;
      case 'download':
        attempt(() => updater.downloadUpdate());
        return;
      case 'ask':
        // Called on a later tick, so a dialog that throws cannot throw into electron-updater's emit.
        Promise.resolve({ version: effect.version }).then(options.ask).then(
          (choice) => dispatch({ kind: 'answered', version: effect.version, choice }),
          (error: unknown) => {
            logger.warn(`Could not ask about update ${effect.version}: ${oneLine(error)}; it will be installed when Outpost quits.`);
            dispatch({ kind: 'answered', version: effect.version, choice: 'later' });
          },
        );
        return;
      case 'install':
        void install();
        return;
      case 'quit':
        options.quit();
        return;
    }
  };

  const attempt = (call: () => Promise<unknown>): void => {
    try {
      call().catch(failed);
    } catch (error) {
      failed(error);
    }
  };

  const install = async (): Promise<void> => {
    // The database must be closed before the installer replaces the app; a shutdown that fails
    // or overruns has still stopped the app, so the install goes ahead.
    try {
      await options.prepareToQuit();
    } catch (error) {
      logger.warn(`Shutdown before installing the update failed: ${oneLine(error)}`);
    }
    try {
      // Silent (no installer wizard on Windows) and relaunched afterwards; macOS ignores both.
      updater.quitAndInstall(true, true);
    } catch (error) {
      failed(error);
    }
  };

  const handle: AutoUpdates = {
    status: () => model.status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    checkNow: () => dispatch({ kind: 'check-due' }),
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.length = 0;
      // The shell may stop updates as its shutdown begins, including the shutdown an install asked
      // for: keep listening then, so an installer that fails to start still ends in a quit.
      if (model.status.state !== 'installing') for (const off of detach.splice(0)) off();
    },
  };

  dispatch({ kind: 'started', packaged: options.isPackaged });
  if (!options.isPackaged) return handle;
  try {
    updater = typeof options.updater === 'function' ? options.updater() : options.updater;
  } catch (error) {
    // An updater that cannot be made (unsupported package type, unreadable app-update.yml) must never stop the app.
    failed(error);
    return handle;
  }

  // Our own decisions download and ask; electron-updater's defaults would download unasked (its
  // promise then unobserved) and install on quit, which we want too.
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = true;
  updater.logger = logger;
  const on: UpdaterEvents = {
    'checking-for-update': () => dispatch({ kind: 'checking' }),
    'update-available': (info) => dispatch({ kind: 'available', version: info.version }),
    'update-not-available': (info) => dispatch({ kind: 'not-available', version: info.version }),
    'download-progress': (info) => dispatch({ kind: 'progress', percent: info.percent }),
    'update-downloaded': (info) => dispatch({ kind: 'downloaded', version: info.version }),
    error: (error) => {
      reported.add(error);
      dispatch({ kind: 'failed', message: oneLine(error) });
    },
  };
  updater.on('checking-for-update', on['checking-for-update']);
  updater.on('update-available', on['update-available']);
  updater.on('update-not-available', on['update-not-available']);
  updater.on('download-progress', on['download-progress']);
  updater.on('update-downloaded', on['update-downloaded']);
  updater.on('error', on.error);
  detach.push(() => {
    updater.removeListener('checking-for-update', on['checking-for-update']);
    updater.removeListener('update-available', on['update-available']);
    updater.removeListener('update-not-available', on['update-not-available']);
    updater.removeListener('download-progress', on['download-progress']);
    updater.removeListener('update-downloaded', on['update-downloaded']);
    updater.removeListener('error', on.error);
  });

  const first = setTimeout(() => {
    handle.checkNow();
    const every = setInterval(() => handle.checkNow(), options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS);
    every.unref?.();
    timers.push(every);
  }, options.firstCheckDelayMs ?? DEFAULT_FIRST_CHECK_DELAY_MS);
  first.unref?.();
  timers.push(first);
  return handle;
}

/** An error's message on one line (electron-updater's messages can carry a stack or the feed's body). */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
}
