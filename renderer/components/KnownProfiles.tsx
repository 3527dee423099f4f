// The profiles on this computer under the sign-in form, each reopened with a click.
import type { Profile } from '../../common/ipc/contract.js';

/** "On this computer": `profiles` by username and server; `onReopen` gets the one clicked. */
export function KnownProfiles(props: { profiles: readonly Profile[]; onReopen: (profile: Profile) => void }) {
  return (
    <section className="known-profiles" aria-label="Profiles on this computer">
      <h2>On this computer</h2>
      <ul>
        {props.profiles.map((p) => (
          <li key={p.profileId}>
            <button type="button" className="link" onClick={() => props.onReopen(p)}>
              {p.username}
            </button>
            <span className="muted"> {p.server ?? 'offline'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
