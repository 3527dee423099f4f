// Sign-in: an Outpost server with username and password, or with an API key, or an offline
// (local-only) profile. The last server URL is filled in; known profiles are listed.
import type { CurrentUser } from '../../common/ipc/contract.js';
import { KnownProfiles } from '../components/KnownProfiles.js';
import { SignInFieldset } from '../components/SignInFieldset.js';
import { SignInTabs } from '../components/SignInTabs.js';
import { useSignIn } from '../hooks/useSignIn.js';
import { PASSPHRASE_ASK, PASSPHRASE_EXPLANATION, submitLabel } from '../sign-in-form.js';

/** The sign-in screen; `onCancel` (when given) returns to the open profile; `notice` is why the user is here (a revoked device). */
export function SignInScreen(props: { onSignedIn: (user: CurrentUser) => void; onCancel?: () => void; notice?: string }) {
  const signIn = useSignIn(props.onSignedIn);
  const { mode, busy, error } = signIn;
  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(event) => void signIn.submit(event)} aria-label="Sign in">
        <h1>Outpost</h1>
        <p className="muted">Field data that works with or without a network.</p>
        {props.notice && (
          <p className="form-error" role="alert" aria-label="Why you are signed out">
            {props.notice}
          </p>
        )}
        <SignInTabs mode={mode} onMode={signIn.setMode} />
        <SignInFieldset mode={mode} fields={signIn.fields} onField={signIn.setField} />
        {signIn.passphraseStep.kind === 'ask' && (
          <fieldset className="passphrase">
            <legend>Passphrase</legend>
            <p className="hint" id="passphrase-why">
              {signIn.passphraseStep.confirm ? PASSPHRASE_EXPLANATION : PASSPHRASE_ASK}
            </p>
            <label>
              Passphrase
              <input
                name="passphrase"
                type="password"
                required
                minLength={10}
                aria-describedby="passphrase-why"
                value={signIn.passphrase}
                onChange={(e) => signIn.setPassphrase(e.target.value)}
                autoComplete={signIn.passphraseStep.confirm ? 'new-password' : 'current-password'}
              />
            </label>
            {signIn.passphraseStep.confirm && (
              <label>
                Passphrase again
                <input
                  name="passphraseConfirm"
                  type="password"
                  required
                  minLength={10}
                  value={signIn.passphraseConfirm}
                  onChange={(e) => signIn.setPassphraseConfirm(e.target.value)}
                  autoComplete="new-password"
                />
              </label>
            )}
          </fieldset>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          {props.onCancel && (
            <button type="button" className="secondary" onClick={props.onCancel}>
              Back
            </button>
          )}
          {busy && mode === 'oidc' && (
            <button type="button" className="secondary" onClick={() => void signIn.cancel()}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {signIn.reopening !== null && !busy ? 'Open profile' : submitLabel(mode, busy)}
          </button>
        </div>
        {signIn.profiles.length > 0 && <KnownProfiles profiles={signIn.profiles} onReopen={(p) => void signIn.reopen(p)} />}
      </form>
    </main>
  );
}
