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
  const updates = new UpdateRunner(options);
  updates.dispatch({ kind: 'started', packaged: options.isPackaged });
  if (!options.isPackaged) return updates;
  let updater: Updater;
  try {
    updater = typeof options.updater === 'function' ? options.updater() : options.updater;
  } catch (error) {
    // An updater that cannot be made (unsupported package type, unreadable app-update.yml) must never stop the app.
    updates.failed(error);
    return updates;
  }
  updates.attach(updater);
  updates.schedule(options.firstCheckDelayMs ?? DEFAULT_FIRST_CHECK_DELAY_MS, options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS);
  return updates;
}

/** The update model of one run, the effects it decides carried out on the updater. */
class UpdateRunner implements AutoUpdates {
  // Assigned once the app is known to be packaged; the effects that use it only run after that.
  private updater!: Updater;
  private model: UpdateModel = INITIAL_UPDATE_MODEL;
  private readonly listeners = new Set<(status: UpdateStatus) => void>();
  // Errors electron-updater has already reported through its 'error' event; the promise it also
  // rejects with the same error must not report it a second time.
  private readonly reported = new WeakSet<Error>();
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];
  private readonly detach: Array<() => void> = [];

  constructor(private readonly options: AutoUpdateOptions) {}

  status(): UpdateStatus {
    return this.model.status;
  }

  subscribe(listener: (status: UpdateStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  checkNow(): void {
    this.dispatch({ kind: 'check-due' });
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    // The shell may stop updates as its shutdown begins, including the shutdown an install asked
    // for: keep listening then, so an installer that fails to start still ends in a quit.
    if (this.model.status.state !== 'installing') for (const off of this.detach.splice(0)) off();
  }

  /** Folds `event` into the model, tells the listeners a new status, runs the effects. */
  dispatch(event: UpdateEvent): void {
    const step = decideUpdate(this.model, event);
    const changed = step.model.status !== this.model.status;
    this.model = step.model;
    if (changed) for (const listener of this.listeners) listener(this.model.status);
    for (const effect of step.effects) this.run(effect);
  }

  /** A failure of the updater, unless its 'error' event already reported it. */
  readonly failed = (error: unknown): void => {
    if (error instanceof Error && this.reported.has(error)) return;
    this.dispatch({ kind: 'failed', message: oneLine(error) });
  };

  private run(effect: UpdateEffect): void {
    const { logger } = this.options;
    switch (effect.kind) {
      case 'log':
        logger[effect.level](effect.message);
        return;
      case 'check':
        this.attempt(() => this.updater.checkForUpdates());
        return;
      case 'download':
        this.attempt(() => this.updater.downloadUpdate());
        return;
      case 'ask':
        // Called on a later tick, so a dialog that throws cannot throw into electron-updater's emit.
        Promise.resolve({ version: effect.version })
          .then(this.options.ask)
          .then(
            (choice) => this.dispatch({ kind: 'answered', version: effect.version, choice }),
            (error: unknown) => {
              logger.warn(`Could not ask about update ${effect.version}: ${oneLine(error)}; it will be installed when Outpost quits.`);
              this.dispatch({ kind: 'answered', version: effect.version, choice: 'later' });
            },
          );
        return;
      case 'install':
        void this.install();
        return;
      case 'quit':
        this.options.quit();
        return;
    }
  }

  private attempt(call: () => Promise<unknown>): void {
    try {
      call().catch(this.failed);
    } catch (error) {
      this.failed(error);
    }
  }

  private async install(): Promise<void> {
    // The database must be closed before the installer replaces the app; a shutdown that fails
    // or overruns has still stopped the app, so the install goes ahead.
    try {
      await this.options.prepareToQuit();
    } catch (error) {
      this.options.logger.warn(`Shutdown before installing the update failed: ${oneLine(error)}`);
    }
    try {
      // Silent (no installer wizard on Windows) and relaunched afterwards; macOS ignores both.
      this.updater.quitAndInstall(true, true);
    } catch (error) {
      this.failed(error);
    }
  }

  /** Configures `updater` and listens to its events until `stop`. */
  attach(updater: Updater): void {
    this.updater = updater;
    // Our own decisions download and ask; electron-updater's defaults would download unasked (its
    // promise then unobserved) and install on quit, which we want too.
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = true;
    updater.logger = this.options.logger;
    const on: UpdaterEvents = {
      'checking-for-update': () => this.dispatch({ kind: 'checking' }),
      'update-available': (info) => this.dispatch({ kind: 'available', version: info.version }),
      'update-not-available': (info) => this.dispatch({ kind: 'not-available', version: info.version }),
      'download-progress': (info) => this.dispatch({ kind: 'progress', percent: info.percent }),
      'update-downloaded': (info) => this.dispatch({ kind: 'downloaded', version: info.version }),
      error: (error) => {
        this.reported.add(error);
        this.dispatch({ kind: 'failed', message: oneLine(error) });
      },
    };
    // Updater's overloads take one event name each; `on` pairs every name with its own listener.
    const each = (method: 'on' | 'removeListener'): void => {
      const call = updater[method] as unknown as (event: keyof UpdaterEvents, listener: UpdaterEvents[keyof UpdaterEvents]) => unknown;
      for (const name of Object.keys(on) as Array<keyof UpdaterEvents>) call.call(updater, name, on[name]);
    };
    each('on');
    this.detach.push(() => each('removeListener'));
  }

  /** The first check after `firstDelayMs`, then one every `intervalMs`. */
  schedule(firstDelayMs: number, intervalMs: number): void {
    const first = setTimeout(() => {
      this.checkNow();
      const every = setInterval(() => this.checkNow(), intervalMs);
      every.unref?.();
      this.timers.push(every);
    }, firstDelayMs);
    first.unref?.();
    this.timers.push(first);
  }
}

/** An error's message on one line (electron-updater's messages can carry a stack or the feed's body). */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
}
