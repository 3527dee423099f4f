// What a profile left in this window — its lists' filters and searches (sessionStorage) and its
// "last used" form values (localStorage) — is record text: it goes when the profile is signed out
// or its local data cleared, wherever that came from (Settings, a revocation, main ending the session).
import { useEvent } from './useEvent.js';
import { forgetProfileState } from './profile-storage.js';

/** While the shell shows `profileId`: forgets its state when main says the session ended (null). */
export function useForgetOnSignOut(profileId: string): void {
  useEvent('session', (user) => {
    if (user === null) forgetProfileState(profileId);
  });
}
