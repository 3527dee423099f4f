// Profiles on disk: one folder (and so one database) per user per server, plus a small JSON
// settings file remembering the last server URL and who was signed in. A profile id is derived
// from server + user, so signing in again as the same user finds the same database and a
// different user can never open it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileAtomically } from '../atomic-file.js';
import { join } from 'node:path';
import { z } from 'zod';

const profileRecord = z.object({
  id: z.string(),
  mode: z.enum(['password', 'apiKey', 'offline', 'oidc']),
  server: z.string().nullable(),
  username: z.string(),
  lastUsedAt: z.number(),
  /** The device id this profile signs in with (password profiles; absent before devices were kept). */
  deviceId: z.string().optional(),
  /** The name the server lists that device by. */
  deviceName: z.string().optional(),
  /** An `oidc` profile's provider: its issuer URL, client id, scopes and which token the backend verifies. */
  oidc: z
    .object({
      issuer: z.string(),
      /** The provider's `sub`: with the issuer, who this profile is. */
      subject: z.string(),
      clientId: z.string(),
      scopes: z.array(z.string()).optional(),
      tokenUse: z.enum(['id', 'access']).optional(),
    })
    .optional(),
});
const settingsShape = z.object({
  lastServer: z.string().nullable(),
  /** The profile to reopen at start-up (null after a sign-out). */
  activeProfileId: z.string().nullable(),
  profiles: z.array(profileRecord),
});

export type ProfileRecord = z.infer<typeof profileRecord>;
export type Settings = z.infer<typeof settingsShape>;

const EMPTY: Settings = { lastServer: null, activeProfileId: null, profiles: [] };

/** Server base URL in one canonical form (lower-case host, no trailing slash), so ids are stable. */
export function normaliseServer(server: string): string {
  const url = new URL(server);
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

/** The profile id for a user on a server (null server = offline local-only profile): 24 hex digits. */
export function profileIdFor(server: string | null, username: string): string {
  return createHash('sha256')
    .update(`${server ?? 'local:'}#${username}`)
    .digest('hex')
    .slice(0, 24);
}

/** `<userData>/profiles/<id>`. */
export function profileDirectory(userData: string, id: string): string {
  return join(userData, 'profiles', id);
}

/** `<userData>/profiles/<id>/outpost.db`. */
export function profileDatabaseFile(userData: string, id: string): string {
  return join(profileDirectory(userData, id), 'outpost.db');
}

export interface ProfileRegistry {
  read(): Settings;
  /** Records a sign-in: upserts the profile, makes it active, remembers its server; creates its folder. */
  signedIn(profile: Omit<ProfileRecord, 'lastUsedAt'>, now?: number): ProfileRecord;
  /** Records a sign-out: nobody is active any more; the profile stays listed. */
  signedOut(): void;
  /** Deletes a profile's folder (database, WAL) and its entry. */
  remove(id: string): void;
}

/** The settings file `<userData>/settings.json` and the profile folders beside it. */
export function createProfileRegistry(userData: string): ProfileRegistry {
  const file = join(userData, 'settings.json');

  const read = (): Settings => {
    if (!existsSync(file)) return structuredClone(EMPTY);
    try {
      return settingsShape.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // A damaged settings file must not lock the user out; keep it for inspection and start afresh.
      renameSync(file, `${file}.damaged-${Date.now()}`);
      return structuredClone(EMPTY);
    }
  };

  const write = (settings: Settings): void => {
    mkdirSync(userData, { recursive: true });
    writeFileAtomically(file, JSON.stringify(settings, null, 2));
  };

  return {
    read,
    signedIn(profile, now = Date.now()) {
      const settings = read();
      const record: ProfileRecord = { ...profile, lastUsedAt: now };
      settings.profiles = [record, ...settings.profiles.filter((p) => p.id !== profile.id)];
      settings.activeProfileId = profile.id;
      if (profile.server !== null) settings.lastServer = profile.server;
      mkdirSync(profileDirectory(userData, profile.id), { recursive: true });
      write(settings);
      return record;
    },
    signedOut() {
      const settings = read();
      settings.activeProfileId = null;
      write(settings);
    },
    remove(id) {
      rmSync(profileDirectory(userData, id), { recursive: true, force: true });
      const settings = read();
      settings.profiles = settings.profiles.filter((p) => p.id !== id);
      if (settings.activeProfileId === id) settings.activeProfileId = null;
      write(settings);
    },
  };
}
