// What stands between a list's header and its table: the search box (where the model has text
// fields) and the filter builder, both reporting to the list's remembered state.
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { FilterDraft } from '../filter-draft.js';
import type { ListState } from '../list-state.js';
import { pluralLabel } from '../schema-view.js';
import { FilterBuilder } from './FilterBuilder.js';
import { ListSearch } from './ListSearch.js';

/** The search box and filter builder of `model`'s list; `onChange` gets what the user applied. */
export function ListTools(props: { schema: Schema; model: ModelDef; searchable: boolean; state: ListState; onChange: (patch: Partial<ListState>) => void }) {
  const { model, onChange } = props;
  return (
    <div className="list-tools">
      {props.searchable && (
        <ListSearch label={`Search ${pluralLabel(model).toLowerCase()}`} value={props.state.search} onSearch={(search) => onChange({ search })} />
      )}
      <FilterBuilder
        key={model.name}
        schema={props.schema}
        model={model}
        draft={props.state.filter}
        matchCase={props.state.matchCase}
        onApply={(filter: FilterDraft, matchCase: boolean) => onChange({ filter, matchCase })}
      />
    </div>
  );
}
