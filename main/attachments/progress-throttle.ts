// Upload progress pushed to the renderer at most a few times a second per file (the contract's
// `attachmentState`): a state change (queued → uploading, done, failed) goes out at once; progress
// within the interval waits, and only the latest waiting progress goes out when it is over.

/** Least time between two progress events of one file: 250 ms (≤ 4 a second). */
export const PROGRESS_INTERVAL_MS = 250;

/** What to do with one event, given when the file's last event went out (ms; null: none yet). */
export function progressDecision(
  isProgress: boolean,
  lastAt: number | null,
  now: number,
  intervalMs: number,
): { readonly emitNow: boolean; readonly waitMs: number } {
  if (!isProgress || lastAt === null || now - lastAt >= intervalMs) return { emitNow: true, waitMs: 0 };
  return { emitNow: false, waitMs: lastAt + intervalMs - now };
}

interface FileSlot<E> {
  lastAt: number | null;
  lastState: string | null;
  pending: E | null;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Throttles events of `{ key, state }` shape per key; `emit` receives what goes out. */
export class ProgressThrottle<E extends { readonly key: string; readonly state: string }> {
  private readonly slots = new Map<string, FileSlot<E>>();

  constructor(
    private readonly emit: (event: E) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Passes `event` on now, later (the latest progress of its file), or never (superseded). */
  push(event: E): void {
    const slot = this.slots.get(event.key) ?? { lastAt: null, lastState: null, pending: null, timer: null };
    this.slots.set(event.key, slot);
    const isProgress = event.state === 'uploading' && slot.lastState === 'uploading';
    const decision = progressDecision(isProgress, slot.lastAt, this.now(), this.intervalMs);
    if (!decision.emitNow) {
      slot.pending = event;
      slot.timer ??= setTimeout(() => this.flush(event.key), decision.waitMs);
      return;
    }
    this.cancel(slot);
    this.send(slot, event);
    // A finished file needs no slot: its next event (a retry) starts afresh.
    if (event.state === 'done' || event.state === 'failed') this.slots.delete(event.key);
  }

  /** Drops everything waiting. */
  close(): void {
    for (const slot of this.slots.values()) this.cancel(slot);
    this.slots.clear();
  }

  private flush(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    slot.timer = null;
    const pending = slot.pending;
    slot.pending = null;
    if (pending !== null) this.send(slot, pending);
  }

  private send(slot: FileSlot<E>, event: E): void {
    slot.lastAt = this.now();
    slot.lastState = event.state;
    this.emit(event);
  }

  private cancel(slot: FileSlot<E>): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    slot.pending = null;
  }
}
