// The Sync activity screen: what sync did since Outpost started, newest first, in plain words
// (main keeps the log: main/app/sync-activity.ts), with the problems marked and a filter to show
// only them. Pushed lines refresh it while it is open.
import { useEffect, useRef, useState } from 'react';
import type { SyncActivityEntry } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { useEvent } from '../hooks/useEvent.js';
import { useNow } from '../hooks/useNow.js';
import { activityCountText, activityTime, shownActivity } from '../sync-activity-view.js';

/** Most lines the screen asks for. */
const SHOWN = 200;

/** The recent sync activity, kept current while mounted. */
function useSyncActivity(): SyncActivityEntry[] | null {
  const [entries, setEntries] = useState<SyncActivityEntry[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = () => void api.syncActivity({ limit: SHOWN }).then(setEntries, () => setEntries((e) => e ?? []));
  useEffect(() => {
    load();
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, []);
  // A pushed line may be a folded one ("Sent 3 changes…" replacing "Sent 2…"): the list is asked again, a burst at once.
  useEvent('syncActivity', () => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, 150);
  });
  return entries;
}

/** The Sync activity screen. */
export function SyncActivityScreen() {
  const entries = useSyncActivity();
  const [problemsOnly, setProblemsOnly] = useState(false);
  const now = useNow(60_000);
  const shown = entries === null ? [] : shownActivity(entries, problemsOnly);
  return (
    <section className="sync-activity" aria-labelledby="sync-activity-title">
      <header className="screen-header">
        <h1 id="sync-activity-title">Sync activity</h1>
        <span className="count muted" data-testid="activity-count">
          {entries === null ? 'Loading…' : activityCountText(entries)}
        </span>
      </header>
      <p className="muted">What sync did since Outpost started, newest first. The bar at the bottom says where things stand now.</p>
      <div className="activity-filter">
        <label>
          <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} /> Only problems
        </label>
      </div>
      {entries !== null && shown.length === 0 ? (
        <p className="muted" data-testid="activity-empty">
          {problemsOnly ? 'No problems since Outpost started.' : 'Nothing has happened yet.'}
        </p>
      ) : (
        <ol className="activity-list" aria-label="Sync events, newest first" data-testid="activity-list">
          {shown.map((e, i) => (
            <li key={`${e.at}-${i}`} className={e.level === 'problem' ? 'problem' : undefined}>
              <time dateTime={new Date(e.at).toISOString()}>{activityTime(e.at, now)}</time>
              <span className="text">
                {e.level === 'problem' && <span className="visually-hidden">Problem: </span>}
                {e.text}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
