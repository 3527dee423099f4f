// fast-check generators for records of a model and predicates over them, built from the parsed
// schema so any model works. Values come from small alphabets that stress the semantics: case
// pairs, LIKE metacharacters, non-ASCII (é, ß), astral emoji vs U+E000–U+FFFD, Int/Float extremes,
// null vs missing. Predicate values are often drawn from the generated records so they match.
import fc from 'fast-check';
import { compareCodePoints } from '../../../common/predicates/code-point-order.js';
import { describeField, filterFieldsOf, type FilterableField } from '../../../common/predicates/filterable-fields.js';
import { columnFields } from '../../../common/predicates/column-fields.js';
import type { Predicate } from '../../../common/predicates/types.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../../common/schema/types.js';

const CHARS = ['a', 'A', 'b', 'B', 's', 'S', '%', '_', '\\', ' ', '0', 'é', 'É', 'ß', '😀', '🎉', '\ufffd', '\ue000', '\ud7ff', '\uffff', '\u{10ffff}', 'ı'];
const text = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 5 });
const int32 = fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }), fc.constantFrom(-2147483648, 2147483647, 0, -1, 1, 2));
const timestamp = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0));
const float = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -0, 0.1, 0.2, 1.5, -2.5, 5e-324, 1.7976931348623157e308, -1.7976931348623157e308),
);
const date = fc.date({ min: new Date('1960-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
const dateTime = fc.oneof(
  date.map((d) => d.toISOString()),
  date.map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')),
  date.map((d) => d.toISOString().replace(/Z$/, '+02:00')),
  fc.constantFrom('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00Z'),
);

function scalarValue(field: FilterableField, schema: Schema): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'integer':
      return field.typeName === 'Int' ? int32 : timestamp;
    case 'float':
      return float;
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...(schema.enums[field.typeName]?.values ?? ['X']));
    case 'string':
      switch (field.typeName) {
        case 'AWSDateTime':
          return dateTime;
        case 'AWSDate':
          return date.map((d) => d.toISOString().slice(0, 10));
        case 'AWSTime':
          return date.map((d) => d.toISOString().slice(11, 23));
        case 'AWSJSON':
          return fc.oneof(
            fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
            text.map((s) => JSON.stringify({ s })),
          );
        default:
          return text;
      }
  }
}

function storedValue(field: FieldDef, schema: Schema): fc.Arbitrary<unknown> {
  if (field.type.kind === 'embedded') {
    // The example schema's embedded types: GeoPoint (Site.location) and lists of Attachment references.
    if (field.type.name === 'Attachment') {
      const ref = fc.record({
        key: fc.constant('Inspection/k/0000000000000000000000000000000000000000000000000000000000000000'),
        contentType: fc.constant('image/jpeg'),
        size: fc.nat(),
        sha256: fc.constant('0'.repeat(64)),
        name: fc.option(text, { nil: null }),
      });
      return field.isList ? fc.array(ref, { maxLength: 2 }) : ref;
    }
    // In range: the datastore refuses a GeoPoint outside latitude ±90, longitude ±180.
    return fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) });
  }
  const described = describeField(field);
  if ('reason' in described) return fc.constant(null);
  const element = scalarValue({ ...described, isList: false }, schema);
  return field.isList ? fc.array(fc.oneof({ weight: 5, arbitrary: element }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 4 }) : element;
}

/** Records of `model`: each field set, null or missing; `keyField` holds a unique `k<n>`. */
export function recordsArb(schema: Schema, model: ModelDef, keyField: string): fc.Arbitrary<ModelRecord[]> {
  const fields = columnFields(model).filter((f) => f.name !== keyField);
  const record = fc.tuple(
    ...fields.map((f) =>
      fc.oneof({ weight: 6, arbitrary: storedValue(f, schema) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    ),
  );
  return fc.array(record, { maxLength: 10 }).map((rows) =>
    rows.map((values, i) => {
      const out: ModelRecord = { [keyField]: `k${i}` };
      fields.forEach((f, j) => {
        if (values[j] !== undefined) out[f.name] = values[j];
      });
      return out;
    }),
  );
}

// Code-point-aware slices so prefixes/substrings never split a surrogate pair.
function slices(s: string): fc.Arbitrary<string> {
  const points = Array.from(s);
  return fc.tuple(fc.nat({ max: points.length }), fc.nat({ max: points.length })).map(([a, b]) => points.slice(Math.min(a, b), Math.max(a, b)).join(''));
}

function order(a: unknown, b: unknown): number {
  return typeof a === 'string' && typeof b === 'string' ? compareCodePoints(a, b) : (a as number) - (b as number);
}

/** Predicates over `model` (depth ≤ 4), with values often taken from `records`. */
export function predicateArb(schema: Schema, model: ModelDef, records: readonly ModelRecord[]): fc.Arbitrary<Predicate> {
  const fields = [...filterFieldsOf(model).filterable.values()];
  const leafFor = (field: FilterableField): fc.Arbitrary<Predicate> => {
    const seen = records
      .flatMap((r) => (Array.isArray(r[field.name]) ? (r[field.name] as unknown[]) : [r[field.name]]))
      .filter((v) => v !== null && v !== undefined);
    const fresh = scalarValue({ ...field, isList: false }, schema);
    const value = seen.length > 0 ? fc.oneof(fc.constantFrom(...seen), fresh) : fresh;
    const part =
      field.kind === 'string'
        ? fc.oneof(
            value.chain((v) => slices(String(v))),
            text,
          )
        : value;
    return fc.constantFrom(...field.operators).chain((op): fc.Arbitrary<Predicate> => {
      const make = (v: fc.Arbitrary<unknown>) => v.map((x) => ({ field: field.name, op, value: x }));
      switch (op) {
        case 'eq':
        case 'ne':
          return field.isList ? make(fc.constant(null)) : make(fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }));
        case 'between':
          return make(fc.tuple(value, value).map(([a, b]) => (order(a, b) <= 0 ? [a, b] : [b, a])));
        case 'beginsWith':
        case 'contains':
        case 'notContains':
          return make(field.isList ? value : part);
        case 'attributeExists':
          return make(fc.boolean());
        case 'in':
          return make(fc.array(fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3 }));
        default:
          return make(value);
      }
    });
  };
  const leaf = fc.constantFrom(...fields).chain(leafFor);
  const node: fc.Memo<Predicate> = fc.memo((n) =>
    n <= 1
      ? leaf
      : fc.oneof(
          { weight: 3, arbitrary: leaf },
          { weight: 1, arbitrary: fc.array(node(n - 1), { maxLength: 3 }).map((and): Predicate => ({ and })) },
          { weight: 1, arbitrary: fc.array(node(n - 1), { maxLength: 3 }).map((or): Predicate => ({ or })) },
          { weight: 1, arbitrary: node(n - 1).map((not): Predicate => ({ not })) },
        ),
  );
  return node(4);
}

/** The seed for a property run: `FC_SEED` from the environment, else random. */
export function propertySeed(): number {
  const fromEnv = Number(process.env.FC_SEED);
  return Number.isInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}
