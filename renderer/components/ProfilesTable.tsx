// The profiles on this computer: user (the current one marked), server, and when each was last used.
import type { Profile } from '../../common/ipc/contract.js';

/** The table of `profiles`. */
export function ProfilesTable(props: { profiles: readonly Profile[] }) {
  return (
    <table className="records">
      <thead>
        <tr>
          <th>User</th>
          <th>Server</th>
          <th>Last used</th>
        </tr>
      </thead>
      <tbody>
        {props.profiles.map((p) => (
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
  );
}
