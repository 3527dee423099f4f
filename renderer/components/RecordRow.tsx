// One record in a list: its columns' values, a related record by its title, and for a model with
// attachment fields a small thumbnail of its first picture (loaded only once the row is on screen,
// from the thumbnail kept on this device: a list never downloads files), and its marks (changes not
// synced yet, waiting for review). Enter or a click opens it; the Enter that opens the record is
// spent here, so it cannot go on to submit the form that replaces the list.
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { RowMark } from '../../common/ipc/contract.js';
import { attachmentRefsOf } from '../../common/schema/attachment-ref.js';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { firstImage } from '../attachment-view.js';
import { useAttachmentThumbnail } from '../hooks/useAttachmentBlob.js';
import { belongsToFor, formatValue, recordLabel, relatedKey } from '../schema-view.js';
import { RelatedLabel } from './RelatedLabel.js';

/** True once the element has been within the scrolled view (it stays true). */
function useSeen(element: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const target = element.current;
    if (target === null || seen) return;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '200px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [element, seen]);
  return seen;
}

/** The thumbnail cell of a row: the record's first picture, or empty. */
function ThumbnailCell(props: { schema: Schema; model: ModelDef; record: ModelRecord }) {
  const cell = useRef<HTMLTableCellElement>(null);
  const seen = useSeen(cell);
  const picture = firstImage(attachmentRefsOf(props.schema, props.model, props.record));
  const thumbnail = useAttachmentThumbnail(picture, { download: false, visible: seen });
  return (
    <td ref={cell} className="attachment-cell">
      {thumbnail.url !== null && <img className="attachment-row-thumb" src={thumbnail.url} alt="" data-testid="row-thumbnail" />}
    </td>
  );
}

/** The marks cell: a dot for changes not synced yet, "!" for review items, each with words for screen readers and a tooltip. */
export function MarkCell(props: { mark: RowMark | undefined }) {
  const { mark } = props;
  return (
    <td className="mark-cell">
      {mark?.unsynced && (
        <span className="row-mark row-mark-unsynced" title="Changes not synced yet" data-testid="mark-unsynced">
          <span aria-hidden="true">●</span>
          <span className="visually-hidden">Not synced yet</span>
        </span>
      )}
      {mark?.review && (
        <span className="row-mark row-mark-review" title="Waiting for your review (Review inbox)" data-testid="mark-review">
          <span aria-hidden="true">!</span>
          <span className="visually-hidden">Needs review</span>
        </span>
      )}
    </td>
  );
}

/**
 * The row of `record` showing `columns` (after a marks cell when `marks` is given, and a thumbnail
 * cell when `thumbnails`); `onOpen` gets its key (a record without a complete key does not open).
 */
export function RecordRow(props: {
  schema: Schema;
  model: ModelDef;
  columns: readonly FieldDef[];
  record: ModelRecord;
  thumbnails?: boolean;
  mark?: RowMark | undefined;
  showMarks?: boolean;
  onOpen: (key: KeyObject) => void;
}) {
  const { schema, model, record } = props;
  const key = keyOf(model, record);
  const open = () => key && props.onOpen(key);
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key !== 'Enter' || event.target !== event.currentTarget) return;
    // The form opens (and focuses its first field) while this keydown is still being handled; left
    // alone, the key's default action would reach that field and submit the form at once.
    event.preventDefault();
    event.stopPropagation();
    open();
  };
  const status = [props.mark?.unsynced ? 'not synced yet' : '', props.mark?.review ? 'needs review' : ''].filter(Boolean).join(', ');
  return (
    <tr tabIndex={0} onClick={open} onKeyDown={onKeyDown} aria-label={status ? `${recordLabel(model, record)} (${status})` : recordLabel(model, record)}>
      {props.showMarks === true && <MarkCell mark={props.mark} />}
      {props.thumbnails === true && <ThumbnailCell schema={schema} model={model} record={record} />}
      {props.columns.map((c, i) => {
        const relation = belongsToFor(model, c.name);
        const related = relation ? relatedKey(relation, record) : undefined;
        return (
          <td key={c.name} data-col={i}>
            <span className="cell-text">
              {relation && related ? <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={related} /> : formatValue(c, record[c.name])}
            </span>
          </td>
        );
      })}
    </tr>
  );
}
