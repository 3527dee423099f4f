// What each auto-update event leads to, as plain data: the status the renderer can show and the
// effects the interpreter in auto-update.ts runs (check, download, ask the user, install). No
// Electron, no timers, no I/O here, so every rule has a row in a table test.

/** Where auto-update stands, for the renderer. */
export type UpdateState = 'disabled' | 'idle' | 'checking' | 'available' | 'downloading' | 'ready' | 'installing' | 'error';

/** The update status as plain data; `version` is the update's (not the running app's). */
export interface UpdateStatus {
  readonly state: UpdateState;
  /** The version found, being downloaded, ready or installing. */
  readonly version?: string;
  /** Download progress, 0…100. */
  readonly percent?: number;
  /** The last failure, one line (state 'error'). */
  readonly error?: string;
  /** Why updates are off (state 'disabled'). */
  readonly reason?: string;
}

export interface UpdateModel {
  readonly status: UpdateStatus;
  /** Versions the user has been asked about: never asked twice for one version. */
  readonly asked: readonly string[];
  /** The version whose question is on screen, if any: one question at a time. */
  readonly asking: string | null;
}

export type UpdateChoice = 'restart' | 'later';

export type UpdateEvent =
  | { readonly kind: 'started'; readonly packaged: boolean }
  /** The timer fired or something asked for a check now. */
  | { readonly kind: 'check-due' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'available'; readonly version: string }
  | { readonly kind: 'not-available'; readonly version: string }
  | { readonly kind: 'progress'; readonly percent: number }
  | { readonly kind: 'downloaded'; readonly version: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'answered'; readonly version: string; readonly choice: UpdateChoice };

export type UpdateEffect =
  | { readonly kind: 'check' }
  | { readonly kind: 'download' }
  | { readonly kind: 'ask'; readonly version: string }
  /** Shut the app down cleanly (sync stopped, database closed), then quit and install. */
  | { readonly kind: 'install' }
  /** The installer could not start after the app had shut down: quit plainly rather than stay open on a closed database. */
  | { readonly kind: 'quit' }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn'; readonly message: string };

export interface UpdateStep {
  readonly model: UpdateModel;
  readonly effects: readonly UpdateEffect[];
}

/** Said once, in the log and the status, when the app is not packaged. */
export const NOT_PACKAGED_REASON = 'Updates are checked only in the installed app (this is a development run).';

export const INITIAL_UPDATE_MODEL: UpdateModel = { status: { state: 'idle' }, asked: [], asking: null };

const BUSY: ReadonlySet<UpdateState> = new Set(['disabled', 'checking', 'available', 'downloading', 'installing']);

/** The next model and the effects one event leads to. */
export function decideUpdate(model: UpdateModel, event: UpdateEvent): UpdateStep {
  const { status } = model;
  const to = (next: Partial<UpdateModel>, ...effects: UpdateEffect[]): UpdateStep => ({ model: { ...model, ...next }, effects });
  // Once the app is shutting down for the installer, nothing but the installer's own failure matters.
  if (status.state === 'installing' && event.kind !== 'failed') return to({});
  switch (event.kind) {
    case 'started':
      return event.packaged
        ? to({ status: { state: 'idle' } })
        : to({ status: { state: 'disabled', reason: NOT_PACKAGED_REASON } }, { kind: 'log', level: 'info', message: NOT_PACKAGED_REASON });
    case 'check-due':
      // A check while one is running or a download is under way would only repeat it; a ready
      // update is re-checked, since a newer version may have been published since.
      return BUSY.has(status.state) ? to({}) : to({}, { kind: 'check' });
    case 'checking':
      // A downloaded update stays 'ready' while the feed is asked again: it still installs on quit.
      return status.state === 'ready' ? to({}) : to({ status: { state: 'checking' } });
    case 'available':
      // The same version again after 'Later': electron-updater re-validates the file it already
      // downloaded (its sha512) and announces it again; the status need not flicker.
      if (status.state === 'ready' && status.version === event.version) return to({}, { kind: 'download' });
      return to({ status: { state: 'available', version: event.version } }, { kind: 'download' });
    case 'not-available':
      return status.state === 'ready' ? to({}) : to({ status: { state: 'idle' } });
    case 'progress':
      if (status.state !== 'available' && status.state !== 'downloading') return to({});
      return to({ status: { state: 'downloading', version: status.version, percent: event.percent } });
    case 'downloaded': {
      const ready: UpdateStatus = { state: 'ready', version: event.version };
      if (model.asking !== null || model.asked.includes(event.version)) return to({ status: ready });
      return to({ status: ready, asked: [...model.asked, event.version], asking: event.version }, { kind: 'ask', version: event.version });
    }
    case 'failed':
      if (status.state === 'installing') {
        return to(
          { status: { state: 'error', error: event.message } },
          { kind: 'log', level: 'warn', message: `Update could not be installed: ${event.message}` },
          { kind: 'quit' },
        );
      }
      // Offline, a missing feed or a bad checksum: logged, shown as plain status, never a dialog.
      // A downloaded update survives a later failed check: it still installs on quit.
      if (status.state === 'ready') return to({}, { kind: 'log', level: 'warn', message: `Update check failed: ${event.message}` });
      return to({ status: { state: 'error', error: event.message } }, { kind: 'log', level: 'warn', message: `Update check failed: ${event.message}` });
    case 'answered': {
      const asking = model.asking === event.version ? null : model.asking;
      if (event.choice === 'restart') return to({ asking, status: { state: 'installing', version: status.version ?? event.version } }, { kind: 'install' });
      return to({ asking }, { kind: 'log', level: 'info', message: `Update ${event.version} will be installed when Outpost quits.` });
    }
  }
}
