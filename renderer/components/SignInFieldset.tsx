// The inputs of the sign-in form for one way of signing in: server URL (not offline), username,
// profile name or API-key label, password (account) or API key.
import { SIGN_IN_PANEL_ID, tabId, type SignInFields, type SignInMode } from '../sign-in-form.js';

/** The labelled inputs for `mode`; `onField` gets each change. */
export function SignInFieldset(props: { mode: SignInMode; fields: SignInFields; onField: (name: keyof SignInFields, value: string) => void }) {
  const { mode, fields, onField } = props;
  return (
    <div role="tabpanel" id={SIGN_IN_PANEL_ID} aria-labelledby={tabId(mode)}>
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
      {mode === 'oidc' && <OidcFields fields={fields} onField={onField} />}
      {mode === 'oidc' ? null : mode !== 'apiKey' ? (
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
    </div>
  );
}

/** The identity provider's issuer URL and client id, with scopes and the token kind under Advanced. */
function OidcFields(props: { fields: SignInFields; onField: (name: keyof SignInFields, value: string) => void }) {
  const { fields, onField } = props;
  return (
    <>
      <label>
        Issuer URL
        <input
          name="issuer"
          type="url"
          required
          value={fields.issuer ?? ''}
          placeholder="https://login.example.com"
          onChange={(e) => onField('issuer', e.target.value)}
        />
      </label>
      <label>
        Client id
        <input name="clientId" required value={fields.clientId ?? ''} onChange={(e) => onField('clientId', e.target.value)} />
      </label>
      <details>
        <summary>Advanced</summary>
        <label>
          Scopes
          <input
            name="scopes"
            value={fields.scopes ?? ''}
            placeholder="openid profile email offline_access"
            onChange={(e) => onField('scopes', e.target.value)}
          />
        </label>
        <label>
          Token the server verifies
          <select name="tokenUse" value={fields.tokenUse ?? 'id'} onChange={(e) => onField('tokenUse', e.target.value)}>
            <option value="id">ID token (Outpost server, AppSync OpenID Connect)</option>
            <option value="access">Access token (AppSync Cognito user pools)</option>
          </select>
        </label>
        <label>
          Callback port
          <span className="hint">Leave empty for any free port. Cognito: the port of the callback URL http://localhost:PORT/callback you registered.</span>
          <input
            name="callbackPort"
            inputMode="numeric"
            pattern="[0-9]*"
            value={fields.callbackPort ?? ''}
            placeholder="any"
            onChange={(e) => onField('callbackPort', e.target.value)}
          />
        </label>
      </details>
      <p className="hint">Sign-in opens in your browser; Outpost keeps the provider's refresh token in this computer's keychain.</p>
    </>
  );
}
