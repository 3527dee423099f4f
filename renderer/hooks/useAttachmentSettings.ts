// The profile's attachment settings as Settings edits them: loaded from main, each change sent
// whole (main checks it and answers what is in force), with main's refusal kept apart for the
// cache field (shown under it) and for the rest.
import { useEffect, useState } from 'react';
import type { AttachmentSettings } from '../../common/ipc/attachment-contract.js';
import { api } from '../api.js';

/** The settings in force (null until loaded), the last refusal, and how to change them. */
export interface AttachmentSettingsEdit {
  readonly saved: AttachmentSettings | null;
  readonly busy: boolean;
  /** main's message for a refused cache limit. */
  readonly cacheError: string | null;
  /** main's message for anything else (loading, or a checkbox). */
  readonly problem: string | null;
  /** What the last change did ("Uploads paused."), until the next edit. */
  readonly note: string | null;
  /** Sends `change` on top of the settings in force; `note` is said once main took it. */
  apply(change: Partial<AttachmentSettings>, note: string): Promise<void>;
  clearMessages(): void;
}

/** Edits this profile's attachment settings. */
export function useAttachmentSettings(): AttachmentSettingsEdit {
  const [saved, setSaved] = useState<AttachmentSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [cacheError, setCacheError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    void api.attachmentSettings().then(setSaved, (e: Error) => setProblem(e.message));
  }, []);
  const apply = async (change: Partial<AttachmentSettings>, what: string): Promise<void> => {
    if (saved === null) return;
    const cache = 'cacheLimitMiB' in change;
    setBusy(true);
    setNote(null);
    setCacheError(null);
    // A checkbox shows its new state at once (and goes back if main refuses); a typed size waits for main.
    if (!cache) setSaved({ ...saved, ...change });
    try {
      setSaved(await api.setAttachmentSettings({ ...saved, ...change }));
      setNote(what);
      setProblem(null);
    } catch (e) {
      if (!cache) setSaved(saved);
      if (cache) setCacheError((e as Error).message);
      else setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const clearMessages = () => {
    setCacheError(null);
    setNote(null);
  };
  return { saved, busy, cacheError, problem, note, apply, clearMessages };
}
