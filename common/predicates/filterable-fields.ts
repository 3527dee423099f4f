// How each field of a model can be filtered: its value kind, list-ness and the operators that fit.
// Shared by validation, the SQL compiler and the GraphQL translators so they agree on every field.
import type { FieldDef, ModelDef, ScalarTypeName } from '../schema/types.js';
import type { Operator } from './types.js';
import { columnFields } from './column-fields.js';

/** The comparable kind of a field's (element) value. */
export type ValueKind = 'string' | 'integer' | 'float' | 'boolean' | 'enum';

export interface FilterableField {
  readonly name: string;
  readonly kind: ValueKind;
  /** The scalar or enum name, e.g. `Int`, `AWSDateTime`, `InspectionStatus`. */
  readonly typeName: string;
  readonly isList: boolean;
  /** Integers only: the inclusive range a value must lie in. */
  readonly range?: readonly [number, number];
  readonly operators: readonly Operator[];
}

/** Why a field cannot be filtered (relation or embedded object), for error messages. */
export interface UnfilterableField {
  readonly name: string;
  readonly reason: string;
}

const INT_RANGE = [-2147483648, 2147483647] as const;
const SAFE_RANGE = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;

const STRING_OPS: readonly Operator[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'beginsWith', 'contains', 'notContains', 'attributeExists', 'in'];
const NUMBER_OPS: readonly Operator[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'attributeExists', 'in'];
const BOOLEAN_OPS: readonly Operator[] = ['eq', 'ne', 'attributeExists', 'in'];
// AppSync's Model<Enum>Input has only eq and ne; `in` travels as an `or` of `eq`.
const ENUM_OPS: readonly Operator[] = ['eq', 'ne', 'in'];
// On a list, eq/ne only test for null: DynamoDB compares whole lists, which no AppSync input offers.
const LIST_OPS: readonly Operator[] = ['eq', 'ne', 'contains', 'notContains', 'attributeExists'];

function scalarKind(name: ScalarTypeName): { kind: ValueKind; range?: readonly [number, number] } {
  switch (name) {
    case 'Int':
      return { kind: 'integer', range: INT_RANGE };
    case 'AWSTimestamp':
      return { kind: 'integer', range: SAFE_RANGE };
    case 'Float':
      return { kind: 'float' };
    case 'Boolean':
      return { kind: 'boolean' };
    default:
      // ID, String, AWSDate/Time/DateTime, AWSEmail, AWSURL, AWSPhone, AWSIPAddress and AWSJSON
      // (its JSON text): all strings on the wire and in storage.
      return { kind: 'string' };
  }
}

/** Describe one stored field for filtering, or say why it cannot be filtered. */
export function describeField(field: FieldDef): FilterableField | UnfilterableField {
  const type = field.type;
  if (type.kind === 'model') {
    const fk =
      field.relation?.kind === 'belongsTo' && field.relation.fields.length > 0 ? `; filter on its key field ${field.relation.fields.join(', ')} instead` : '';
    return { name: field.name, reason: `is a relation to ${type.name} and cannot be filtered${fk}` };
  }
  if (type.kind === 'embedded') {
    return { name: field.name, reason: `is an embedded ${type.name} object and cannot be filtered` };
  }
  const { kind, range } = type.kind === 'enum' ? { kind: 'enum' as const, range: undefined } : scalarKind(type.name);
  const operators = field.isList
    ? LIST_OPS
    : kind === 'string'
      ? STRING_OPS
      : kind === 'integer' || kind === 'float'
        ? NUMBER_OPS
        : kind === 'boolean'
          ? BOOLEAN_OPS
          : ENUM_OPS;
  return {
    name: field.name,
    kind,
    typeName: type.name,
    isList: field.isList,
    ...(range ? { range } : {}),
    operators,
  };
}

/** A model's fields for filtering, keyed by name: filterable ones and (with reasons) the rest. */
export interface ModelFilterFields {
  readonly model: string;
  readonly filterable: ReadonlyMap<string, FilterableField>;
  readonly unfilterable: ReadonlyMap<string, UnfilterableField>;
}

const cache = new WeakMap<ModelDef, ModelFilterFields>();

/** Every field of `model` a predicate may name (including implicit and metadata fields). */
export function filterFieldsOf(model: ModelDef): ModelFilterFields {
  const hit = cache.get(model);
  if (hit) return hit;
  const filterable = new Map<string, FilterableField>();
  const unfilterable = new Map<string, UnfilterableField>();
  for (const field of [...model.fields.filter((f) => f.type.kind === 'model'), ...columnFields(model)]) {
    const described = describeField(field);
    if ('reason' in described) unfilterable.set(field.name, described);
    else filterable.set(field.name, described);
  }
  const result = { model: model.name, filterable, unfilterable };
  cache.set(model, result);
  return result;
}

/** Type label for messages, e.g. `Int`, `[String]`. */
export function typeLabel(field: FilterableField): string {
  return field.isList ? `[${field.typeName}]` : field.typeName;
}
