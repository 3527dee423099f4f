// The Sync section of Settings: "Max records to sync per model" for this profile, checked as
// typed (a whole number 1 … 100,000,000) and saved through main, which restarts sync with it.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { maxRecordsToSyncInput } from '../work-view.js';

/** The Sync section: "Max records to sync per model", saved for this profile (sync restarts with it). */
export function SyncSettingsForm(props: { offline: boolean }) {
  const [text, setText] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api
      .syncSettings()
      .then((s) => {
        setSaved(s.maxRecordsToSync);
        setText(String(s.maxRecordsToSync));
      })
      .catch((e: Error) => setError(e.message));
  }, []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setNote(null);
    const input = maxRecordsToSyncInput(text);
    if ('error' in input) {
      setError(input.error);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const s = await api.setSyncSettings({ maxRecordsToSync: input.value });
      setSaved(s.maxRecordsToSync);
      setText(String(s.maxRecordsToSync));
      setNote(props.offline ? 'Saved.' : 'Saved: sync restarted with the new limit.');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sync-settings" aria-label="Sync settings" onSubmit={(e) => void save(e)} noValidate>
      <h2>Sync</h2>
      <label>
        Max records to sync per model
        <input
          name="maxRecordsToSync"
          type="text"
          inputMode="numeric"
          value={text}
          aria-invalid={error !== null}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
            setNote(null);
          }}
        />
      </label>
      <p className="hint">
        A model with more records on the server than this is synced only up to it, and the sync bar says how many of how many.
        {saved !== null ? ` Now: ${saved.toLocaleString('en-US')}.` : ''}
      </p>
      {error && (
        <p className="form-error" role="alert" data-testid="sync-settings-error">
          {error}
        </p>
      )}
      {note && (
        <p className="notice-inline" role="status" data-testid="sync-settings-saved">
          {note}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || saved === null}>
        Save
      </button>
    </form>
  );
}
