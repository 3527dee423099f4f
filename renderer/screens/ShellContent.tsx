// The shell's main area: the screen the route names (a model's list or form, a resubmit, the
// review inbox, the Trash, Sync activity or Settings), under the note shown when this sign-in may read nothing.
import type { Access, CurrentUser, SyncStatus } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { useForgetOnSignOut } from '../hooks/useForgetOnSignOut.js';
import type { FormGuard } from '../hooks/useFormGuard.js';
import { routeModel, type Route } from '../route.js';
import { nothingReadable } from '../work-view.js';
import { ModelListScreen } from './ModelListScreen.js';
import { RecordForm } from './RecordForm.js';
import { ReviewInbox } from './ReviewInbox.js';
import { SettingsScreen } from './SettingsScreen.js';
import { SyncActivityScreen } from './SyncActivityScreen.js';
import { TrashScreen } from './TrashScreen.js';

/** What the main area needs from the shell. */
export interface ShellContentProps {
  schema: Schema;
  user: CurrentUser;
  current: Route;
  status: SyncStatus | null;
  access: Access | null;
  /** Goes to a route, asking first when a form is dirty. */
  setRoute: (next: Route) => void;
  /** Goes to a route without asking (the form is done). */
  setRouteNow: (next: Route | null) => void;
  onGuard: (guard: FormGuard) => void;
  onOpen: (model: string, recordKey: KeyObject) => void;
  onDeleted: (notice: { text: string; trashId?: string }, model: string) => void;
  onReviewsChanged: () => void;
  onSignedOut: () => void;
}

/** The screen for `current`. */
export function ShellContent(props: ShellContentProps) {
  const { schema, current, access, setRoute, setRouteNow, onGuard } = props;
  useForgetOnSignOut(props.user.profileId);
  const modelName = routeModel(current);
  const model = modelName === undefined ? undefined : findModel(schema, modelName);
  return (
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
          profileId={props.user.profileId}
          status={props.status}
          access={access}
          onOpen={(recordKey) => props.onOpen(model.name, recordKey)}
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
          profileId={props.user.profileId}
          access={access}
          onGuard={onGuard}
          onSaved={() => undefined}
          onDeleted={(notice) => props.onDeleted({ text: notice.text, ...(notice.trashId ? { trashId: notice.trashId } : {}) }, notice.model)}
          onDone={() => setRouteNow({ screen: 'list', model: model.name })}
        />
      )}
      {current.screen === 'resubmit' && model && (
        <RecordForm
          key={`resubmit:${current.item.id}`}
          schema={schema}
          model={model}
          recordKey={current.item.key ?? null}
          profileId={props.user.profileId}
          onGuard={onGuard}
          onSaved={() => undefined}
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
          onChanged={props.onReviewsChanged}
          onOpen={props.onOpen}
          onResubmit={(item) => setRoute({ screen: 'resubmit', model: item.model, item })}
        />
      )}
      {current.screen === 'trash' && <TrashScreen schema={schema} onOpen={props.onOpen} />}
      {current.screen === 'activity' && <SyncActivityScreen />}
      {current.screen === 'settings' && (
        <SettingsScreen user={props.user} status={props.status} onSignedOut={props.onSignedOut} onSwitchUser={() => setRoute({ screen: 'signIn' })} />
      )}
    </main>
  );
}
