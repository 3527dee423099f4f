// The app shell: sign-in until a profile is open, then navigation by model (from the schema main
// sends), the current screen, notifications, and the sync bar that is always visible. Leaving a
// form with unsaved changes (navigation, Ctrl+N) asks first; a delete's notice offers Undo.
import { useEffect, useState } from 'react';
import type { CurrentUser } from '../common/ipc/contract.js';
import type { KeyObject } from '../common/schema/record-key.js';
import type { Schema } from '../common/schema/types.js';
import { api } from './api.js';
import { LeaveGuard } from './components/LeaveGuard.js';
import { Notifications } from './components/Notifications.js';
import { Sidebar } from './components/Sidebar.js';
import { SyncBar } from './components/SyncBar.js';
import { UndoNotice } from './components/UndoNotice.js';
import { useAccess } from './hooks/useAccess.js';
import { useEvent } from './hooks/useEvent.js';
import { useGuardedRoute } from './hooks/useGuardedRoute.js';
import { useNewRecordShortcut } from './hooks/useNewRecordShortcut.js';
import { useReviewCount } from './hooks/useReviewCount.js';
import { useSyncStatus } from './hooks/useSyncStatus.js';
import { useUndoDelete } from './hooks/useUndoDelete.js';
import { shownRoute } from './route.js';
import { navigationModels } from './schema-view.js';
import { ShellContent } from './screens/ShellContent.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { useWindowDropGuard } from './hooks/useWindowDropGuard.js';
// The status helper's rules (guard progress, Sync activity): beside styles.css, loaded once here
// so unit tests importing the components' plain functions need no CSS loader.
import './status.css';

/** The schema and the signed-in user from main (undefined until known; user null: nobody signed in). */
function useSession(): { schema: Schema | null; user: CurrentUser | null | undefined; setUser: (user: CurrentUser | null) => void } {
  const [schema, setSchema] = useState<Schema | null>(null);
  const [user, setUser] = useState<CurrentUser | null | undefined>(undefined);
  useEffect(() => {
    void api.schema().then(setSchema);
    void api.currentUser().then(setUser);
  }, []);
  useEvent('session', (u) => setUser(u));
  return { schema, user, setUser };
}

/** The whole renderer: sign-in, or the shell with navigation, screens, notifications and sync bar. */
export function App() {
  const { schema, user, setUser } = useSession();
  // Why the sign-in screen is shown: this device was revoked and its data removed (main's words).
  const [revoked, setRevoked] = useState<string | null>(null);
  useEvent('deviceRevoked', (event) => setRevoked(event.message));
  const { route, setRoute, setRouteNow, leaving, onGuard, keep, discardAndGo } = useGuardedRoute();
  const undo = useUndoDelete(schema);
  const status = useSyncStatus();
  const access = useAccess(user?.profileId ?? null);
  useWindowDropGuard();

  const firstModel = schema ? navigationModels(schema)[0]?.name : undefined;
  useEffect(() => {
    if (user && firstModel && route === null) setRouteNow({ screen: 'list', model: firstModel });
  }, [user, firstModel, route, setRouteNow]);

  const { openReviews, recount } = useReviewCount(user, status?.reviewWaiting ?? 0);
  useNewRecordShortcut(route, setRoute, schema, access);

  const openRecord = (model: string, recordKey: KeyObject) => setRoute({ screen: 'form', model, recordKey });
  const openReview = () => setRoute({ screen: 'review' });

  if (!schema || user === undefined) return <div className="loading">Starting Outpost…</div>;
  if (user === null || route?.screen === 'signIn') {
    return (
      <>
        <SignInScreen
          onSignedIn={(u) => {
            setRevoked(null);
            setUser(u);
            setRouteNow(firstModel ? { screen: 'list', model: firstModel } : null);
          }}
          {...(user && route?.screen === 'signIn' ? { onCancel: () => setRouteNow({ screen: 'settings' }) } : {})}
          {...(revoked !== null && user === null ? { notice: revoked } : {})}
        />
        <Notifications schema={schema} />
      </>
    );
  }

  const current = shownRoute(route, firstModel);
  return (
    <div className="shell" key={user.profileId}>
      <Sidebar user={user} schema={schema} current={current} openReviews={openReviews} onRoute={setRoute} onReview={openReview} />
      <ShellContent
        schema={schema}
        user={user}
        current={current}
        status={status}
        access={access}
        setRoute={setRoute}
        setRouteNow={setRouteNow}
        onGuard={onGuard}
        onOpen={openRecord}
        onDeleted={undo.deleted}
        onReviewsChanged={recount}
        onSignedOut={() => {
          setUser(null);
          setRouteNow(null);
        }}
      />
      <Notifications schema={schema} onOpen={openRecord} onReview={openReview}>
        {undo.notice && <UndoNotice key={undo.notice.seq} notice={undo.notice} onUndo={(id) => void undo.undo(id)} onDismiss={undo.dismiss} />}
      </Notifications>
      <SyncBar status={status} schema={schema} access={access} onReview={openReview} onActivity={() => setRoute({ screen: 'activity' })} />
      {leaving && <LeaveGuard onKeep={keep} onDiscard={discardAndGo} />}
    </div>
  );
}
