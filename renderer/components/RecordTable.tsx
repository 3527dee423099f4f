// A page of records as a table with sortable column headers, or a row saying why it is empty. A
// narrow first column marks records with unsynced changes or review items; a model with attachment
// fields gets a column with each record's first picture. The table is as wide as its pane: columns
// share the width and long values wrap (lists.css), so nothing runs off the right edge.
import { attachmentFields } from '../../common/schema/attachment-ref.js';
import type { RowMark } from '../../common/ipc/contract.js';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { ariaSort, sortMark, type ListSort } from '../list-sort.js';
import { fieldLabel } from '../schema-view.js';
import { RecordRow } from './RecordRow.js';

/** The table of `records`; `onSort` is told which header was clicked; `emptyText` fills an empty, loaded page. */
export function RecordTable(props: {
  schema: Schema;
  model: ModelDef;
  columns: readonly FieldDef[];
  records: readonly ModelRecord[];
  /** Parallel to `records`: shown in a first column when given. */
  marks?: readonly RowMark[];
  loading: boolean;
  sort: ListSort | null;
  onSort: (field: string) => void;
  emptyText: string;
  onOpen: (key: KeyObject) => void;
}) {
  const { schema, model, columns, sort } = props;
  const thumbnails = attachmentFields(schema, model).length > 0;
  const showMarks = props.marks !== undefined;
  return (
    <div className="table-wrap">
      <table className="records list-records">
        <thead>
          <tr>
            {showMarks && (
              <th className="mark-col" scope="col">
                <span className="visually-hidden">Sync state</span>
              </th>
            )}
            {thumbnails && (
              <th className="attachment-col" scope="col">
                <span className="attachment-col-label">Photo</span>
              </th>
            )}
            {columns.map((c, i) => (
              <th key={c.name} data-col={i} scope="col" aria-sort={ariaSort(sort, c.name)}>
                <button className="sort" onClick={() => props.onSort(c.name)} title={`Sort by ${fieldLabel(c.name, model)}`}>
                  {fieldLabel(c.name, model)}
                  <span className="sort-mark">{sortMark(sort, c.name)}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.records.map((record, i) => (
            <RecordRow
              mark={props.marks?.[i]}
              showMarks={showMarks}
              key={JSON.stringify(keyOf(model, record) ?? record)}
              schema={schema}
              model={model}
              columns={columns}
              record={record}
              thumbnails={thumbnails}
              onOpen={props.onOpen}
            />
          ))}
          {!props.loading && props.records.length === 0 && (
            <tr>
              <td colSpan={columns.length + (thumbnails ? 1 : 0) + (showMarks ? 1 : 0)} className="empty">
                {props.emptyText}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
