// Settings: which server and profile this is, the other profiles on this computer, clearing local
// data and signing out (both behind the guard that names unsynced changes, review items and
// drafts of unsaved forms — all deleted with the local data), switching user, and the profile's
// sync settings (how many records of each model sync per round: a capped model is raised here).
import { useEffect, useState, type FormEvent } from 'react';
import type { CurrentUser, Profile, SyncStatus } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { UnsyncedGuard } from '../components/UnsyncedGuard.js';
import { maxRecordsToSyncInput } from '../work-view.js';

/** The Sync section: "Max records to sync per model", saved for this profile (sync restarts with it). */
function SyncSettingsForm(props: { offline: boolean }) {
  const [text, setText] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api
      .syncSettings()
      .then((s) => {
        setSaved(s.maxRecordsToSync);
        setText(String(s.maxRecordsToSync));
      })
      .catch((e: Error) => setError(e.message));
  }, []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setNote(null);
    const input = maxRecordsToSyncInput(text);
    if ('error' in input) {
      setError(input.error);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const s = await api.setSyncSettings({ maxRecordsToSync: input.value });
      setSaved(s.maxRecordsToSync);
      setText(String(s.maxRecordsToSync));
      setNote(props.offline ? 'Saved.' : 'Saved: sync restarted with the new limit.');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sync-settings" aria-label="Sync settings" onSubmit={(e) => void save(e)} noValidate>
      <h2>Sync</h2>
      <label>
        Max records to sync per model
        <input
          name="maxRecordsToSync"
          type="text"
          inputMode="numeric"
          value={text}
          aria-invalid={error !== null}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
            setNote(null);
          }}
        />
      </label>
      <p className="hint">
        A model with more records on the server than this is synced only up to it, and the sync bar says how many of how many.
        {saved !== null ? ` Now: ${saved.toLocaleString('en-US')}.` : ''}
      </p>
      {error && (
        <p className="form-error" role="alert" data-testid="sync-settings-error">
          {error}
        </p>
      )}
      {note && (
        <p className="notice-inline" role="status" data-testid="sync-settings-saved">
          {note}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || saved === null}>
        Save
      </button>
    </form>
  );
}

type Pending = { readonly action: 'clear' | 'signOut'; readonly unsynced: number; readonly reviewWaiting: number; readonly drafts: number };

/** Settings for the signed-in profile, with the unsynced-changes guard on destructive actions. */
export function SettingsScreen(props: { user: CurrentUser; status: SyncStatus | null; onSignedOut: () => void; onSwitchUser: () => void }) {
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [pending, setPending] = useState<Pending | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api.profiles().then((p) => setProfiles(p.profiles));
  }, []);

  const run = async (action: Pending['action'], unsynced: 'ask' | 'discard' | 'syncFirst') => {
    setBusy(true);
    setMessage(unsynced === 'syncFirst' ? 'Syncing before continuing…' : null);
    try {
      // Drafts of unsaved forms go with the local data too: asked about here, main does not know them.
      const drafts = unsynced === 'ask' ? (await api.draftsList().catch(() => [])).length : 0;
      if (drafts > 0) {
        setPending({ action, unsynced: props.status?.unsynced ?? 0, reviewWaiting: props.status?.reviewWaiting ?? 0, drafts });
        return;
      }
      const result = action === 'clear' ? await api.clear({ unsynced }) : await api.signOut({ unsynced });
      if ('needsConfirmation' in result) {
        setPending({ action, unsynced: result.unsynced, reviewWaiting: result.reviewWaiting ?? 0, drafts: 0 });
        if (unsynced === 'syncFirst') {
          setMessage(
            result.unsynced > 0
              ? `${result.unsynced} change(s) could not be synced yet.`
              : 'Every change reached the server; what waits in the review inbox needs your decision first.',
          );
        }
        return;
      }
      setPending(null);
      if ('signedOut' in result) props.onSignedOut();
      else setMessage(`Local data cleared${result.discarded > 0 ? ` (${result.discarded} unsynced change(s) discarded)` : ''}.`);
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings" aria-label="Settings">
      <header className="screen-header">
        <h1>Settings</h1>
      </header>
      <dl className="facts">
        <dt>Signed in as</dt>
        <dd data-testid="settings-user">{props.user.username}</dd>
        <dt>Server</dt>
        <dd>{props.user.server ?? 'None — offline profile, data stays on this computer'}</dd>
        <dt>Sign-in</dt>
        <dd data-testid="settings-credential-storage">
          {{ password: 'Account', apiKey: 'API key', offline: 'Offline profile' }[props.user.mode]}
          {props.user.credentialStorage && ` — ${props.user.mode === 'password' ? 'token' : 'key'} ${props.user.credentialStorage}`}
        </dd>
        <dt>Profile</dt>
        <dd>
          <code>{props.user.profileId}</code>
        </dd>
        <dt>Unsynced changes</dt>
        <dd>{props.status?.unsynced ?? 0}</dd>
      </dl>
      {message && <p className="notice-inline" role="status">{message}</p>}
      <div className="actions">
        <button className="secondary" disabled={busy} onClick={() => void run('clear', 'ask')}>
          Clear local data
        </button>
        <button className="secondary" disabled={busy} onClick={props.onSwitchUser}>
          Switch user
        </button>
        <button className="danger-outline" disabled={busy} onClick={() => void run('signOut', 'ask')}>
          Sign out
        </button>
      </div>
      <SyncSettingsForm offline={props.user.server === null} />
      <h2>Profiles on this computer</h2>
      <table className="records">
        <thead>
          <tr>
            <th>User</th>
            <th>Server</th>
            <th>Last used</th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.profileId}>
              <td>
                {p.username}
                {p.active ? ' (current)' : ''}
              </td>
              <td>{p.server ?? 'offline'}</td>
              <td>{new Date(p.lastUsedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pending && (
        <UnsyncedGuard
          unsynced={pending.unsynced}
          reviewWaiting={pending.reviewWaiting}
          drafts={pending.drafts}
          action={pending.action === 'clear' ? 'Clearing local data' : 'Signing out'}
          canSync={props.user.server !== null}
          onChoose={(choice) => (choice === null ? setPending(null) : void run(pending.action, choice))}
        />
      )}
    </section>
  );
}
