// The types and inputs the generated SDL declares per model (object type with sync metadata,
// connection, filter/condition/subscription-filter inputs, create/update/delete inputs) and per
// enum and embedded type of the schema.
import { getModel, isTimestampField, storedFields } from '../../common/schema/model-fields.js';
import { operationNamesOf } from '../../common/schema/operation-names.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { isImplicitOwnerField } from './owner-rules.js';
import { keyConditionInputOf, sortKeyFieldOf } from './sdl-key-conditions.js';
import { filterInputFor } from './sdl-shared-inputs.js';
import { block, typeRef } from './sdl-text.js';

export function objectType(schema: Schema, model: ModelDef): string {
  const lines: string[] = [];
  for (const field of model.fields) {
    if (field.type.kind === 'model') {
      const rel = field.relation;
      if (rel?.kind === 'hasMany') {
        const related = getModel(schema, field.type.name);
        const names = operationNamesOf(related);
        const sortField = sortKeyFieldOf(related, rel.indexName);
        const keyInput = keyConditionInputOf(sortField);
        const sortArg = sortField !== undefined && keyInput !== undefined ? `${sortField.name}: ${keyInput}, ` : '';
        lines.push(
          `${field.name}(${sortArg}filter: ${names.filterInput}, sortDirection: ModelSortDirection, limit: Int, nextToken: String): ${names.connection}`,
        );
      } else {
        lines.push(`${field.name}: ${field.type.name}`);
      }
      continue;
    }
    // Timestamps are always set by the server, so the object type promises them.
    const required = field.isRequired || isTimestampField(model, field.name);
    lines.push(`${field.name}: ${typeRef(field, { input: false, required })}`);
  }
  lines.push('_version: Int!', '_deleted: Boolean', '_lastChangedAt: AWSTimestamp!');
  return block('type', model.name, lines);
}

export function connectionType(model: ModelDef): string {
  return block('type', operationNamesOf(model).connection, [`items: [${model.name}]!`, 'nextToken: String', 'startedAt: AWSTimestamp']);
}

export function filterInput(model: ModelDef): string {
  return queryComparisonInput(model, operationNamesOf(model).filterInput, false);
}

/** The condition input is the filter input without the primary key (AppSync removes it). */
export function conditionInput(model: ModelDef): string {
  return queryComparisonInput(model, operationNamesOf(model).conditionInput, true);
}

function queryComparisonInput(model: ModelDef, name: string, withoutPrimaryKey: boolean): string {
  const lines: string[] = [];
  for (const field of storedFields(model)) {
    if (withoutPrimaryKey && model.primaryKey.includes(field.name)) continue;
    const input = filterInputFor(field, 'filter');
    if (input !== undefined) lines.push(`${field.name}: ${input}`);
  }
  lines.push(`and: [${name}]`, `or: [${name}]`, `not: ${name}`, '_deleted: ModelBooleanInput');
  return block('input', name, lines);
}

export function subscriptionFilterInput(model: ModelDef): string {
  const name = operationNamesOf(model).subscriptionFilterInput;
  const lines: string[] = [];
  for (const field of storedFields(model)) {
    // Owner fields keep the query-side input, as the auth transformer re-adds them.
    const input = isImplicitOwnerField(model, field) ? 'ModelStringInput' : filterInputFor(field, 'subscription');
    if (input !== undefined) lines.push(`${field.name}: ${input}`);
  }
  lines.push(`and: [${name}]`, `or: [${name}]`, '_deleted: ModelBooleanInput');
  return block('input', name, lines);
}

export function mutationInputs(model: ModelDef): string[] {
  const names = operationNamesOf(model);
  const writable = storedFields(model).filter((f) => !isImplicitOwnerField(model, f));
  const create: string[] = [];
  const update: string[] = [];
  for (const field of writable) {
    const isKey = model.primaryKey.includes(field.name);
    const isTimestamp = isTimestampField(model, field.name);
    if (isKey) {
      create.push(`${field.name}: ${typeRef(field, { input: true, required: model.primaryKey.length > 1 })}`);
      update.push(`${field.name}: ${typeRef(field, { input: true, required: true })}`);
      continue;
    }
    create.push(`${field.name}: ${typeRef(field, { input: true, required: field.isRequired && !isTimestamp })}`);
    update.push(`${field.name}: ${typeRef(field, { input: true, required: false })}`);
  }
  create.push('_version: Int');
  update.push('_version: Int');
  const del = [
    ...storedFields(model)
      .filter((f) => model.primaryKey.includes(f.name))
      .map((f) => `${f.name}: ${typeRef(f, { input: true, required: true })}`),
    '_version: Int',
  ];
  return [block('input', names.createInput, create), block('input', names.updateInput, update), block('input', names.deleteInput, del)];
}

export function enumInputs(schema: Schema): string[] {
  const out: string[] = [];
  for (const e of Object.values(schema.enums)) {
    out.push(block('enum', e.name, e.values));
    out.push(block('input', `Model${e.name}Input`, [`eq: ${e.name}`, `ne: ${e.name}`]));
    out.push(block('input', `Model${e.name}ListInput`, [`eq: [${e.name}]`, `ne: [${e.name}]`, `contains: ${e.name}`, `notContains: ${e.name}`]));
  }
  return out;
}

export function embeddedTypes(schema: Schema): string[] {
  const out: string[] = [];
  for (const t of Object.values(schema.embeddedTypes)) {
    out.push(
      block(
        'type',
        t.name,
        t.fields.map((f) => `${f.name}: ${typeRef(f, { input: false, required: f.isRequired })}`),
      ),
    );
    out.push(
      block(
        'input',
        `${t.name}Input`,
        t.fields.map((f) => `${f.name}: ${typeRef(f, { input: true, required: f.isRequired })}`),
      ),
    );
  }
  return out;
}
