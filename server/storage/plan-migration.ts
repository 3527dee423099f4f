// What it takes to bring the deployed tables to a new schema: the steps, which of them lose data,
// and a per-model summary for `status`. Pure: compares two parsed schemas.
import type { FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import { findModel, storedFields } from '../../common/schema/model-fields.js';
import type { MigrationStep } from './storage.js';

/** One row of the `status` table. */
export interface ModelStatus {
  readonly model: string;
  readonly operation: 'Create' | 'Update' | 'Delete' | 'No Change';
  readonly details: string;
}

export interface MigrationPlan {
  readonly steps: MigrationStep[];
  /** Steps that drop data, each described for a person (`Site.code (String): column dropped`). */
  readonly destructive: string[];
  readonly status: ModelStatus[];
}

function columnSignature(field: FieldDef): string {
  const base = field.type.kind === 'embedded' ? `${field.type.name}(json)` : field.type.name;
  return field.isList ? `[${base}]` : base;
}

function storedByName(model: ModelDef): Map<string, FieldDef> {
  return new Map(storedFields(model).map((f) => [f.name, f]));
}

/** Steps from `deployed` (null = empty database) to `next`, in a safe order. */
export function planMigration(deployed: Schema | null, next: Schema): MigrationPlan {
  const steps: MigrationStep[] = [];
  const destructive: string[] = [];
  const status: ModelStatus[] = [];
  const before = deployed?.models ?? {};
  for (const name of next.modelOrder) {
    const model = findModel(next, name);
    if (model === undefined) continue;
    const old = deployed === null ? undefined : findModel(deployed, name);
    if (old === undefined) {
      steps.push({ kind: 'createModel', model: name });
      status.push({ model: name, operation: 'Create', details: `new table with ${storedFields(model).length} fields` });
      continue;
    }
    const details: string[] = [];
    const oldFields = storedByName(old);
    const newFields = storedByName(model);
    for (const [fieldName, field] of newFields) {
      const was = oldFields.get(fieldName);
      if (was === undefined) {
        steps.push({ kind: 'addField', model: name, field: fieldName });
        details.push(`+${fieldName}`);
      } else if (columnSignature(was) !== columnSignature(field)) {
        const from = columnSignature(was);
        const to = columnSignature(field);
        steps.push({ kind: 'changeField', model: name, field: fieldName, from, to });
        details.push(`~${fieldName} ${from} → ${to}`);
        destructive.push(`${name}.${fieldName}: type changes ${from} → ${to}; its stored values are cleared`);
      }
    }
    for (const [fieldName, field] of oldFields) {
      if (!newFields.has(fieldName)) {
        steps.push({ kind: 'dropField', model: name, field: fieldName });
        details.push(`-${fieldName}`);
        destructive.push(`${name}.${fieldName} (${columnSignature(field)}): column dropped with its values`);
      }
    }
    const indexChange = JSON.stringify(old.indexes) !== JSON.stringify(model.indexes);
    const otherChange = JSON.stringify(old) !== JSON.stringify(model);
    if (indexChange) details.push('indexes');
    if (details.length === 0 && otherChange) details.push('auth rules or relations');
    status.push({ model: name, operation: details.length > 0 ? 'Update' : 'No Change', details: details.join(', ') });
  }
  for (const name of Object.keys(before)) {
    if (findModel(next, name) === undefined) {
      steps.push({ kind: 'dropModel', model: name });
      destructive.push(`${name}: table dropped with all its records and change log`);
      status.push({ model: name, operation: 'Delete', details: 'table and its records removed' });
    }
  }
  return { steps, destructive, status };
}
