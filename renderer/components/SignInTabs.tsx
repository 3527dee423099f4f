// The tabs choosing how to sign in: Account, API key, Identity provider, Offline — ARIA tabs: the
// selected tab alone is in the Tab order, arrow keys (wrapping), Home and End move between them.
import { useRef, type KeyboardEvent } from 'react';
import { modeLabel, SIGN_IN_MODES, SIGN_IN_PANEL_ID, tabForKey, tabId, type SignInMode } from '../sign-in-form.js';

/** The tab list with `mode` selected; `onMode` gets the tab clicked or moved to. */
export function SignInTabs(props: { mode: SignInMode; onMode: (mode: SignInMode) => void }) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const next = tabForKey(props.mode, event.key);
    if (next === null) return;
    event.preventDefault();
    props.onMode(next);
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(next)}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="How to sign in" ref={list} onKeyDown={onKeyDown}>
      {SIGN_IN_MODES.map((m) => (
        <button
          key={m}
          id={tabId(m)}
          type="button"
          role="tab"
          aria-selected={props.mode === m}
          aria-controls={SIGN_IN_PANEL_ID}
          tabIndex={props.mode === m ? 0 : -1}
          className={props.mode === m ? 'tab active' : 'tab'}
          onClick={() => props.onMode(m)}
        >
          {modeLabel(m)}
        </button>
      ))}
    </div>
  );
}
