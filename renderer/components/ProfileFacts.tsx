// Which profile this is: who is signed in, to which server, how (and where the credential is
// kept), its identity provider, how its data on this computer is protected, its id, and how many
// changes have not reached the server.
import type { CurrentUser } from '../../common/ipc/contract.js';
import { signInText } from '../settings-view.js';

/** The facts list of `user`, with `unsynced` changes waiting. */
export function ProfileFacts(props: { user: CurrentUser; unsynced: number }) {
  const { user } = props;
  return (
    <dl className="facts">
      <dt>Signed in as</dt>
      <dd data-testid="settings-user">{user.username}</dd>
      <dt>Server</dt>
      <dd>{user.server ?? 'None — offline profile, data stays on this computer'}</dd>
      <dt>Sign-in</dt>
      <dd data-testid="settings-credential-storage">{signInText(user)}</dd>
      {user.issuer ? (
        <>
          <dt>Identity provider</dt>
          <dd data-testid="settings-issuer">{user.issuer}</dd>
        </>
      ) : null}
      <dt>Data on this computer</dt>
      <dd data-testid="settings-data-protection">{user.dataProtection ?? 'Not encrypted'}</dd>
      <dt>Profile</dt>
      <dd>
        <code>{user.profileId}</code>
      </dd>
      <dt>Unsynced changes</dt>
      <dd>{props.unsynced}</dd>
    </dl>
  );
}
