// The sign-in form's state: the chosen way, the typed fields (the last server filled in), the
// profiles on this computer, and signing in or reopening a profile with the error if it fails.
import { useEffect, useState, type FormEvent } from 'react';
import type { CurrentUser, Profile } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { EMPTY_FIELDS, passphraseProblem, passphraseStepFor, signInRequest, type PassphraseStep, type SignInFields, type SignInMode } from '../sign-in-form.js';

/** The form's state and what its controls do. */
export interface SignIn {
  readonly mode: SignInMode;
  readonly fields: SignInFields;
  readonly profiles: Profile[];
  readonly busy: boolean;
  readonly error: string | null;
  /** The profile being reopened when its passphrase was asked for (submitting opens it), else null. */
  readonly reopening: Profile | null;
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
  /** The passphrase typed again (a new passphrase only). */
  readonly passphraseConfirm: string;
  setPassphraseConfirm(value: string): void;
}

/** The passphrase step's state: what it asks, and the passphrase typed (twice for a new one). */
function usePassphrase() {
  const [passphraseStep, setPassphraseStep] = useState<PassphraseStep>({ kind: 'none' });
  const [passphrase, setPassphrase] = useState('');
  const [passphraseConfirm, setPassphraseConfirm] = useState('');
  return { passphraseStep, setPassphraseStep, passphrase, setPassphrase, passphraseConfirm, setPassphraseConfirm };
}

/** Sign-in state; `onSignedIn` gets the user once a sign-in or reopen succeeds. */
export function useSignIn(onSignedIn: (user: CurrentUser) => void): SignIn {
  const [mode, setMode] = useState<SignInMode>('password');
  const [fields, setFields] = useState<SignInFields>(EMPTY_FIELDS);
  const { passphraseStep, setPassphraseStep, passphrase, setPassphrase, passphraseConfirm, setPassphraseConfirm } = usePassphrase();
  // The profile whose reopening asked for the passphrase: submitting retries that, not a sign-in.
  const [reopening, setReopening] = useState<Profile | null>(null);
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
  /** The passphrase to send with the retried request, or null after showing why it cannot be sent yet. */
  const typedPassphrase = (): string | undefined | null => {
    if (passphraseStep.kind !== 'ask') return undefined;
    const problem = passphraseProblem(passphrase, passphraseStep.confirm ? passphraseConfirm : null);
    if (problem === null) return passphrase;
    setError(problem);
    return null;
  };
  const reopenWith = (profile: Profile, typed: string | undefined) =>
    attempt(
      () => api.openProfile({ profileId: profile.profileId, ...(typed === undefined ? {} : { passphrase: typed }) }),
      () => {
        setReopening(profile);
        if (profile.mode === 'oidc') return;
        setMode(profile.mode);
        setFields((f) => ({ ...f, server: profile.server ?? '', username: profile.username }));
      },
    );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = typedPassphrase();
    if (typed === null) return;
    if (reopening !== null) return reopenWith(reopening, typed);
    await attempt(() => api.signIn(signInRequest(mode, fields, typed)));
  };
  const reopen = async (profile: Profile) => {
    // Another profile than the one that asked: its own passphrase (if any) is asked afresh.
    if (reopening?.profileId !== profile.profileId) {
      setPassphraseStep({ kind: 'none' });
      return reopenWith(profile, undefined);
    }
    const typed = typedPassphrase();
    if (typed !== null) await reopenWith(profile, typed);
  };
  const chooseMode = (next: SignInMode) => {
    setReopening(null);
    setMode(next);
  };
  const cancel = async () => {
    await api.cancelSignIn({});
  };
  const passphraseState = { passphraseStep, passphrase, setPassphrase, passphraseConfirm, setPassphraseConfirm };
  return { mode, fields, profiles, busy, error, reopening, setMode: chooseMode, setField, submit, reopen, cancel, ...passphraseState };
}
