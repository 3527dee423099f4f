// The tabs choosing how to sign in: Account, API key, Offline.
import { modeLabel, SIGN_IN_MODES, type SignInMode } from '../sign-in-form.js';

/** The tab list with `mode` selected; `onMode` gets the tab clicked. */
export function SignInTabs(props: { mode: SignInMode; onMode: (mode: SignInMode) => void }) {
  return (
    <div className="tabs" role="tablist">
      {SIGN_IN_MODES.map((m) => (
        <button
          key={m}
          type="button"
          role="tab"
          aria-selected={props.mode === m}
          className={props.mode === m ? 'tab active' : 'tab'}
          onClick={() => props.onMode(m)}
        >
          {modeLabel(m)}
        </button>
      ))}
    </div>
  );
}
