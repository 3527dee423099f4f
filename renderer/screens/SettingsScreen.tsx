// Settings: which server and profile this is, the other profiles on this computer, clearing local
// data and signing out (both behind the guard that names unsynced changes, review items and
// drafts of unsaved forms — all deleted with the local data), switching user, and the profile's
// sync settings (how many records of each model sync per round: a capped model is raised here), and
// the photos-and-files settings (pause uploads, prefetch, cache size limit).
import { useEffect, useState } from 'react';
import type { CurrentUser, Profile, SyncStatus } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { AttachmentSettingsForm } from '../components/AttachmentSettingsForm.js';
import { ProfileFacts } from '../components/ProfileFacts.js';
import { ProfilesTable } from '../components/ProfilesTable.js';
import { SyncSettingsForm } from '../components/SyncSettingsForm.js';
import { UnsyncedGuard } from '../components/UnsyncedGuard.js';
import { useLocalDataAction } from '../hooks/useLocalDataAction.js';

/** Settings for the signed-in profile, with the unsynced-changes guard on destructive actions. */
export function SettingsScreen(props: { user: CurrentUser; status: SyncStatus | null; onSignedOut: () => void; onSwitchUser: () => void }) {
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const { pending, message, busy, run, cancel } = useLocalDataAction(props.status, props.onSignedOut);
  useEffect(() => {
    void api.profiles().then((p) => setProfiles(p.profiles));
  }, []);

  return (
    <section className="settings" aria-label="Settings">
      <header className="screen-header">
        <h1>Settings</h1>
      </header>
      <ProfileFacts user={props.user} unsynced={props.status?.unsynced ?? 0} />
      {message && (
        <p className="notice-inline" role="status">
          {message}
        </p>
      )}
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
      <AttachmentSettingsForm />
      <h2>Profiles on this computer</h2>
      <ProfilesTable profiles={profiles} />
      {pending && (
        <UnsyncedGuard
          unsynced={pending.unsynced}
          reviewWaiting={pending.reviewWaiting}
          drafts={pending.drafts}
          unuploadedFiles={pending.unuploadedFiles}
          action={pending.action === 'clear' ? 'Clearing local data' : 'Signing out'}
          canSync={props.user.server !== null}
          onChoose={(choice) => (choice === null ? cancel() : void run(pending.action, choice))}
        />
      )}
    </section>
  );
}
