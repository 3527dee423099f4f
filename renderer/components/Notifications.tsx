// Error notifications pushed by main (a change the server rejected, a sync failure), each naming
// the record it concerns by its title, not only its id.
import { useState } from 'react';
import type { ErrorNotice } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { useEvent } from '../hooks.js';
import { recordLabel } from '../schema-view.js';

interface Shown extends ErrorNotice {
  readonly key: number;
  readonly recordName?: string;
}

let counter = 0;

/** Error notifications pushed by main, newest last (at most five), each naming its record. */
export function Notifications(props: { schema: Schema | null }) {
  const [items, setItems] = useState<Shown[]>([]);
  const dismiss = (key: number) => setItems((list) => list.filter((n) => n.key !== key));
  useEvent('error', (notice) => {
    const key = ++counter;
    setItems((list) => [...list.slice(-4), { ...notice, key }]);
    if (notice.model && notice.recordId) {
      const model = notice.model;
      void api.get({ model, id: notice.recordId }).then(
        (record) => {
          const recordName = record ? recordLabel(props.schema?.models[model], record) : undefined;
          if (recordName) setItems((list) => list.map((n) => (n.key === key ? { ...n, recordName } : n)));
        },
        () => undefined,
      );
    }
  });
  return (
    <div className="notifications" aria-live="assertive">
      {items.map((n) => (
        <div className="notice" role="alert" key={n.key}>
          <div>
            <strong>
              {n.model ? `${n.model} ${n.recordName ? `“${n.recordName}”` : n.recordId ? `#${n.recordId.slice(0, 8)}` : ''}` : 'Problem'}
            </strong>
            <span className="code">{n.code}</span>
          </div>
          <p>{n.message}</p>
          <button className="icon" aria-label="Dismiss" onClick={() => dismiss(n.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
