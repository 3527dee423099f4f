// The labels of the records an exported page points at through `@belongsTo` (an Inspection's Site
// by its name), read once per page for all its records, and kept in a bounded cache: many records
// share a parent, and the cache must not grow with the export.
import type { Predicate } from '../../common/predicates/types.js';
import { belongsToFields, findModel } from '../../common/schema/model-fields.js';
import { modelIdOf } from '../../common/schema/record-key.js';
import { recordLabel, titleField } from '../../common/schema/record-labels.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { ExportSource } from './record-pages.js';

/** One `@belongsTo` of the exported model: `field` (e.g. `site`) through `keyFields` (e.g. `siteID`). */
export interface ExportedRelation {
  readonly field: string;
  readonly related: ModelDef;
  /** The foreign-key fields on the exported model, in the related model's key order. */
  readonly keyFields: readonly string[];
  /** The related model's primary-key fields they hold. */
  readonly relatedKeys: readonly string[];
  /** What the label is: the related model's title field, else `label` (a key or short id). */
  readonly labelName: string;
}

/** Labels cached across pages (default of RelatedLabels). */
export const RELATED_LABEL_CACHE = 10_000;

/** The `@belongsTo` relations of `model` whose related model is in the schema. */
export function exportedRelations(schema: Schema, model: ModelDef): ExportedRelation[] {
  return belongsToFields(model).flatMap((f) => {
    const related = findModel(schema, f.relation.relatedModel);
    if (related === undefined || f.relation.fields.length === 0) return [];
    const relatedKeys = f.relation.associatedWith.length === f.relation.fields.length ? f.relation.associatedWith : related.primaryKey;
    return [{ field: f.name, related, keyFields: f.relation.fields, relatedKeys, labelName: titleField(related) ?? 'label' }];
  });
}

/** Related records' labels for the pages of one export. */
export class RelatedLabels {
  readonly relations: readonly ExportedRelation[];
  /** `<model>\u0000<modelId>` → label, or null when that record is not on this device. */
  private readonly cache = new Map<string, string | null>();

  constructor(
    private readonly source: ExportSource,
    schema: Schema,
    model: ModelDef,
    private readonly limit = RELATED_LABEL_CACHE,
  ) {
    this.relations = exportedRelations(schema, model);
  }

  /** Reads the labels `records` need that the cache does not hold. */
  async load(records: readonly ModelRecord[]): Promise<void> {
    for (const relation of this.relations) {
      const wanted = new Map<string, ModelRecord>();
      for (const record of records) {
        const key = keyOfRelated(relation, record);
        if (key === undefined) continue;
        const id = cacheId(relation, key);
        if (this.cache.has(id)) this.touch(id);
        else wanted.set(id, key);
      }
      if (wanted.size === 0) continue;
      const keys = [...wanted.values()];
      const found = await this.source.query(relation.related.name, { where: keysPredicate(relation, keys), limit: keys.length });
      for (const record of found) this.remember(cacheId(relation, record), recordLabel(relation.related, record));
      for (const id of wanted.keys()) if (!this.cache.has(id)) this.remember(id, null);
    }
  }

  /**
   * The label of the record `record` points at through `relation` (after `load`): undefined when a
   * key field is unset, null when the related record is not on this device.
   */
  labelOf(relation: ExportedRelation, record: ModelRecord): string | null | undefined {
    const key = keyOfRelated(relation, record);
    if (key === undefined) return undefined;
    return this.cache.get(cacheId(relation, key)) ?? null;
  }

  private touch(id: string): void {
    const label = this.cache.get(id)!;
    this.cache.delete(id);
    this.cache.set(id, label);
  }

  private remember(id: string, label: string | null): void {
    this.cache.set(id, label);
    // Least recently used first: a Map iterates in insertion order and `touch` re-inserts.
    while (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** The related record's key (its own field names) `record` holds, or undefined while a key field is unset. */
function keyOfRelated(relation: ExportedRelation, record: ModelRecord): ModelRecord | undefined {
  const key: ModelRecord = {};
  for (const [i, field] of relation.keyFields.entries()) {
    const value = record[field];
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') return undefined;
    key[relation.relatedKeys[i]!] = value;
  }
  return key;
}

function cacheId(relation: ExportedRelation, key: ModelRecord): string {
  return `${relation.related.name}\u0000${modelIdOf({ primaryKey: relation.relatedKeys }, key)}`;
}

function keysPredicate(relation: ExportedRelation, keys: readonly ModelRecord[]): Predicate {
  if (relation.relatedKeys.length === 1) {
    const field = relation.relatedKeys[0]!;
    return { field, op: 'in', value: keys.map((k) => k[field]) };
  }
  return { or: keys.map((k) => ({ and: relation.relatedKeys.map((field) => ({ field, op: 'eq' as const, value: k[field] })) })) };
}
