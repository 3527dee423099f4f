// The sign-in form's state: the chosen way, the typed fields (the last server filled in), the
// profiles on this computer, and signing in or reopening a profile with the error if it fails.
import { useEffect, useState, type FormEvent } from 'react';
import type { CurrentUser, Profile } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { signInRequest, type SignInFields, type SignInMode } from '../sign-in-form.js';

/** The form's state and what its controls do. */
export interface SignIn {
  readonly mode: SignInMode;
  readonly fields: SignInFields;
  readonly profiles: Profile[];
  readonly busy: boolean;
  readonly error: string | null;
  setMode(mode: SignInMode): void;
  setField(name: keyof SignInFields, value: string): void;
  submit(event: FormEvent): Promise<void>;
  /** Reopens `profile` from its saved sign-in, with no password and no network. */
  reopen(profile: Profile): Promise<void>;
}

/** Sign-in state; `onSignedIn` gets the user once a sign-in or reopen succeeds. */
export function useSignIn(onSignedIn: (user: CurrentUser) => void): SignIn {
  const [mode, setMode] = useState<SignInMode>('password');
  const [fields, setFields] = useState<SignInFields>({ server: '', username: '', password: '', apiKey: '' });
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setField = (name: keyof SignInFields, value: string) => setFields((f) => ({ ...f, [name]: value }));

  useEffect(() => {
    void api.profiles().then((p) => {
      setProfiles(p.profiles);
      const { lastServer } = p;
      if (lastServer) setFields((f) => ({ ...f, server: lastServer }));
    });
  }, []);

  /** Runs `attempt` with the form busy, showing its error. */
  const attempt = async (signIn: () => Promise<CurrentUser>, onError?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn());
    } catch (e) {
      onError?.();
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(() => api.signIn(signInRequest(mode, fields)));
  };
  const reopen = (profile: Profile) =>
    attempt(
      () => api.openProfile({ profileId: profile.profileId }),
      () => {
        if (profile.mode === 'offline' || profile.mode === 'oidc') return;
        setMode(profile.mode);
        setFields((f) => ({ ...f, server: profile.server ?? '', username: profile.username }));
      },
    );
  return { mode, fields, profiles, busy, error, setMode, setField, submit, reopen };
}
