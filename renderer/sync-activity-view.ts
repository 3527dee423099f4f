// What the Sync activity screen shows, as plain functions over data: each line's time (the clock
// for today, the date before it otherwise), the problems-only filter, and the heading's count.
import type { SyncActivityEntry } from '../common/ipc/contract.js';

const two = (n: number): string => String(n).padStart(2, '0');

/** "14:02:07" for a time today (local clock), "2 Dec 14:02" for another day. */
export function activityTime(at: number, now: number): string {
  const d = new Date(at);
  const today = new Date(now);
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return `${clock}:${two(d.getSeconds())}`;
  return `${d.getDate()} ${d.toLocaleString('en-GB', { month: 'short' })} ${clock}`;
}

/** The lines shown: every one, or only problems. */
export function shownActivity(entries: readonly SyncActivityEntry[], problemsOnly: boolean): SyncActivityEntry[] {
  return problemsOnly ? entries.filter((e) => e.level === 'problem') : [...entries];
}

/** "12 events, 2 problems" under the heading; "Nothing yet" for none. */
export function activityCountText(entries: readonly SyncActivityEntry[]): string {
  if (entries.length === 0) return 'Nothing yet';
  const problems = entries.filter((e) => e.level === 'problem').length;
  const events = `${entries.length.toLocaleString('en-US')} event${entries.length === 1 ? '' : 's'}`;
  return problems === 0 ? events : `${events}, ${problems.toLocaleString('en-US')} problem${problems === 1 ? '' : 's'}`;
}
