// One model's records: a filter builder producing predicates, sortable columns, paging, live
// updates, and Export… (the list as filtered and sorted, every page). Only the shown page is held:
// the datastore filters, sorts, pages and counts (`query`), and the page is fetched again when
// `observe` reports a change, so 100k records stay cheap.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Access, SyncStatus } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { ExportDialog } from '../components/ExportDialog.js';
import { FilterBuilder } from '../components/FilterBuilder.js';
import { ListNotices } from '../components/ListNotices.js';
import { Pager } from '../components/Pager.js';
import { RecordTable } from '../components/RecordTable.js';
import { EMPTY_FILTER, toPredicate, type FilterDraft } from '../filter-draft.js';
import { usePagedQuery } from '../hooks/usePagedQuery.js';
import { nextSort, recordCountText, type ListSort } from '../list-sort.js';
import { listColumns, pluralLabel } from '../schema-view.js';
import { accessRefusal, emptyListText } from '../work-view.js';

const PAGE_SIZE = 25;

/** What the shell gives a model's list. */
export interface ModelListScreenProps {
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
}

/** One model's live, filterable, sortable, paged record list. */
export function ModelListScreen(props: ModelListScreenProps) {
  const { model, schema } = props;
  const [filter, setFilter] = useState<FilterDraft>(EMPTY_FILTER);
  const [sort, setSort] = useState<ListSort | null>(null);
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState(false);
  const exportButton = useRef<HTMLButtonElement>(null);
  const where = useMemo(() => toPredicate(model, filter), [model, filter]);
  const sortSpec = useMemo(() => (sort ? [sort] : undefined), [sort]);
  const live = usePagedQuery(model.name, where, sortSpec, page, PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(live.total / PAGE_SIZE));
  const cannotCreate = accessRefusal(props.access ?? null, model, 'create');
  const cannotRead = accessRefusal(props.access ?? null, model, 'read');

  useEffect(() => {
    setFilter(EMPTY_FILTER);
    setSort(null);
    setPage(0);
    setExporting(false);
  }, [model.name]);
  useEffect(() => {
    // Records deleted elsewhere can leave this page past the end: step back to the last one.
    if (!live.loading && page >= pages) setPage(pages - 1);
  }, [live.loading, page, pages]);

  return (
    <section className="list-screen" aria-label={pluralLabel(model)}>
      <header className="screen-header">
        <h1>{pluralLabel(model)}</h1>
        <span className="muted count">{recordCountText(live.loading, live.total)}</span>
        <button ref={exportButton} className="secondary" onClick={() => setExporting(true)} disabled={cannotRead !== null}>
          Export…
        </button>
        <button className="primary" onClick={props.onNew} title={cannotCreate ?? 'Ctrl+N'} disabled={cannotCreate !== null}>
          New {model.name}
        </button>
      </header>
      <ListNotices model={model} refusal={cannotRead ?? cannotCreate} capped={props.status?.models[model.name]?.capped} onSettings={props.onSettings} />
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
      {live.error && (
        <p className="form-error" role="alert">
          {live.error}
        </p>
      )}
      <RecordTable
        schema={schema}
        model={model}
        columns={listColumns(model)}
        records={live.items}
        loading={live.loading}
        sort={sort}
        onSort={(field) => setSort((s) => nextSort(s, field))}
        emptyText={emptyListText(model, Boolean(where), cannotCreate)}
        onOpen={props.onOpen}
      />
      <Pager page={page} pages={pages} onPage={setPage} />
      {exporting && (
        <ExportDialog
          schema={schema}
          model={model}
          where={where}
          sort={sortSpec}
          total={live.total}
          onClose={() => {
            setExporting(false);
            exportButton.current?.focus();
          }}
        />
      )}
    </section>
  );
}
