// One record in a list: its columns' values, a related record by its title, and for a model with
// attachment fields a small thumbnail of its first picture (loaded only once the row is on screen,
// from the thumbnail kept on this device: a list never downloads files); Enter or a click opens it.
import { useEffect, useRef, useState, type RefObject } from 'react';
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

/** The row of `record` showing `columns` (after a thumbnail cell when `thumbnails`); `onOpen` gets its key (a record without a complete key does not open). */
export function RecordRow(props: {
  schema: Schema;
  model: ModelDef;
  columns: readonly FieldDef[];
  record: ModelRecord;
  thumbnails?: boolean;
  onOpen: (key: KeyObject) => void;
}) {
  const { schema, model, record } = props;
  const key = keyOf(model, record);
  const open = () => key && props.onOpen(key);
  return (
    <tr tabIndex={0} onClick={open} onKeyDown={(e) => e.key === 'Enter' && open()} aria-label={recordLabel(model, record)}>
      {props.thumbnails === true && <ThumbnailCell schema={schema} model={model} record={record} />}
      {props.columns.map((c) => {
        const relation = belongsToFor(model, c.name);
        const related = relation ? relatedKey(relation, record) : undefined;
        return (
          <td key={c.name}>
            {relation && related ? <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={related} /> : formatValue(c, record[c.name])}
          </td>
        );
      })}
    </tr>
  );
}
