// The app shell: sign-in until a profile is open, then navigation by model (from the schema main
// sends), the current screen, notifications, and the sync bar that is always visible.
import { useCallback, useEffect, useState } from 'react';
import type { CurrentUser } from '../common/ipc/contract.js';
import type { KeyObject } from '../common/schema/record-key.js';
import type { Schema } from '../common/schema/types.js';
import { api } from './api.js';
import { Notifications } from './components/Notifications.js';
import { SyncBar } from './components/SyncBar.js';
import { useEvent, useSyncStatus } from './hooks.js';
import { navigationModels, pluralLabel } from './schema-view.js';
import { ConflictsInbox } from './screens/ConflictsInbox.js';
import { ModelListScreen } from './screens/ModelListScreen.js';
import { RecordForm } from './screens/RecordForm.js';
import { SettingsScreen } from './screens/SettingsScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';

type Route =
  | { readonly screen: 'list'; readonly model: string }
  /** `recordKey`: the record's key object (its `id`, or every field of a custom primary key); null = new. */
  | { readonly screen: 'form'; readonly model: string; readonly recordKey: KeyObject | null }
  | { readonly screen: 'conflicts' }
  | { readonly screen: 'settings' }
  | { readonly screen: 'signIn' };

/** The whole renderer: sign-in, or the shell with navigation, screens, notifications and sync bar. */
export function App() {
  const [schema, setSchema] = useState<Schema | null>(null);
  const [user, setUser] = useState<CurrentUser | null | undefined>(undefined);
  const [route, setRoute] = useState<Route | null>(null);
  const [openConflicts, setOpenConflicts] = useState(0);
  const status = useSyncStatus();

  useEffect(() => {
    void api.schema().then(setSchema);
    void api.currentUser().then(setUser);
  }, []);
  useEvent('session', (u) => setUser(u));

  const firstModel = schema ? navigationModels(schema)[0]?.name : undefined;
  useEffect(() => {
    if (user && firstModel && route === null) setRoute({ screen: 'list', model: firstModel });
  }, [user, firstModel, route]);

  const countConflicts = useCallback(() => {
    if (!user) return;
    void api.conflictsList().then((list) => setOpenConflicts(list.filter((c) => c.reviewed === null).length), () => undefined);
  }, [user]);
  useEffect(countConflicts, [countConflicts]);
  useEvent('conflict', countConflicts);

  // Ctrl+N (Cmd+N on macOS): new record of the model on screen.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'n' && route && (route.screen === 'list' || route.screen === 'form')) {
        event.preventDefault();
        setRoute({ screen: 'form', model: route.model, recordKey: null });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route]);

  const openRecord = (model: string, recordKey: KeyObject) => setRoute({ screen: 'form', model, recordKey });

  if (!schema || user === undefined) return <div className="loading">Starting Outpost…</div>;
  if (user === null || route?.screen === 'signIn') {
    return (
      <>
        <SignInScreen
          onSignedIn={(u) => {
            setUser(u);
            setRoute(firstModel ? { screen: 'list', model: firstModel } : null);
          }}
          {...(user && route?.screen === 'signIn' ? { onCancel: () => setRoute({ screen: 'settings' }) } : {})}
        />
        <Notifications schema={schema} />
      </>
    );
  }

  const current = route ?? (firstModel ? { screen: 'list' as const, model: firstModel } : { screen: 'settings' as const });
  const model = 'model' in current ? schema.models[current.model] : undefined;
  return (
    <div className="shell" key={user.profileId}>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Outpost</div>
        <div className="who muted">
          {user.username} · {user.server ? new URL(user.server).host : 'offline'}
        </div>
        <ul>
          {navigationModels(schema).map((m) => (
            <li key={m.name}>
              <button
                className={'model' in current && current.model === m.name ? 'nav active' : 'nav'}
                onClick={() => setRoute({ screen: 'list', model: m.name })}
              >
                {pluralLabel(m)}
              </button>
            </li>
          ))}
        </ul>
        <ul className="secondary-nav">
          <li>
            <button className={current.screen === 'conflicts' ? 'nav active' : 'nav'} onClick={() => setRoute({ screen: 'conflicts' })}>
              Conflicts {openConflicts > 0 && <span className="badge">{openConflicts}</span>}
            </button>
          </li>
          <li>
            <button className={current.screen === 'settings' ? 'nav active' : 'nav'} onClick={() => setRoute({ screen: 'settings' })}>
              Settings
            </button>
          </li>
        </ul>
      </nav>
      <main className="content">
        {current.screen === 'list' && model && (
          <ModelListScreen
            key={model.name}
            schema={schema}
            model={model}
            onOpen={(recordKey) => openRecord(model.name, recordKey)}
            onNew={() => setRoute({ screen: 'form', model: model.name, recordKey: null })}
          />
        )}
        {current.screen === 'form' && model && (
          <RecordForm
            key={`${model.name}:${current.recordKey ? JSON.stringify(current.recordKey) : 'new'}`}
            schema={schema}
            model={model}
            recordKey={current.recordKey}
            onSaved={() => undefined}
            onDone={() => setRoute({ screen: 'list', model: model.name })}
          />
        )}
        {current.screen === 'conflicts' && <ConflictsInbox schema={schema} onChanged={countConflicts} onOpen={openRecord} />}
        {current.screen === 'settings' && (
          <SettingsScreen
            user={user}
            status={status}
            onSignedOut={() => {
              setUser(null);
              setRoute(null);
            }}
            onSwitchUser={() => setRoute({ screen: 'signIn' })}
          />
        )}
      </main>
      <Notifications schema={schema} onOpen={openRecord} />
      <SyncBar status={status} />
    </div>
  );
}
