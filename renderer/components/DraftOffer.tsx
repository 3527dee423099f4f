// The offer of a draft found when a form opens: restore its values or discard it.
import type { Draft } from '../../common/ipc/contract.js';

/** "You have unsaved changes to this Site from …" with Restore and Discard; `what` names the record ("new Site", "Site"). */
export function DraftOffer(props: { draft: Draft; what: string; onRestore: () => void; onDiscard: () => void }) {
  return (
    <div className="notice-inline draft-offer" role="status">
      You have unsaved changes to this {props.what} from {new Date(props.draft.updatedAt).toLocaleString()}.{' '}
      <button className="link" onClick={props.onRestore}>
        Restore them
      </button>
      <button className="link" onClick={props.onDiscard}>
        Discard them
      </button>
    </div>
  );
}
