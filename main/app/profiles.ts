// The profiles kept on this computer, as the sign-in screen lists them.
import type { ResponseOf } from '../../common/ipc/contract.js';
import type { ProfileRegistry, ProfileRecord } from '../auth/profiles.js';

/** Every profile, the open one marked `active`, and the server last signed in to. */
export function listProfiles(registry: ProfileRegistry, activeProfileId: string | null): ResponseOf<'profiles'> {
  const settings = registry.read();
  return {
    profiles: settings.profiles.map((p: ProfileRecord) => ({
      profileId: p.id,
      mode: p.mode,
      server: p.server,
      username: p.username,
      lastUsedAt: p.lastUsedAt,
      active: p.id === activeProfileId,
    })),
    lastServer: settings.lastServer,
  };
}
