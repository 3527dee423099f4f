// What stands above a model's list: why this sign-in may not read or create here, and that the
// model stopped at the sync cap (with the way to raise it).
import type { ModelDef } from '../../common/schema/types.js';
import { cappedText, RAISE_CAP_HINT } from '../work-view.js';

/** The access note (`refusal`) and the capped note (`capped`), each only when there is one. */
export function ListNotices(props: {
  model: ModelDef;
  refusal: string | null;
  capped: { readonly limit: number; readonly total: number | null } | undefined;
  onSettings: (() => void) | undefined;
}) {
  const { capped, onSettings } = props;
  return (
    <>
      {props.refusal && (
        <p className="notice-inline access-note" role="status">
          {props.refusal}
        </p>
      )}
      {capped && (
        <p className="notice-inline capped-note" role="status" data-testid="list-capped">
          Not every {props.model.name} is on this computer: {cappedText(capped)}. {RAISE_CAP_HINT}
          {onSettings && (
            <>
              {' '}
              <button className="link" data-testid="open-sync-settings" onClick={onSettings}>
                Open Settings
              </button>
            </>
          )}
        </p>
      )}
    </>
  );
}
