// Sign-in: an Outpost server with username and password, or with an API key, or an offline
// (local-only) profile. The last server URL is filled in; known profiles are listed.
import { useEffect, useState, type FormEvent } from 'react';
import type { CurrentUser, Profile } from '../../common/ipc/contract.js';
import { api } from '../api.js';

type Mode = 'password' | 'apiKey' | 'offline';

/** The sign-in screen; `onCancel` (when given) returns to the open profile. */
export function SignInScreen(props: { onSignedIn: (user: CurrentUser) => void; onCancel?: () => void }) {
  const [mode, setMode] = useState<Mode>('password');
  const [server, setServer] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.profiles().then((p) => {
      setProfiles(p.profiles);
      if (p.lastServer) setServer(p.lastServer);
    });
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user =
        mode === 'password'
          ? await api.signIn({ mode, server, username, password })
          : mode === 'apiKey'
            ? await api.signIn({ mode, server, apiKey, ...(username ? { username } : {}) })
            : await api.signIn({ mode, username });
      props.onSignedIn(user);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // A profile on this computer reopens from its saved sign-in, with no password and no network.
  const reopen = async (profile: Profile) => {
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await api.openProfile({ profileId: profile.profileId }));
    } catch (e) {
      if (profile.mode !== 'offline') {
        setMode(profile.mode);
        setServer(profile.server ?? '');
        setUsername(profile.username);
      }
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <h1>Outpost</h1>
        <p className="muted">Field data that works with or without a network.</p>
        <div className="tabs" role="tablist">
          {(['password', 'apiKey', 'offline'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              className={mode === m ? 'tab active' : 'tab'}
              onClick={() => setMode(m)}
            >
              {m === 'password' ? 'Account' : m === 'apiKey' ? 'API key' : 'Offline'}
            </button>
          ))}
        </div>
        {mode !== 'offline' && (
          <label>
            Server URL
            <input name="server" type="url" required value={server} placeholder="http://127.0.0.1:4000" onChange={(e) => setServer(e.target.value)} autoFocus />
          </label>
        )}
        {mode !== 'apiKey' ? (
          <label>
            {mode === 'offline' ? 'Profile name' : 'Username'}
            <input name="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus={mode === 'offline'} />
          </label>
        ) : (
          <label>
            Label (optional)
            <input name="username" value={username} placeholder="api-key" onChange={(e) => setUsername(e.target.value)} />
          </label>
        )}
        {mode === 'password' && (
          <label>
            Password
            <input name="password" type="password" required value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
          </label>
        )}
        {mode === 'apiKey' && (
          <label>
            API key
            <input name="apiKey" required value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          </label>
        )}
        {mode === 'offline' && <p className="hint">An offline profile keeps its data on this computer only and never syncs.</p>}
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
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : mode === 'offline' ? 'Open profile' : 'Sign in'}
          </button>
        </div>
        {profiles.length > 0 && (
          <section className="known-profiles" aria-label="Profiles on this computer">
            <h2>On this computer</h2>
            <ul>
              {profiles.map((p) => (
                <li key={p.profileId}>
                  <button type="button" className="link" onClick={() => void reopen(p)}>
                    {p.username}
                  </button>
                  <span className="muted"> {p.server ?? 'offline'}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </form>
    </main>
  );
}
