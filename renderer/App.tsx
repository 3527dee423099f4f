// The app shell: sign-in until a profile is open, then navigation by model (from the schema main
// sends), the current screen, notifications, and the sync bar that is always visible. Leaving a
// form with unsaved changes (navigation, Ctrl+N) asks first; a delete's notice offers Undo.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CurrentUser, ReviewItem } from '../common/ipc/contract.js';
import type { KeyObject } from '../common/schema/record-key.js';
import type { Schema } from '../common/schema/types.js';
import { api } from './api.js';
import { Notifications } from './components/Notifications.js';
import { SyncBar } from './components/SyncBar.js';
import { useAccess, useEvent, useSyncStatus } from './hooks.js';
import { accessRefusal, nothingReadable } from './work-view.js';
import { navigationModels, pluralLabel, recordLabel } from './schema-view.js';
import { ModelListScreen } from './screens/ModelListScreen.js';
import { LeaveGuard } from './components/LeaveGuard.js';
import { RecordForm, type FormGuard } from './screens/RecordForm.js';
import { ReviewInbox } from './screens/ReviewInbox.js';
import { TrashScreen } from './screens/TrashScreen.js';
import { SettingsScreen } from './screens/SettingsScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';

type Route =
  | { readonly screen: 'list'; readonly model: string }
  /** `recordKey`: the record's key object (its `id`, or every field of a custom primary key); null = new. */
  | { readonly screen: 'form'; readonly model: string; readonly recordKey: KeyObject | null }
  | { readonly screen: 'review' }
  /** A rejected review item's version in the record form, resubmitted through the inbox. */
  | { readonly screen: 'resubmit'; readonly model: string; readonly item: ReviewItem }
  | { readonly screen: 'trash' }
  | { readonly screen: 'settings' }
  | { readonly screen: 'signIn' };

/** The whole renderer: sign-in, or the shell with navigation, screens, notifications and sync bar. */
export function App() {
  const [schema, setSchema] = useState<Schema | null>(null);
  const [user, setUser] = useState<CurrentUser | null | undefined>(undefined);
  const [route, setRouteNow] = useState<Route | null>(null);
  const [openReviews, setOpenReviews] = useState(0);
  const [undo, setUndo] = useState<{ text: string; trashId?: string; model?: string; seq: number } | null>(null);
  const status = useSyncStatus();
  const access = useAccess(user?.profileId ?? null);
  // The open form's guard: a dirty form is not dropped without asking.
  const guard = useRef<FormGuard>({ dirty: false, discard: async () => undefined });
  const onGuard = useCallback((g: FormGuard) => {
    guard.current = g;
  }, []);
  const [leaving, setLeaving] = useState<Route | null>(null);
  /** Goes to `next`, asking first when the form on screen has unsaved changes. */
  const setRoute = useCallback((next: Route | null) => {
    if (next !== null && guard.current.dirty) setLeaving(next);
    else setRouteNow(next);
  }, []);

  useEffect(() => {
    void api.schema().then(setSchema);
    void api.currentUser().then(setUser);
  }, []);
  useEvent('session', (u) => setUser(u));

  const firstModel = schema ? navigationModels(schema)[0]?.name : undefined;
  useEffect(() => {
    if (user && firstModel && route === null) setRouteNow({ screen: 'list', model: firstModel });
  }, [user, firstModel, route]);

  // The badge: open review items (the conflict log is history; every edit it cost is a review item).
  const countReviews = useCallback(() => {
    if (!user) return;
    void api.reviewList().then(
      (list) => setOpenReviews(list.filter((i) => i.state === 'open').length),
      () => undefined,
    );
  }, [user]);
  useEffect(countReviews, [countReviews]);
  useEvent('review', countReviews);
  const reviewWaiting = status?.reviewWaiting ?? 0;
  useEffect(countReviews, [countReviews, reviewWaiting]);

  // Ctrl+N (Cmd+N on macOS): new record of the model on screen (asking first if a form is dirty).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'n' && route && (route.screen === 'list' || route.screen === 'form')) {
        event.preventDefault();
        // Not a form this sign-in could never save: "New" says why it is off.
        const def = schema?.models[route.model];
        if (def !== undefined && accessRefusal(access, def, 'create') !== null) return;
        setRoute({ screen: 'form', model: route.model, recordKey: null });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route, setRoute, schema, access]);

  const undoDelete = async (trashId: string) => {
    try {
      const restored = await api.trashRestore({ id: trashId });
      const model = undo?.model;
      const name = schema && model ? `${model} “${recordLabel(schema.models[model], restored)}”` : '';
      setUndo((u) => ({ text: `Restored${name ? ` ${name}` : ''}.`, seq: (u?.seq ?? 0) + 1 }));
    } catch (e) {
      setUndo((u) => ({ text: `Could not undo: ${(e as Error).message}`, seq: (u?.seq ?? 0) + 1 }));
    }
  };

  const openRecord = (model: string, recordKey: KeyObject) => setRoute({ screen: 'form', model, recordKey });
  const openReview = () => setRoute({ screen: 'review' });

  if (!schema || user === undefined) return <div className="loading">Starting Outpost…</div>;
  if (user === null || route?.screen === 'signIn') {
    return (
      <>
        <SignInScreen
          onSignedIn={(u) => {
            setUser(u);
            setRouteNow(firstModel ? { screen: 'list', model: firstModel } : null);
          }}
          {...(user && route?.screen === 'signIn' ? { onCancel: () => setRouteNow({ screen: 'settings' }) } : {})}
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
            <button className={current.screen === 'review' ? 'nav active' : 'nav'} onClick={openReview}>
              Review {openReviews > 0 && <span className="badge">{openReviews}</span>}
            </button>
          </li>
          <li>
            <button className={current.screen === 'trash' ? 'nav active' : 'nav'} onClick={() => setRoute({ screen: 'trash' })}>
              Trash
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
        {nothingReadable(access) && (
          <p className="form-error access-note" role="alert">
            {nothingReadable(access)}
          </p>
        )}
        {current.screen === 'list' && model && (
          <ModelListScreen
            key={model.name}
            schema={schema}
            model={model}
            status={status}
            access={access}
            onOpen={(recordKey) => openRecord(model.name, recordKey)}
            onNew={() => setRoute({ screen: 'form', model: model.name, recordKey: null })}
            onSettings={() => setRoute({ screen: 'settings' })}
          />
        )}
        {current.screen === 'form' && model && (
          <RecordForm
            key={`${model.name}:${current.recordKey ? JSON.stringify(current.recordKey) : 'new'}`}
            schema={schema}
            model={model}
            recordKey={current.recordKey}
            access={access}
            onSaved={() => undefined}
            onGuard={onGuard}
            onDeleted={(notice) => setUndo((u) => ({ ...notice, model: model.name, seq: (u?.seq ?? 0) + 1 }))}
            onDone={() => setRouteNow({ screen: 'list', model: model.name })}
          />
        )}
        {current.screen === 'resubmit' && model && (
          <RecordForm
            key={`resubmit:${current.item.id}`}
            schema={schema}
            model={model}
            recordKey={current.item.key ?? null}
            onSaved={() => undefined}
            onGuard={onGuard}
            resubmit={{
              values: current.item.mine,
              isCreate: current.item.operation === 'INSERT',
              note: `The server refused this change: ${current.item.reason} Edit it and resubmit; it stays in the review inbox until then.`,
              submit: (record) => api.reviewResolve({ id: current.item.id, choice: 'keepMine', record }),
            }}
            onDone={() => setRouteNow({ screen: 'review' })}
          />
        )}
        {current.screen === 'review' && (
          <ReviewInbox
            schema={schema}
            onChanged={countReviews}
            onOpen={openRecord}
            onResubmit={(item) => setRoute({ screen: 'resubmit', model: item.model, item })}
          />
        )}
        {current.screen === 'trash' && <TrashScreen schema={schema} onOpen={openRecord} />}
        {current.screen === 'settings' && (
          <SettingsScreen
            user={user}
            status={status}
            onSignedOut={() => {
              setUser(null);
              setRouteNow(null);
            }}
            onSwitchUser={() => setRoute({ screen: 'signIn' })}
          />
        )}
      </main>
      <Notifications schema={schema} onOpen={openRecord} onReview={openReview}>
        {undo && (
          <div className="notice info" role="status" key={undo.seq}>
            <p>{undo.text}</p>
            {undo.trashId && (
              <button className="link" onClick={() => void undoDelete(undo.trashId!)}>
                Undo
              </button>
            )}
            <button className="icon" aria-label="Dismiss" onClick={() => setUndo(null)}>
              ×
            </button>
          </div>
        )}
      </Notifications>
      <SyncBar status={status} schema={schema} access={access} onReview={openReview} />
      {leaving && (
        <LeaveGuard
          onKeep={() => setLeaving(null)}
          onDiscard={() => {
            const next = leaving;
            setLeaving(null);
            void guard.current.discard().then(() => {
              guard.current = { dirty: false, discard: async () => undefined };
              setRouteNow(next);
            });
          }}
        />
      )}
    </div>
  );
}
