// The sign-in form's state: the chosen way, the typed fields (the last server filled in), the
// profiles on this computer, and signing in or reopening a profile with the error if it fails.
import { useEffect, useState, type FormEvent } from 'react';
import type { CurrentUser, Profile } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { EMPTY_FIELDS, passphraseStepFor, signInRequest, type PassphraseStep, type SignInFields, type SignInMode } from '../sign-in-form.js';

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
  /** Stops an identity-provider sign-in waiting for the browser. */
  cancel(): Promise<void>;
  /** The passphrase step the last refusal asked for (no usable keychain), and the passphrase typed. */
  readonly passphraseStep: PassphraseStep;
  readonly passphrase: string;
  setPassphrase(value: string): void;
}

/** Sign-in state; `onSignedIn` gets the user once a sign-in or reopen succeeds. */
export function useSignIn(onSignedIn: (user: CurrentUser) => void): SignIn {
  const [mode, setMode] = useState<SignInMode>('password');
  const [fields, setFields] = useState<SignInFields>(EMPTY_FIELDS);
  const [passphraseStep, setPassphraseStep] = useState<PassphraseStep>({ kind: 'none' });
  const [passphrase, setPassphrase] = useState('');
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
      // ProfileKeyError passphraseNeeded / wrongPassphrase: the same request is retried with the passphrase.
      const step = passphraseStepFor(e as { code?: unknown; reason?: unknown });
      setPassphraseStep(step);
      setError(step.kind === 'ask' && !step.wrong ? null : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(() => api.signIn(signInRequest(mode, fields, passphraseStep.kind === 'ask' ? passphrase : undefined)));
  };
  const reopen = (profile: Profile) =>
    attempt(
      () => api.openProfile({ profileId: profile.profileId, ...(passphraseStep.kind === 'ask' ? { passphrase } : {}) }),
      () => {
        if (profile.mode === 'offline' || profile.mode === 'oidc') return;
        setMode(profile.mode);
        setFields((f) => ({ ...f, server: profile.server ?? '', username: profile.username }));
      },
    );
  const cancel = async () => {
    await api.cancelSignIn({});
  };
  return { mode, fields, profiles, busy, error, setMode, setField, submit, reopen, cancel, passphraseStep, passphrase, setPassphrase };
}
