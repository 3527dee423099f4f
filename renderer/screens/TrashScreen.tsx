// The Trash: records deleted on this device (with what the delete took along), restorable. Each
// entry says how a restore works: the same records while the delete has not reached the server,
// a copy once it has (the server keeps a deleted record's key as a tombstone).
import { useCallback, useEffect, useState } from 'react';
import type { TrashItem } from '../../common/ipc/contract.js';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { pluralLabel, recordLabel } from '../schema-view.js';
import { trashRestoreNote } from '../work-view.js';

/** The Trash screen; `onOpen` opens a restored record. */
export function TrashScreen(props: { schema: Schema; onOpen?: (model: string, key: KeyObject) => void }) {
  const { schema } = props;
  const [items, setItems] = useState<TrashItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [restored, setRestored] = useState<{ text: string; model: string; key?: KeyObject } | null>(null);
  const load = useCallback(() => {
    void api.trashList().then(setItems, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  const restore = async (item: TrashItem) => {
    try {
      const record = await api.trashRestore({ id: item.id });
      const model = findModel(schema, item.model);
      const key = model ? keyOf(model, record) : undefined;
      setRestored({
        text: `Restored ${item.model} “${recordLabel(model, record)}”${item.state === 'synced' ? ' as a copy' : ''}.`,
        model: item.model,
        ...(key ? { key } : {}),
      });
      setError(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="trash" aria-label="Trash">
      <header className="screen-header">
        <h1>Trash</h1>
        <span className="muted">{items === null ? 'Loading…' : `${items.length} deleted`}</span>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {restored && (
        <p className="notice-inline" role="status">
          {restored.text}{' '}
          {restored.key && props.onOpen && (
            <button className="link" onClick={() => props.onOpen?.(restored.model, restored.key!)}>
              Open record
            </button>
          )}
        </p>
      )}
      {items !== null && items.length === 0 && <p className="empty">Nothing in the Trash. Records you delete on this computer can be restored from here.</p>}
      <ul className="trash-list">
        {(items ?? []).map((item) => {
          const model = findModel(schema, item.model);
          const related = item.related
            .filter((r) => r.count > 0)
            .map((r) => {
              const def = findModel(schema, r.model);
              return `${r.count} ${r.count === 1 ? r.model.toLowerCase() : def ? pluralLabel(def).toLowerCase() : r.model}`;
            });
          const label = recordLabel(model, item.record);
          return (
            <li key={item.id} className="trash-item" aria-label={`${item.model} ${label}`}>
              <div>
                <strong id={`trash-${item.id}`}>
                  {item.model} “{label}”
                </strong>
                {related.length > 0 && <span className="muted"> with {related.join(', ')}</span>}
                <div className="muted">Deleted {new Date(item.deletedAt).toLocaleString()}</div>
                <div className="hint" data-state={item.state}>
                  {trashRestoreNote(item)}
                </div>
              </div>
              {/* Every entry's button says "Restore": the description names what it restores. */}
              <button className="secondary" onClick={() => void restore(item)} aria-describedby={`trash-${item.id}`}>
                {item.state === 'synced' ? 'Restore as a copy' : 'Restore'}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
