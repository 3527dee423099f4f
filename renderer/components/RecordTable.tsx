// A page of records as a table with sortable column headers, or a row saying why it is empty. A
// model with attachment fields gets a first column with each record's first picture.
import { attachmentFields } from '../../common/schema/attachment-ref.js';
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
  loading: boolean;
  sort: ListSort | null;
  onSort: (field: string) => void;
  emptyText: string;
  onOpen: (key: KeyObject) => void;
}) {
  const { schema, model, columns, sort } = props;
  const thumbnails = attachmentFields(schema, model).length > 0;
  return (
    <div className="table-wrap">
      <table className="records">
        <thead>
          <tr>
            {thumbnails && (
              <th className="attachment-col" scope="col">
                <span className="attachment-col-label">Photo</span>
              </th>
            )}
            {columns.map((c) => (
              <th key={c.name} aria-sort={ariaSort(sort, c.name)}>
                <button className="sort" onClick={() => props.onSort(c.name)}>
                  {fieldLabel(c.name, model)}
                  <span className="sort-mark">{sortMark(sort, c.name)}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.records.map((record) => (
            <RecordRow
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
              <td colSpan={columns.length + (thumbnails ? 1 : 0)} className="empty">
                {props.emptyText}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
