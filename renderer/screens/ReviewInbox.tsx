// The review inbox (DESIGN.md "Nothing lost"): every edit of this device that did not survive as
// sent — overridden by a merge or a retry, or refused by the server — waits here until the user
// decides. Open items first, each naming its record by its label and its fields by their labels,
// mine against theirs. Below, the history: decided items and the conflict log of the sync worker.
import { useCallback, useEffect, useState } from 'react';
import type { Conflict, ReviewItem } from '../../common/ipc/contract.js';
import { keyFromModelId, keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { useEvent } from '../hooks.js';
import { RelatedLabel } from '../components/RelatedLabel.js';
import { belongsToFor, fieldLabel, keyLabel, recordLabel, relatedKey } from '../schema-view.js';
import { displayValue, reviewHeadline, reviewRows, reviewStateText } from '../work-view.js';

const HIDDEN = new Set(['_version', '_lastChangedAt', '_deleted', 'createdAt', 'updatedAt', 'owner', '__typename']);

/** The key of the record an item is about: main's, else read from its records, else from `recordId`. */
function itemKey(schema: Schema, item: { key?: KeyObject; model: string; recordId: string }, ...records: Array<Record<string, unknown> | null>): KeyObject | undefined {
  if (item.key) return item.key;
  const model = schema.models[item.model];
  if (!model) return undefined;
  for (const record of records) {
    const key = keyOf(model, record);
    if (key) return key;
  }
  return keyFromModelId(model, item.recordId);
}

type Selected = { readonly kind: 'review'; readonly id: string } | { readonly kind: 'conflict'; readonly id: string };

/**
 * The review inbox. `onChanged` after a decision (badges), `onOpen` opens a record, `onResubmit`
 * opens the record form prefilled with a rejected item's version.
 */
export function ReviewInbox(props: {
  schema: Schema;
  onChanged: () => void;
  onOpen?: (model: string, key: KeyObject) => void;
  onResubmit?: (item: ReviewItem) => void;
}) {
  const { schema } = props;
  const [items, setItems] = useState<ReviewItem[]>([]);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.reviewList().then(setItems, (e: Error) => setError(e.message));
    void api.conflictsList().then(setConflicts, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  useEvent('review', load);
  useEvent('conflict', load);

  const open = items.filter((i) => i.state === 'open');
  const decided = items.filter((i) => i.state !== 'open');
  const fallback: Selected | null = open[0]
    ? { kind: 'review', id: open[0].id }
    : decided[0]
        ? { kind: 'review', id: decided[0].id }
        : conflicts[0]
          ? { kind: 'conflict', id: conflicts[0].id }
          : null;
  const isShown = (s: Selected | null): boolean =>
    s !== null && (s.kind === 'review' ? items.some((i) => i.id === s.id) : conflicts.some((c) => c.id === s.id));
  const current = isShown(selected) ? selected : fallback;

  const decide = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setError(null);
      load();
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const waiting = open.length;
  return (
    <section className="conflicts review-inbox" aria-label="Review inbox">
      <header className="screen-header">
        <h1>Review inbox</h1>
        <span className="muted">{waiting === 0 ? 'Nothing waiting' : `${waiting} to review`}</span>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && conflicts.length === 0 ? (
        <p className="empty">
          Nothing to review. When the server keeps other values than yours, or refuses a change, it is kept here until you decide.
        </p>
      ) : (
        <div className="conflict-layout">
          <div className="review-lists">
            <h2>Needs your review</h2>
            {open.length === 0 && <p className="muted">Nothing waiting.</p>}
            <ul className="conflict-list" aria-label="Needs your review">
              {open.map((item) => (
                <ReviewListEntry key={item.id} schema={schema} item={item} active={current?.kind === 'review' && current.id === item.id} onSelect={() => setSelected({ kind: 'review', id: item.id })} />
              ))}
            </ul>
            {(decided.length > 0 || conflicts.length > 0) && <h2>History</h2>}
            <ul className="conflict-list" aria-label="History">
              {decided.map((item) => (
                <ReviewListEntry key={item.id} schema={schema} item={item} active={current?.kind === 'review' && current.id === item.id} onSelect={() => setSelected({ kind: 'review', id: item.id })} />
              ))}
              {conflicts.map((c) => (
                <li key={`c${c.id}`}>
                  <button
                    className={current?.kind === 'conflict' && current.id === c.id ? 'conflict-item active' : 'conflict-item'}
                    onClick={() => setSelected({ kind: 'conflict', id: c.id })}
                  >
                    <strong>
                      {c.model} “{recordLabel(schema.models[c.model], { ...c.remote, ...c.local })}”
                    </strong>
                    <span className="muted">
                      Conflict · {new Date(c.at).toLocaleString()} ·{' '}
                      {c.reviewed === null ? `settled as “${c.resolution}”` : c.reviewed === 'keepMine' ? 'kept mine' : 'kept theirs'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {current?.kind === 'review' && (
            <ReviewDetail
              schema={schema}
              item={items.find((i) => i.id === current.id)!}
              onDecide={(choice) => void decide(() => api.reviewResolve({ id: current.id, choice }))}
              {...(props.onOpen ? { onOpen: props.onOpen } : {})}
              {...(props.onResubmit ? { onResubmit: props.onResubmit } : {})}
            />
          )}
          {current?.kind === 'conflict' && (
            <ConflictDetail
              schema={schema}
              conflict={conflicts.find((c) => c.id === current.id)!}
              onDecide={(choice) => void decide(() => api.conflictsResolve({ id: current.id, choice }))}
              {...(props.onOpen ? { onOpen: props.onOpen } : {})}
            />
          )}
        </div>
      )}
    </section>
  );
}

function ReviewListEntry(props: { schema: Schema; item: ReviewItem; active: boolean; onSelect: () => void }) {
  const { item } = props;
  const model = props.schema.models[item.model];
  return (
    <li>
      <button className={props.active ? 'conflict-item active' : 'conflict-item'} onClick={props.onSelect} data-kind={item.kind}>
        <strong>
          {item.model} “{recordLabel(model, { ...(item.theirs ?? {}), ...item.mine })}”
        </strong>
        <span className="muted">
          {item.kind === 'overridden' ? 'Overridden' : 'Rejected'} · {item.fields.map((f) => fieldLabel(f, model)).join(', ') || 'whole record'}
        </span>
        <span className="muted">
          {new Date(item.at).toLocaleString()} · {reviewStateText(item)}
        </span>
      </button>
    </li>
  );
}

function ReviewDetail(props: {
  schema: Schema;
  item: ReviewItem;
  onDecide: (choice: 'keepMine' | 'keepTheirs') => void;
  onOpen?: (model: string, key: KeyObject) => void;
  onResubmit?: (item: ReviewItem) => void;
}) {
  const { item, schema } = props;
  const model = schema.models[item.model];
  const rows = reviewRows(model, item);
  const key = itemKey(schema, item, item.mine, item.theirs);
  const isOpen = item.state === 'open';
  return (
    <div className="conflict-detail" aria-label="Review item">
      <h2 className="review-headline">{reviewHeadline(model, item)}</h2>
      <p className="muted">
        {model && key && model.primaryKey.length > 1 ? `${keyLabel(model, key)} · ` : ''}
        {new Date(item.at).toLocaleString()}
      </p>
      <p className="review-reason">{item.reason}</p>
      <table className="compare">
        <thead>
          <tr>
            <th>Field</th>
            <th>Mine (this device)</th>
            <th>{item.kind === 'rejected' ? 'On the server' : 'Theirs (another device)'}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            // A foreign key shows the related record by its label, not its id.
            const relation = model ? belongsToFor(model, r.field) : undefined;
            const mineKey = relation ? relatedKey(relation, item.mine) : undefined;
            const theirsKey = relation && item.theirs ? relatedKey(relation, item.theirs) : undefined;
            return (
              <tr key={r.field} className={r.differs ? 'differs' : ''} data-differs={r.differs}>
                <th scope="row">{r.label}</th>
                <td>{relation && mineKey ? <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={mineKey} /> : r.mine}</td>
                <td>{relation && theirsKey ? <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={theirsKey} /> : r.theirs}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        {isOpen && item.kind === 'overridden' && (
          <>
            <button className="primary" onClick={() => props.onDecide('keepMine')}>
              Keep mine
            </button>
            <button className="secondary" onClick={() => props.onDecide('keepTheirs')}>
              Keep theirs
            </button>
          </>
        )}
        {isOpen && item.kind === 'rejected' && (
          <>
            {props.onResubmit && item.operation !== 'DELETE' && (
              <button className="primary" onClick={() => props.onResubmit?.(item)}>
                Edit and resubmit
              </button>
            )}
            {item.operation === 'DELETE' && (
              <button className="primary" onClick={() => props.onDecide('keepMine')}>
                Delete again
              </button>
            )}
            <button className="secondary" onClick={() => props.onDecide('keepTheirs')}>
              Discard my version
            </button>
          </>
        )}
        {key && props.onOpen && (
          <button className="link" onClick={() => props.onOpen?.(item.model, key)}>
            Open record
          </button>
        )}
        {!isOpen && <span className="muted">Decided: {reviewStateText(item)}.</span>}
      </div>
    </div>
  );
}

function ConflictDetail(props: { schema: Schema; conflict: Conflict; onDecide: (choice: 'keepMine' | 'keepTheirs') => void; onOpen?: (model: string, key: KeyObject) => void }) {
  const { conflict: c, schema } = props;
  const model = schema.models[c.model];
  const fields = [...new Set([...Object.keys(c.local), ...Object.keys(c.remote)])].filter(
    (f) => !HIDDEN.has(f) && !(model?.primaryKey ?? ['id']).includes(f) && f in c.local,
  );
  const key = itemKey(schema, c, { ...c.remote, ...c.local });
  return (
    <div className="conflict-detail" aria-label="Conflict detail">
      <h2 className="review-headline">
        {c.model} “{recordLabel(model, { ...c.remote, ...c.local })}”: a conflict the sync settled as “{c.resolution}”
      </h2>
      <p className="muted">
        {model && key && model.primaryKey.length > 1 ? `${keyLabel(model, key)} · ` : ''}
        {new Date(c.at).toLocaleString()}
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
            const differs = JSON.stringify(c.local[f] ?? null) !== JSON.stringify(c.remote[f] ?? null);
            const def = model?.fields.find((x) => x.name === f);
            return (
              <tr key={f} className={differs ? 'differs' : ''} data-differs={differs}>
                <th scope="row">{fieldLabel(f, model)}</th>
                <td>{displayValue(def, c.local[f])}</td>
                <td>{displayValue(def, c.remote[f])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        <button className="primary" onClick={() => props.onDecide('keepMine')}>
          Keep mine
        </button>
        <button className="secondary" onClick={() => props.onDecide('keepTheirs')}>
          Keep theirs
        </button>
        {key && props.onOpen && (
          <button className="link" onClick={() => props.onOpen?.(c.model, key)}>
            Open record
          </button>
        )}
        {c.reviewed && <span className="muted">You chose {c.reviewed === 'keepMine' ? 'mine' : 'theirs'}.</span>}
      </div>
    </div>
  );
}
