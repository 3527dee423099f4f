// The "Photos and files" section of Settings: pause uploads (e.g. on a metered link; records keep
// syncing) and download the files of synced records ahead of time — both apply at once — and the
// most MiB of other people's files kept on this computer, saved with its own button. main checks
// every value; its message is shown under the field it names.
import { useEffect, useState, type FormEvent } from 'react';
import { useAttachmentSettings, type AttachmentSettingsEdit } from '../hooks/useAttachmentSettings.js';

/** The number typed in the cache field ("2,048" → 2048); anything else goes to main as NaN, which main refuses with its rule. */
function typedMiB(text: string): number {
  const digits = text.trim().replace(/[,_ ]/g, '');
  return /^[0-9]+$/.test(digits) ? Number(digits) : Number.NaN;
}

/** The cache size field, its hint, and main's refusal under it. */
function CacheLimitField(props: { edit: AttachmentSettingsEdit }) {
  const { saved, cacheError, clearMessages } = props.edit;
  const [text, setText] = useState('');
  useEffect(() => {
    if (saved !== null) setText(String(saved.cacheLimitMiB));
  }, [saved]);
  return (
    <>
      <label className="attachment-settings-cache" htmlFor="attachment-cache-limit">
        Cache size limit (MiB)
      </label>
      <input
        id="attachment-cache-limit"
        name="cacheLimitMiB"
        type="text"
        inputMode="numeric"
        value={text}
        disabled={saved === null}
        aria-invalid={cacheError !== null}
        aria-describedby={cacheError !== null ? 'attachment-cache-limit-error attachment-cache-hint' : 'attachment-cache-hint'}
        onChange={(e) => {
          setText(e.target.value);
          clearMessages();
        }}
      />
      {cacheError !== null && (
        <p className="field-error attachment-settings-error" id="attachment-cache-limit-error" role="alert" data-testid="attachment-cache-error">
          {cacheError}
        </p>
      )}
      <p className="hint" id="attachment-cache-hint">
        Other people’s files you opened are kept up to this size; the least recently viewed go first. Files not uploaded yet are never removed.
      </p>
      <button type="submit" className="primary" disabled={props.edit.busy || saved === null}>
        Save cache limit
      </button>
    </>
  );
}

/** Settings → Photos and files, for this profile. */
export function AttachmentSettingsForm() {
  const edit = useAttachmentSettings();
  const { saved, busy, problem, note, apply } = edit;
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get('cacheLimitMiB');
    void apply({ cacheLimitMiB: typedMiB(typeof text === 'string' ? text : '') }, 'Cache size limit saved.');
  };
  const disabled = busy || saved === null;
  return (
    <form className="attachment-settings" aria-label="Photos and files settings" onSubmit={save} noValidate>
      <h2>Photos and files</h2>
      <label className="check">
        <input
          type="checkbox"
          name="uploadsPaused"
          checked={saved?.uploadsPaused ?? false}
          disabled={disabled}
          onChange={(e) => void apply({ uploadsPaused: e.target.checked }, e.target.checked ? 'Uploads paused.' : 'Uploads resumed.')}
        />
        Pause uploads of photos and files (records keep syncing)
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="prefetch"
          checked={saved?.prefetch ?? false}
          disabled={disabled}
          onChange={(e) =>
            void apply({ prefetch: e.target.checked }, e.target.checked ? 'Files of synced records will download ahead.' : 'Files download when opened.')
          }
        />
        Download the files of synced records ahead of time
      </label>
      <CacheLimitField edit={edit} />
      {problem !== null && (
        <p className="form-error" role="alert" data-testid="attachment-settings-problem">
          {problem}
        </p>
      )}
      {note !== null && (
        <p className="notice-inline" role="status" data-testid="attachment-settings-saved">
          {note}
        </p>
      )}
    </form>
  );
}
