// The records inside a parent, on its form: for each `@hasMany` of the model (a Site's
// Inspections, an Inspection's Observations — read from the schema, nothing named here) a short
// list of the children by label, each opening its form on click or Enter, and "Add …" opening a
// new child pre-filled with this parent.
import { useEffect, useState } from 'react';
import type { Access } from '../../common/ipc/contract.js';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import { api } from '../api.js';
import { childPredicate, childPrefill, childRelations, type ChildRelation } from '../record-form-view.js';
import type { Schema } from '../../common/schema/types.js';
import { pluralLabel, recordLabel, titleField } from '../schema-view.js';
import { accessRefusal } from '../work-view.js';

/** How many children a list shows; the rest are counted ("and 12 more"). */
export const CHILDREN_SHOWN = 50;

/** What the children lists need: the parent as stored, and where opening and adding go. */
export interface ChildRecordsProps {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly parent: ModelRecord;
  /** Opens a child's form: a stored one by its key, or a new one (key null) starting from `prefill`. */
  readonly onOpen: (model: string, key: KeyObject | null, prefill?: ModelRecord) => void;
  /** What this sign-in may do ("Add …" is off, saying why, where it may not create). */
  readonly access: Access | null;
}

/** One list per `@hasMany` of `model` (none when it has none). */
export function ChildRecords(props: ChildRecordsProps) {
  const relations = childRelations(props.schema, props.model);
  return (
    <>
      {relations.map((relation) => (
        <ChildList key={relation.field} {...props} relation={relation} />
      ))}
    </>
  );
}

function ChildList(props: ChildRecordsProps & { relation: ChildRelation }) {
  const { relation, parent } = props;
  const child = relation.childModel;
  const [page, setPage] = useState<{ items: ModelRecord[]; count: number } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const where = childPredicate(relation, parent);
  const whereJson = where === undefined ? null : JSON.stringify(where);
  useEffect(() => {
    if (whereJson === null) return;
    let live = true;
    const title = titleField(child);
    void api
      .query({
        model: child.name,
        where: JSON.parse(whereJson) as NonNullable<typeof where>,
        limit: CHILDREN_SHOWN,
        withCount: true,
        ...(title ? { sort: [{ field: title, direction: 'asc' as const }] } : {}),
      })
      .then(
        (r) => live && setPage({ items: r.items, count: r.count ?? r.items.length }),
        (e: Error) => live && setFailed(e.message),
      );
    return () => {
      live = false;
    };
  }, [child, whereJson]);

  const heading = pluralLabel(child);
  const headingId = `children-${relation.field}`;
  const prefill = childPrefill(relation, parent);
  const refusal = accessRefusal(props.access, child, 'create');
  const more = page === null ? 0 : page.count - page.items.length;
  return (
    <section className="child-records" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {heading}
        {page !== null && <span className="muted child-count"> · {page.count}</span>}
      </h2>
      {failed !== null && (
        <p className="form-error">
          Could not list the {heading.toLowerCase()}: {failed}
        </p>
      )}
      {page !== null && page.items.length === 0 && <p className="muted">No {heading.toLowerCase()} yet.</p>}
      {page !== null && page.items.length > 0 && (
        <ul className="child-list">
          {page.items.map((item) => {
            const key = keyOf(child, item);
            const label = recordLabel(child, item);
            return (
              <li key={key === undefined ? label : JSON.stringify(key)}>
                <button type="button" className="link child-open" disabled={key === undefined} onClick={() => key && props.onOpen(child.name, key)}>
                  {label}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {more > 0 && (
        <p className="muted">
          and {more} more (see the {heading} list)
        </p>
      )}
      <button
        type="button"
        className="secondary small"
        disabled={prefill === undefined || refusal !== null}
        title={refusal ?? undefined}
        onClick={() => prefill && props.onOpen(child.name, null, prefill)}
      >
        Add {child.name}
      </button>
    </section>
  );
}
