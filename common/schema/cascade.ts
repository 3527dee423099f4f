// What a delete cascades to (PROTOCOL.md §4.13): the records hanging off a record through its
// model's @hasMany / @hasOne relations. One rule for the datastore that deletes them and for what
// previews or records a delete (the Trash), so a preview can never count other records than the
// delete takes.
import type { Predicate } from '../predicates/types.js';
import type { ModelDef, ModelRecord, Schema } from './types.js';
import { findModel } from './model-fields.js';

/** One relation a delete cascades through: the child model, and which child field holds which parent field. */
export interface CascadeLink {
  readonly model: string;
  /** Child field → the parent field whose value it holds. */
  readonly link: Readonly<Record<string, string>>;
}

/** The @hasMany / @hasOne relations of `model` whose children a delete of its record also deletes. */
export function cascadeLinks(schema: Schema, model: ModelDef): CascadeLink[] {
  const links: CascadeLink[] = [];
  for (const field of model.fields) {
    const relation = field.relation;
    if (relation === undefined || (relation.kind !== 'hasMany' && relation.kind !== 'hasOne')) continue;
    if (findModel(schema, relation.relatedModel) === undefined || relation.associatedWith.length === 0) continue;
    const keyFields = relation.fields.length > 0 ? relation.fields : model.primaryKey;
    const link: Record<string, string> = {};
    for (const [i, child] of relation.associatedWith.entries()) link[child] = keyFields[i] ?? 'id';
    links.push({ model: relation.relatedModel, link });
  }
  return links;
}

/** The predicate selecting `record`'s children through `link`; null when a parent key value is unset (no children). */
export function childrenWhere(link: CascadeLink, record: ModelRecord): Predicate | null {
  const clauses: Predicate[] = [];
  for (const [child, parent] of Object.entries(link.link)) {
    const value = record[parent];
    if (value === null || value === undefined) return null;
    clauses.push({ field: child, op: 'eq', value: value as string | number });
  }
  return clauses.length === 1 ? clauses[0] : { and: clauses };
}
