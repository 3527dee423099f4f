// Orderly shutdown with a deadline: the app core's close (sync stopped, database closed) runs once,
// and whoever waits for it — before-quit, Windows' session-end, the auto-updater before
// quitAndInstall — waits at most its deadline, so a stuck request can never keep the app from quitting.

/** How a wait for the shutdown ended. */
export type ShutdownOutcome = 'closed' | 'failed' | 'abandoned';

export interface ShutdownOptions {
  /** The clean close; called at most once. */
  readonly close: () => Promise<void>;
  /** What close does, for the abandoned message; default 'stopping sync and closing the database'. */
  readonly what?: string;
  /** Longest wait in ms; default DEFAULT_SHUTDOWN_DEADLINE_MS. */
  readonly deadlineMs?: number;
  readonly log: { warn(message: string): void; error(message: string): void };
}

export interface Shutdown {
  /** Starts the close (once) and resolves when it has finished or after `deadlineMs` (default: the configured one). */
  run(deadlineMs?: number): Promise<ShutdownOutcome>;
  /** True once close() has settled (finished or failed). */
  readonly finished: boolean;
}

/** Five seconds: long past a clean close (milliseconds), short enough that a user never waits on a quit. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 5_000;

/** An idempotent shutdown around `close` with a deadline. */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const configured = options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  const what = options.what ?? 'stopping sync and closing the database';
  let closing: Promise<ShutdownOutcome> | null = null;
  let finished = false;
  const start = (): Promise<ShutdownOutcome> => {
    closing ??= Promise.resolve()
      .then(() => options.close())
      .then(
        (): ShutdownOutcome => 'closed',
        (error: unknown): ShutdownOutcome => {
          options.log.error(`shutdown: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
          return 'failed';
        },
      )
      .finally(() => {
        finished = true;
      });
    return closing;
  };
  return {
    get finished() {
      return finished;
    },
    run(deadlineMs = configured) {
      const done = start();
      if (finished) return done;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<ShutdownOutcome>((resolve) => {
        timer = setTimeout(() => {
          if (finished) return;
          options.log.warn(`shutdown: ${what} did not finish within ${deadlineMs} ms; quitting without waiting for it`);
          resolve('abandoned');
        }, deadlineMs);
      });
      return Promise.race([done, deadline]).finally(() => clearTimeout(timer));
    },
  };
}
