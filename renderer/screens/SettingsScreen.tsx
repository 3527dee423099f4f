// Settings: which server and profile this is, the other profiles on this computer, clearing local
// data and signing out (both behind the guard that names unsynced changes, review items and
// drafts of unsaved forms — all deleted with the local data), switching user, and the profile's
// sync settings (how many records of each model sync per round: a capped model is raised here), and
// the photos-and-files settings (pause uploads, prefetch, cache size limit). Where the sign-in is
// kept is asked of main afresh when Settings opens (a keychain can fail after sign-in). An Outpost
// account profile also shows this device and the user's other devices, each of which it can sign out.
import { useEffect, useState } from 'react';
import type { CurrentUser, Profile, SyncStatus } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { AttachmentSettingsForm } from '../components/AttachmentSettingsForm.js';
import { DevicesSection } from '../components/DevicesSection.js';
import { ProfileFacts } from '../components/ProfileFacts.js';
import { ProfilesTable } from '../components/ProfilesTable.js';
import { SyncSettingsForm } from '../components/SyncSettingsForm.js';
import { UnsyncedGuard } from '../components/UnsyncedGuard.js';
import { useAttachmentStates } from '../hooks/useAttachmentStates.js';
import { useEvent } from '../hooks/useEvent.js';
import { useLocalDataAction } from '../hooks/useLocalDataAction.js';
import { syncFirstProgressText } from '../settings-view.js';

/** Settings for the signed-in profile, with the unsynced-changes guard on destructive actions. */
export function SettingsScreen(props: { user: CurrentUser; status: SyncStatus | null; onSignedOut: () => void; onSwitchUser: () => void }) {
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [fresh, setFresh] = useState<CurrentUser | null>(null);
  const { pending, message, busy, run, cancel } = useLocalDataAction(props.status, props.onSignedOut);
  const { queue } = useAttachmentStates();
  useEffect(() => {
    void api.profiles().then((p) => setProfiles(p.profiles));
    void api.currentUser().then(setFresh, () => undefined);
  }, []);
  useEvent('session', setFresh);
  const user = fresh !== null && fresh.profileId === props.user.profileId ? fresh : props.user;
  const phase = pending?.phase ?? { kind: 'ask' as const };
  const left = props.status?.unsynced ?? 0;
  const progress =
    phase.kind === 'syncing'
      ? {
          text: syncFirstProgressText(phase.total, left, queue?.waiting ?? 0),
          sent: Math.min(phase.total, Math.max(0, phase.total - left)),
          total: phase.total,
        }
      : null;

  return (
    <section className="settings" aria-label="Settings">
      <header className="screen-header">
        <h1>Settings</h1>
      </header>
      <ProfileFacts user={user} unsynced={props.status?.unsynced ?? 0} />
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
      {user.mode === 'password' && <DevicesSection />}
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
          phase={phase}
          progress={progress}
          onChoose={(choice) => (choice === null ? cancel() : void run(pending.action, choice))}
        />
      )}
    </section>
  );
}
