// The shell's navigation: who is signed in where, one entry per model, then Review (with its
// badge), Trash, Sync activity and Settings; the entry on screen is marked active.
import type { CurrentUser } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { useShownModel } from '../hooks/useShownModel.js';
import { routeModel, type Route } from '../route.js';
import { navigationModels, pluralLabel } from '../schema-view.js';

/** The sidebar for `current`; `onRoute` goes where an entry points. */
export function Sidebar(props: {
  user: CurrentUser;
  schema: Schema;
  current: Route;
  openReviews: number;
  onRoute: (next: Route) => void;
  onReview: () => void;
}) {
  const { current, onRoute } = props;
  // A child form opened over its parent's (an Inspection added from a Site) is where the user is:
  // its model is marked, not the parent's the route still names. The form's title and Back say the rest.
  const child = useShownModel();
  const activeModel = current.screen === 'form' && child !== null ? child : routeModel(current);
  const navClass = (active: boolean) => (active ? 'nav active' : 'nav');
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">Outpost</div>
      <div className="who muted">
        {props.user.username} · {props.user.server ? new URL(props.user.server).host : 'offline'}
      </div>
      <ul>
        {navigationModels(props.schema).map((m) => (
          <li key={m.name}>
            <button
              className={navClass(activeModel === m.name)}
              aria-current={activeModel === m.name ? 'page' : undefined}
              onClick={() => onRoute({ screen: 'list', model: m.name })}
            >
              {pluralLabel(m)}
            </button>
          </li>
        ))}
      </ul>
      <ul className="secondary-nav">
        <li>
          <button className={navClass(current.screen === 'review')} onClick={props.onReview}>
            Review {props.openReviews > 0 && <span className="badge">{props.openReviews}</span>}
          </button>
        </li>
        <li>
          <button className={navClass(current.screen === 'trash')} onClick={() => onRoute({ screen: 'trash' })}>
            Trash
          </button>
        </li>
        <li>
          <button className={navClass(current.screen === 'activity')} onClick={() => onRoute({ screen: 'activity' })}>
            Sync activity
          </button>
        </li>
        <li>
          <button className={navClass(current.screen === 'settings')} onClick={() => onRoute({ screen: 'settings' })}>
            Settings
          </button>
        </li>
      </ul>
    </nav>
  );
}
