// The inputs of the sign-in form for one way of signing in: server URL (not offline), username,
// profile name or API-key label, password (account) or API key.
import type { SignInFields, SignInMode } from '../sign-in-form.js';

/** The labelled inputs for `mode`; `onField` gets each change. */
export function SignInFieldset(props: { mode: SignInMode; fields: SignInFields; onField: (name: keyof SignInFields, value: string) => void }) {
  const { mode, fields, onField } = props;
  return (
    <>
      {mode !== 'offline' && (
        <label>
          Server URL
          <input
            name="server"
            type="url"
            required
            value={fields.server}
            placeholder="http://127.0.0.1:4000"
            onChange={(e) => onField('server', e.target.value)}
            autoFocus
          />
        </label>
      )}
      {mode !== 'apiKey' ? (
        <label>
          {mode === 'offline' ? 'Profile name' : 'Username'}
          <input
            name="username"
            required
            value={fields.username}
            onChange={(e) => onField('username', e.target.value)}
            autoComplete="username"
            autoFocus={mode === 'offline'}
          />
        </label>
      ) : (
        <label>
          Label (optional)
          <input name="username" value={fields.username} placeholder="api-key" onChange={(e) => onField('username', e.target.value)} />
        </label>
      )}
      {mode === 'password' && (
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            value={fields.password}
            onChange={(e) => onField('password', e.target.value)}
            autoComplete="current-password"
          />
        </label>
      )}
      {mode === 'apiKey' && (
        <label>
          API key
          <input name="apiKey" required value={fields.apiKey} onChange={(e) => onField('apiKey', e.target.value)} />
        </label>
      )}
      {mode === 'offline' && <p className="hint">An offline profile keeps its data on this computer only and never syncs.</p>}
    </>
  );
}
