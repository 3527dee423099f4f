// One model's records: a filter builder producing predicates, sortable columns, paging, and live
// updates. Only the shown page is held: the datastore filters, sorts, pages and counts (`query`),
// and the page is fetched again when `observe` reports a change, so 100k records stay cheap.
import { useEffect, useMemo, useState } from 'react';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Access, SyncStatus } from '../../common/ipc/contract.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { FilterBuilder } from '../components/FilterBuilder.js';
import { EMPTY_FILTER, toPredicate, type FilterDraft } from '../filter-draft.js';
import { usePagedQuery } from '../hooks.js';
import { belongsToFor, fieldLabel, formatValue, listColumns, pluralLabel, recordLabel, relatedKey } from '../schema-view.js';
import { RelatedLabel } from '../components/RelatedLabel.js';
import { accessRefusal, cappedText, emptyListText, RAISE_CAP_HINT } from '../work-view.js';

const PAGE_SIZE = 25;

/** One model's live, filterable, sortable, paged record list. */
export function ModelListScreen(props: {
  schema: Schema;
  model: ModelDef;
  /** The sync status: a model stopped at the sync cap says so above its list. */
  status?: SyncStatus | null;
  /** What this sign-in may do: "New" is offered only when it may create. */
  access?: Access | null;
  onOpen: (key: KeyObject) => void;
  onNew: () => void;
  /** Opens Settings, where a capped model's limit is raised. */
  onSettings?: () => void;
}) {
  const { model, schema } = props;
  const [filter, setFilter] = useState<FilterDraft>(EMPTY_FILTER);
  const [sort, setSort] = useState<{ field: string; direction: 'asc' | 'desc' } | null>(null);
  const [page, setPage] = useState(0);
  const where = useMemo(() => toPredicate(model, filter), [model, filter]);
  const sortSpec = useMemo(() => (sort ? [sort] : undefined), [sort]);
  const live = usePagedQuery(model.name, where, sortSpec, page, PAGE_SIZE);
  const columns = listColumns(model);
  const pages = Math.max(1, Math.ceil(live.total / PAGE_SIZE));
  const shown = live.items;
  const capped = props.status?.models[model.name]?.capped;
  const cannotCreate = accessRefusal(props.access ?? null, model, 'create');
  const cannotRead = accessRefusal(props.access ?? null, model, 'read');

  useEffect(() => {
    setFilter(EMPTY_FILTER);
    setSort(null);
    setPage(0);
  }, [model.name]);
  useEffect(() => {
    // Records deleted elsewhere can leave this page past the end: step back to the last one.
    if (!live.loading && page >= pages) setPage(pages - 1);
  }, [live.loading, page, pages]);

  const toggleSort = (field: string) =>
    setSort((s) => (s?.field !== field ? { field, direction: 'asc' } : s.direction === 'asc' ? { field, direction: 'desc' } : null));

  return (
    <section className="list-screen" aria-label={pluralLabel(model)}>
      <header className="screen-header">
        <h1>{pluralLabel(model)}</h1>
        <span className="muted count">
          {live.loading ? 'Loading…' : `${live.total} record${live.total === 1 ? '' : 's'}`}
        </span>
        <button className="primary" onClick={props.onNew} title={cannotCreate ?? 'Ctrl+N'} disabled={cannotCreate !== null}>
          New {model.name}
        </button>
      </header>
      {(cannotRead ?? cannotCreate) && (
        <p className="notice-inline access-note" role="status">
          {cannotRead ?? cannotCreate}
        </p>
      )}
      {capped && (
        <p className="notice-inline capped-note" role="status" data-testid="list-capped">
          Not every {model.name} is on this computer: {cappedText(capped)}. {RAISE_CAP_HINT}
          {props.onSettings && (
            <>
              {' '}
              <button className="link" data-testid="open-sync-settings" onClick={props.onSettings}>
                Open Settings
              </button>
            </>
          )}
        </p>
      )}
      <FilterBuilder
        key={model.name}
        schema={schema}
        model={model}
        draft={filter}
        onApply={(d) => {
          setFilter(d);
          setPage(0);
        }}
      />
      {live.error && <p className="form-error" role="alert">{live.error}</p>}
      <div className="table-wrap">
      <table className="records">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} aria-sort={sort?.field === c.name ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button className="sort" onClick={() => toggleSort(c.name)}>
                  {fieldLabel(c.name, model)}
                  <span className="sort-mark">{sort?.field === c.name ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((record) => {
            const key = keyOf(model, record);
            const open = () => key && props.onOpen(key);
            return (
              <tr
                key={JSON.stringify(key ?? record)}
                tabIndex={0}
                onClick={open}
                onKeyDown={(e) => e.key === 'Enter' && open()}
                aria-label={recordLabel(model, record)}
              >
                {columns.map((c) => {
                  const relation = belongsToFor(model, c.name);
                  const related = relation ? relatedKey(relation, record) : undefined;
                  return (
                    <td key={c.name}>
                      {relation && related ? (
                        <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={related} />
                      ) : (
                        formatValue(c, record[c.name])
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {!live.loading && shown.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {emptyListText(model, Boolean(where), cannotCreate)}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button className="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
          ‹ Previous
        </button>
        <span>
          Page {page + 1} of {pages}
        </span>
        <button className="secondary" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
          Next ›
        </button>
      </nav>
    </section>
  );
}
