// One model's records: a search box over its text fields, a filter builder producing predicates
// (text ignoring case and accents unless asked, foreign keys picked by label), sortable columns
// (newest first by default, local edits included), per-row marks for unsynced changes and review
// items, paging, live updates, and Export…. Only the shown page is held: the datastore searches,
// filters, sorts, pages and counts (`query`), and the page is fetched again when `observe` reports
// a change, so 100k records stay cheap. Search, filter and sort are remembered per profile and
// model while the app runs (useListState).
import { useEffect, useRef, useState } from 'react';
import type { Access, SyncStatus } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { ExportDialog } from '../components/ExportDialog.js';
import { ListHeader } from '../components/ListHeader.js';
import { ListNotices } from '../components/ListNotices.js';
import { ListTools } from '../components/ListTools.js';
import { Pager } from '../components/Pager.js';
import { RecordTable } from '../components/RecordTable.js';
import { comparesText } from '../filter-draft.js';
import { useListQuery } from '../hooks/useListQuery.js';
import { nextSort } from '../list-sort.js';
import { listEmptyText, syncProgressOf } from '../list-view.js';
import { listColumns, pluralLabel } from '../schema-view.js';
import { accessRefusal } from '../work-view.js';
import '../lists.css';

const PAGE_SIZE = 25;

/** What the shell gives a model's list. */
export interface ModelListScreenProps {
  schema: Schema;
  model: ModelDef;
  /** The sync status: a model stopped at the sync cap says so above its list; a first sync says "Syncing…". */
  status?: SyncStatus | null;
  /** What this sign-in may do: "New" is offered only when it may create. */
  access?: Access | null;
  onOpen: (key: KeyObject) => void;
  onNew: () => void;
  /** Opens Settings, where a capped model's limit is raised. */
  onSettings?: () => void;
  /** The signed-in profile, whose remembered list state is used (absent: asked of main). */
  profileId?: string | null;
}

/** One model's live, searchable, filterable, sortable, paged record list. */
export function ModelListScreen(props: ModelListScreenProps) {
  const { model, schema } = props;
  const list = useListQuery(model, props.status, PAGE_SIZE, props.profileId);
  const { state, live, where, search } = list;
  const [exporting, setExporting] = useState(false);
  const exportButton = useRef<HTMLButtonElement>(null);
  const cannotCreate = accessRefusal(props.access ?? null, model, 'create');
  const cannotRead = accessRefusal(props.access ?? null, model, 'read');
  const syncing = syncProgressOf(props.status, model.name);
  // The export repeats the list as shown: its search and, where the filter compares text, ignoring case.
  const ignoreCase = !state.matchCase && comparesText(model, state.filter);

  useEffect(() => setExporting(false), [model.name]);

  return (
    <section className="list-screen" aria-label={pluralLabel(model)}>
      <ListHeader
        model={model}
        loading={live.loading}
        total={live.total}
        syncing={syncing}
        sort={state.sort}
        exportButton={exportButton}
        exportRefusal={cannotRead}
        cannotCreate={cannotCreate}
        onExport={() => setExporting(true)}
        onNew={props.onNew}
      />
      <ListNotices model={model} refusal={cannotRead ?? cannotCreate} capped={props.status?.models[model.name]?.capped} onSettings={props.onSettings} />
      {list.ready && <ListTools schema={schema} model={model} searchable={list.searchable} state={state} onChange={list.change} />}
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
        marks={props.status?.mode === 'server' ? live.marks : undefined}
        loading={live.loading}
        sort={state.sort}
        onSort={(field) => list.change({ sort: nextSort(state.sort, field) })}
        emptyText={listEmptyText(model, { filtered: Boolean(where), searching: search !== '', cannotCreate, syncing })}
        onOpen={props.onOpen}
      />
      <Pager page={list.page} pages={list.pages} onPage={list.setPage} />
      {exporting && (
        <ExportDialog
          schema={schema}
          model={model}
          where={where}
          sort={list.sort}
          search={search}
          ignoreCase={ignoreCase}
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
