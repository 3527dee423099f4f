// Error notifications pushed by main (a change the server rejected, a sync failure), each naming
// the record it concerns by its title, not only its key, with a way to open that record.
import { useState, type ReactNode } from 'react';
import type { ErrorNotice } from '../../common/ipc/contract.js';
import { keyFromModelId, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { useEvent } from '../hooks/useEvent.js';
import { recordLabel } from '../schema-view.js';

interface Shown extends ErrorNotice {
  readonly seq: number;
  readonly recordName?: string;
  /** The key to open the record by: the notice's own, else read from its `recordId`. */
  readonly openKey?: KeyObject;
}

let counter = 0;

/** The key of the record a notice names, or undefined when it cannot be told. */
function noticeKey(schema: Schema | null, notice: ErrorNotice): KeyObject | undefined {
  if (notice.key) return notice.key;
  const def = schema && notice.model ? findModel(schema, notice.model) : undefined;
  return def && notice.recordId ? keyFromModelId(def, notice.recordId) : undefined;
}

/** Most notices shown at once; the others wait (counted) until some are dismissed. */
const SHOWN = 5;

/**
 * Error notifications pushed by main, newest last, each naming its record; they stay until
 * dismissed. `onOpen` opens the record; `onReview` opens the review inbox, where a rejected change
 * is kept (a notice is only the alert, the inbox is the durable copy).
 */
export function Notifications(props: {
  schema: Schema | null;
  onOpen?: (model: string, key: KeyObject) => void;
  onReview?: () => void;
  /** Notices of this window's own (e.g. "Deleted … Undo"), shown above main's. */
  children?: ReactNode;
}) {
  const [items, setItems] = useState<Shown[]>([]);
  const dismiss = (seq: number) => setItems((list) => list.filter((n) => n.seq !== seq));
  useEvent('error', (notice) => {
    const seq = ++counter;
    const openKey = noticeKey(props.schema, notice);
    setItems((list) => [...list, { ...notice, seq, ...(openKey ? { openKey } : {}) }]);
    if (notice.model && openKey) {
      const model = notice.model;
      // A refused create is gone from the store: its version waits in the review inbox, named from there.
      const fromReview = async () => {
        const items = await api.reviewList();
        const match = items.find((i) => i.model === model && i.recordId === notice.recordId);
        return match ? { ...(match.theirs ?? {}), ...match.mine } : null;
      };
      void api
        .get({ model, id: openKey })
        .then((record) => record ?? fromReview())
        .then(
          (record) => {
            const recordName = record ? recordLabel(props.schema ? findModel(props.schema, model) : undefined, record) : undefined;
            if (recordName) setItems((list) => list.map((n) => (n.seq === seq ? { ...n, recordName } : n)));
          },
          () => undefined,
        );
    }
  });
  return (
    <div className="notifications" aria-live="assertive">
      {props.children}
      {items.length > SHOWN && <p className="notice-more muted">{items.length - SHOWN} older notices not shown; dismiss some to see them.</p>}
      {items.slice(-SHOWN).map((n) => (
        <div className="notice" role="alert" key={n.seq}>
          <div>
            <strong>{n.model ? `${n.model} ${n.recordName ? `“${n.recordName}”` : n.recordId ? `#${n.recordId.slice(0, 8)}` : ''}` : 'Problem'}</strong>
            <span className="code">{n.code}</span>
          </div>
          <p>{n.message}</p>
          {n.model && n.openKey && props.onOpen && (
            <button
              className="link"
              onClick={() => {
                props.onOpen?.(n.model!, n.openKey!);
                dismiss(n.seq);
              }}
            >
              Open record
            </button>
          )}
          {n.model && n.recordId && props.onReview && (
            <button
              className="link"
              onClick={() => {
                props.onReview?.();
                dismiss(n.seq);
              }}
            >
              See in review inbox
            </button>
          )}
          <button className="icon" aria-label="Dismiss" onClick={() => dismiss(n.seq)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
