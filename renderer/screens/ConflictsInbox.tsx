// Every conflict the sync met: this device's version and the server's side by side, the fields
// that differ highlighted, and "Keep mine" / "Keep theirs".
import { useCallback, useEffect, useState } from 'react';
import type { Conflict } from '../../common/ipc/contract.js';
import { keyFromModelId, keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { useEvent } from '../hooks.js';
import { fieldLabel, formatValue, keyLabel, recordLabel } from '../schema-view.js';

const HIDDEN = new Set(['_version', '_lastChangedAt', '_deleted', 'createdAt', 'updatedAt', 'owner', '__typename']);

/** The key of the record a conflict is about: main's, else the local/server record's, else read from `recordId`. */
function conflictKey(schema: Schema, conflict: Conflict): KeyObject | undefined {
  if (conflict.key) return conflict.key;
  const model = schema.models[conflict.model];
  if (!model) return undefined;
  return keyOf(model, { ...conflict.remote, ...conflict.local }) ?? keyFromModelId(model, conflict.recordId);
}

/** The conflicts inbox; `onChanged` is called after a resolution so badges can update; `onOpen` opens the record. */
export function ConflictsInbox(props: { schema: Schema; onChanged: () => void; onOpen?: (model: string, key: KeyObject) => void }) {
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.conflictsList().then(setConflicts, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  useEvent('conflict', load);

  const current = conflicts.find((c) => c.id === selected) ?? conflicts.find((c) => c.reviewed === null) ?? conflicts[0];
  const resolve = async (choice: 'keepMine' | 'keepTheirs') => {
    if (!current) return;
    try {
      await api.conflictsResolve({ id: current.id, choice });
      setError(null);
      load();
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (conflicts.length === 0) {
    return (
      <section className="conflicts" aria-label="Conflicts">
        <header className="screen-header">
          <h1>Conflicts</h1>
        </header>
        <p className="empty">No conflicts. When this device and the server change the same record, it shows up here.</p>
      </section>
    );
  }

  const model = current ? props.schema.models[current.model] : undefined;
  const fields = current
    ? [...new Set([...Object.keys(current.local), ...Object.keys(current.remote)])].filter(
        (f) => !HIDDEN.has(f) && !(model?.primaryKey ?? ['id']).includes(f) && f in current.local,
      )
    : [];
  const currentKey = current ? conflictKey(props.schema, current) : undefined;
  return (
    <section className="conflicts" aria-label="Conflicts">
      <header className="screen-header">
        <h1>Conflicts</h1>
        <span className="muted">{conflicts.filter((c) => c.reviewed === null).length} to review</span>
      </header>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="conflict-layout">
        <ul className="conflict-list">
          {conflicts.map((c) => (
            <li key={c.id}>
              <button className={c.id === current?.id ? 'conflict-item active' : 'conflict-item'} onClick={() => setSelected(c.id)}>
                <strong>
                  {c.model} “{recordLabel(props.schema.models[c.model], { ...c.remote, ...c.local })}”
                </strong>
                <span className="muted">
                  {new Date(c.at).toLocaleString()} · {c.reviewed === null ? 'needs review' : c.reviewed === 'keepMine' ? 'kept mine' : 'kept theirs'}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {current && (
          <div className="conflict-detail" aria-label="Conflict detail">
            <p className="muted">
              {current.operation.toLowerCase()} of {current.model}{' '}
              {model && currentKey && model.primaryKey.length > 1 ? keyLabel(model, currentKey) : `#${current.recordId.slice(0, 8)}`} · settled
              automatically as “{current.resolution}”
            </p>
            <table className="compare">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Mine (this device)</th>
                  <th>Theirs (server)</th>
                </tr>
              </thead>
              <tbody>
                {fields.map((f) => {
                  const differs = JSON.stringify(current.local[f] ?? null) !== JSON.stringify(current.remote[f] ?? null);
                  const def = model?.fields.find((x) => x.name === f);
                  return (
                    <tr key={f} className={differs ? 'differs' : ''} data-differs={differs}>
                      <th scope="row">{fieldLabel(f, model)}</th>
                      <td>{formatValue(def, current.local[f])}</td>
                      <td>{formatValue(def, current.remote[f])}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="actions">
              <button className="primary" onClick={() => void resolve('keepMine')}>
                Keep mine
              </button>
              <button className="secondary" onClick={() => void resolve('keepTheirs')}>
                Keep theirs
              </button>
              {currentKey && props.onOpen && (
                <button className="link" onClick={() => props.onOpen?.(current.model, currentKey)}>
                  Open record
                </button>
              )}
              {current.reviewed && <span className="muted">You chose {current.reviewed === 'keepMine' ? 'mine' : 'theirs'}.</span>}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
