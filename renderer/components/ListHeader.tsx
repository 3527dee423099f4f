// The heading row of a model's list: its name, how many records, that a sync is still bringing
// them in, how they are sorted, Export… and New.
import type { RefObject } from 'react';
import type { ModelDef } from '../../common/schema/types.js';
import { recordCountText, sortDescription, type ListSort } from '../list-sort.js';
import type { SyncProgress } from '../list-view.js';
import { pluralLabel } from '../schema-view.js';

/** The list's header; `exportRefusal`/`cannotCreate` disable their buttons and say why. */
export function ListHeader(props: {
  model: ModelDef;
  loading: boolean;
  total: number;
  syncing: SyncProgress | null;
  sort: ListSort | null;
  exportButton: RefObject<HTMLButtonElement | null>;
  exportRefusal: string | null;
  cannotCreate: string | null;
  onExport: () => void;
  onNew: () => void;
}) {
  const { model } = props;
  return (
    <header className="screen-header">
      <h1>{pluralLabel(model)}</h1>
      <span className="muted count">{recordCountText(props.loading, props.total)}</span>
      {props.syncing && (
        <span className="muted list-syncing" role="status" data-testid="list-syncing">
          Syncing…
        </span>
      )}
      {!props.loading && <span className="muted list-order">{sortDescription(model, props.sort)}</span>}
      <button
        ref={props.exportButton}
        className="secondary"
        onClick={props.onExport}
        disabled={props.exportRefusal !== null}
        title={props.exportRefusal ?? undefined}
      >
        Export…
      </button>
      <button className="primary" onClick={props.onNew} title={props.cannotCreate ?? 'Ctrl+N'} disabled={props.cannotCreate !== null}>
        New {model.name}
      </button>
    </header>
  );
}
