// Example records and predicates with their expected matches, shared by the in-memory, SQL
// (SQLite and PostgreSQL) and GraphQL round-trip tests so every evaluator is held to one table.
import { where } from '../../../common/predicates/builder.js';
import type { Predicate } from '../../../common/predicates/types.js';
import type { ModelRecord } from '../../../common/schema/types.js';

export interface OperatorCase {
  readonly name: string;
  readonly model: 'Site' | 'Inspection' | 'Observation' | 'Reading';
  readonly predicate: Predicate;
  readonly expected: readonly string[];
}

/** Records per model; `id` (or `deviceId` for Reading) identifies them in `expected`. */
export const caseRecords: Readonly<Record<OperatorCase['model'], readonly ModelRecord[]>> = {
  Inspection: [
    { id: 'i1', siteID: 's', title: 'Apple', status: 'DRAFT', score: 5, notes: null, inspectedAt: '2024-01-01T00:00:00.000Z', _deleted: null },
    { id: 'i2', siteID: 's', title: 'apple pie', status: 'SUBMITTED', score: -3, notes: '100%_done\\', inspectedAt: '2024-06-30T12:00:00Z', _deleted: false },
    { id: 'i3', siteID: 's', title: '😀 Éclair', status: 'APPROVED', score: 2147483647, _deleted: true },
    { id: 'i4', siteID: 's', title: '\ufffd end', status: 'DRAFT', score: null, notes: 'ß', inspectedAt: '2023-12-31T23:59:59.999Z' },
    { id: 'i5', siteID: 's', title: 'a%b_c\\d', status: 'IN_PROGRESS', score: 0, notes: 'Straße' },
  ],
  Site: [
    { id: 's1', name: 'One', tags: ['a', 'B', '%'] },
    { id: 's2', name: 'Two', tags: [] },
    { id: 's3', name: 'Three', tags: null },
    { id: 's4', name: 'Four', tags: ['é', null, '😀'] },
    { id: 's5', name: 'Five' },
  ],
  Observation: [
    { id: 'o1', inspectionID: 'i', category: 'c', severity: 'LOW', measurements: [1.5, -0, 1e300], resolved: true },
    { id: 'o2', inspectionID: 'i', category: 'c', severity: 'HIGH', measurements: [2], resolved: false },
    { id: 'o3', inspectionID: 'i', category: 'c', severity: 'HIGH', measurements: null, resolved: null },
    { id: 'o4', inspectionID: 'i', category: 'c', severity: 'CRITICAL', measurements: [5e-324, -1.7976931348623157e308] },
  ],
  Reading: [
    {
      deviceId: 'r1',
      takenAt: '2024-02-29T10:00:00Z',
      counts: [1, 2, 3],
      flags: [true],
      levels: ['low'],
      epoch: 1_700_000_000_123,
      value: -2.5,
      ok: true,
      payload: '{"a":1}',
      day: '2024-02-29',
      time: '23:59:59.999',
      email: 'A@x.org',
    },
    {
      deviceId: 'r2',
      takenAt: '2024-03-01T00:00:00Z',
      counts: [-2147483648],
      flags: [false, false],
      levels: ['Mid', 'HIGH_2'],
      epoch: -5,
      value: 0.1,
      ok: false,
    },
    { deviceId: 'r3', takenAt: '2024-03-02T00:00:00Z' },
  ],
};

const all = (model: OperatorCase['model']): string[] => caseRecords[model].map((r) => String(r.id ?? r.deviceId));
const but = (model: OperatorCase['model'], ...ids: string[]): string[] => all(model).filter((id) => !ids.includes(id));

/** One row per operator behaviour worth pinning down. */
export const operatorCases: readonly OperatorCase[] = [
  { name: 'eq string', model: 'Inspection', predicate: where.title.eq('Apple'), expected: ['i1'] },
  { name: 'eq null (null and missing)', model: 'Inspection', predicate: where.notes.eq(null), expected: ['i1', 'i3'] },
  { name: 'ne null', model: 'Inspection', predicate: where.notes.ne(null), expected: ['i2', 'i4', 'i5'] },
  { name: 'ne string', model: 'Inspection', predicate: where.title.ne('Apple'), expected: but('Inspection', 'i1') },
  { name: 'ne number is true on null', model: 'Inspection', predicate: where.score.ne(5), expected: but('Inspection', 'i1') },
  { name: 'lt number', model: 'Inspection', predicate: where.score.lt(0), expected: ['i2'] },
  { name: 'le number', model: 'Inspection', predicate: where.score.le(0), expected: ['i2', 'i5'] },
  { name: 'gt number (Int max)', model: 'Inspection', predicate: where.score.gt(5), expected: ['i3'] },
  { name: 'ge number', model: 'Inspection', predicate: where.score.ge(5), expected: ['i1', 'i3'] },
  { name: 'between inclusive', model: 'Inspection', predicate: where.score.between(0, 5), expected: ['i1', 'i5'] },
  { name: 'between one point', model: 'Inspection', predicate: where.score.between(5, 5), expected: ['i1'] },
  { name: 'between Int extremes', model: 'Inspection', predicate: where.score.between(-2147483648, 2147483647), expected: ['i1', 'i2', 'i3', 'i5'] },
  { name: 'lt string by code point', model: 'Inspection', predicate: where.title.lt('\ufffd'), expected: ['i1', 'i2', 'i5'] },
  { name: 'ge string: emoji above U+E000', model: 'Inspection', predicate: where.title.ge('\ue000'), expected: ['i3', 'i4'] },
  { name: 'gt string case: lower above upper', model: 'Inspection', predicate: where.title.gt('Apple'), expected: ['i2', 'i3', 'i4', 'i5'] },
  {
    name: 'between dates as strings',
    model: 'Inspection',
    predicate: where.inspectedAt.between('2024-01-01T00:00:00.000Z', '2024-06-30T12:00:00Z'),
    expected: ['i1', 'i2'],
  },
  { name: 'beginsWith is case-sensitive', model: 'Inspection', predicate: where.title.beginsWith('a'), expected: ['i2', 'i5'] },
  { name: 'beginsWith % is literal', model: 'Inspection', predicate: where.title.beginsWith('a%'), expected: ['i5'] },
  { name: 'beginsWith _ is literal', model: 'Inspection', predicate: where.title.beginsWith('a_'), expected: [] },
  { name: 'beginsWith with backslash', model: 'Inspection', predicate: where.notes.beginsWith('100%_done\\'), expected: ['i2'] },
  { name: 'beginsWith emoji', model: 'Inspection', predicate: where.title.beginsWith('😀'), expected: ['i3'] },
  { name: 'beginsWith empty string', model: 'Inspection', predicate: where.notes.beginsWith(''), expected: ['i2', 'i4', 'i5'] },
  { name: 'contains substring', model: 'Inspection', predicate: where.title.contains('pie'), expected: ['i2'] },
  { name: 'contains is case-sensitive', model: 'Inspection', predicate: where.title.contains('PIE'), expected: [] },
  { name: 'contains non-ASCII', model: 'Inspection', predicate: where.notes.contains('ß'), expected: ['i4', 'i5'] },
  { name: 'contains does not fold ß to ss', model: 'Inspection', predicate: where.notes.contains('ss'), expected: [] },
  { name: 'contains _ and backslash literally', model: 'Inspection', predicate: where.title.contains('_c\\'), expected: ['i5'] },
  { name: 'contains empty string', model: 'Inspection', predicate: where.notes.contains(''), expected: ['i2', 'i4', 'i5'] },
  { name: 'notContains is true on null', model: 'Inspection', predicate: where.notes.notContains('ß'), expected: ['i1', 'i2', 'i3'] },
  { name: 'attributeExists true', model: 'Inspection', predicate: where.inspectedAt.attributeExists(true), expected: ['i1', 'i2', 'i4'] },
  { name: 'attributeExists false', model: 'Inspection', predicate: where.inspectedAt.attributeExists(false), expected: ['i3', 'i5'] },
  { name: 'in enum', model: 'Inspection', predicate: where.status.in(['DRAFT', 'APPROVED']), expected: ['i1', 'i3', 'i4'] },
  { name: 'in with null', model: 'Inspection', predicate: where.score.in([null, 0]), expected: ['i4', 'i5'] },
  { name: 'in empty', model: 'Inspection', predicate: where.title.in([]), expected: [] },
  { name: 'not in empty', model: 'Inspection', predicate: where.not(where.title.in([])), expected: all('Inspection') },
  { name: 'eq enum', model: 'Inspection', predicate: where.status.eq('DRAFT'), expected: ['i1', 'i4'] },
  { name: 'ne enum', model: 'Inspection', predicate: where.status.ne('DRAFT'), expected: ['i2', 'i3', 'i5'] },
  { name: '_deleted eq false does not match null', model: 'Inspection', predicate: where._deleted.eq(false), expected: ['i2'] },
  { name: '_deleted ne true', model: 'Inspection', predicate: where._deleted.ne(true), expected: but('Inspection', 'i3') },
  { name: '_deleted eq null', model: 'Inspection', predicate: where._deleted.eq(null), expected: ['i1', 'i4', 'i5'] },
  { name: 'and [] matches all', model: 'Inspection', predicate: where.and(), expected: all('Inspection') },
  { name: 'or [] matches none', model: 'Inspection', predicate: where.or(), expected: [] },
  { name: 'not or []', model: 'Inspection', predicate: where.not(where.or()), expected: all('Inspection') },
  { name: 'not eq null', model: 'Inspection', predicate: where.not(where.notes.eq(null)), expected: ['i2', 'i4', 'i5'] },
  { name: 'not lt includes nulls', model: 'Inspection', predicate: where.not(where.score.lt(0)), expected: but('Inspection', 'i2') },
  { name: 'not beginsWith includes nulls', model: 'Inspection', predicate: where.not(where.notes.beginsWith('S')), expected: but('Inspection', 'i5') },
  { name: 'not in includes nulls', model: 'Inspection', predicate: where.not(where.score.in([5, 0])), expected: ['i2', 'i3', 'i4'] },
  {
    name: 'nested and/or/not',
    model: 'Inspection',
    predicate: where.or(where.title.eq('Apple'), where.and(where.score.gt(0), where.not(where.title.beginsWith('😀')))),
    expected: ['i1'],
  },
  { name: 'list contains', model: 'Site', predicate: where.tags.contains('a'), expected: ['s1'] },
  { name: 'list contains is case-sensitive', model: 'Site', predicate: where.tags.contains('b'), expected: [] },
  { name: 'list contains is membership, not substring', model: 'Site', predicate: where.tags.contains('O'), expected: [] },
  { name: 'list contains emoji', model: 'Site', predicate: where.tags.contains('😀'), expected: ['s4'] },
  { name: 'list contains %', model: 'Site', predicate: where.tags.contains('%'), expected: ['s1'] },
  { name: 'list notContains', model: 'Site', predicate: where.tags.notContains('a'), expected: ['s2', 's3', 's4', 's5'] },
  { name: 'list eq null', model: 'Site', predicate: where.tags.eq(null), expected: ['s3', 's5'] },
  { name: 'list ne null (empty list is not null)', model: 'Site', predicate: where.tags.ne(null), expected: ['s1', 's2', 's4'] },
  { name: 'list attributeExists', model: 'Site', predicate: where.tags.attributeExists(true), expected: ['s1', 's2', 's4'] },
  { name: 'float list contains 0 (stored -0)', model: 'Observation', predicate: where.measurements.contains(0), expected: ['o1'] },
  { name: 'float list contains integer-valued', model: 'Observation', predicate: where.measurements.contains(2), expected: ['o2'] },
  { name: 'float list contains denormal', model: 'Observation', predicate: where.measurements.contains(5e-324), expected: ['o4'] },
  { name: 'float list contains huge', model: 'Observation', predicate: where.measurements.contains(1e300), expected: ['o1'] },
  { name: 'float list contains -max', model: 'Observation', predicate: where.measurements.contains(-1.7976931348623157e308), expected: ['o4'] },
  { name: 'boolean eq true', model: 'Observation', predicate: where.resolved.eq(true), expected: ['o1'] },
  { name: 'boolean eq false', model: 'Observation', predicate: where.resolved.eq(false), expected: ['o2'] },
  { name: 'boolean ne true', model: 'Observation', predicate: where.resolved.ne(true), expected: ['o2', 'o3', 'o4'] },
  { name: 'boolean in with null', model: 'Observation', predicate: where.resolved.in([true, null]), expected: ['o1', 'o3', 'o4'] },
  { name: 'boolean list contains true', model: 'Reading', predicate: where.flags.contains(true), expected: ['r1'] },
  { name: 'boolean list contains false', model: 'Reading', predicate: where.flags.contains(false), expected: ['r2'] },
  { name: 'int list contains Int min', model: 'Reading', predicate: where.counts.contains(-2147483648), expected: ['r2'] },
  { name: 'enum list contains', model: 'Reading', predicate: where.levels.contains('Mid'), expected: ['r2'] },
  { name: 'AWSTimestamp gt', model: 'Reading', predicate: where.epoch.gt(1_000_000_000_000), expected: ['r1'] },
  { name: 'AWSTimestamp negative', model: 'Reading', predicate: where.epoch.lt(0), expected: ['r2'] },
  { name: 'float lt', model: 'Reading', predicate: where.value.lt(0.1), expected: ['r1'] },
  { name: 'float eq 0.1', model: 'Reading', predicate: where.value.eq(0.1), expected: ['r2'] },
  { name: 'AWSJSON contains its text', model: 'Reading', predicate: where.payload.contains('"a"'), expected: ['r1'] },
  { name: 'AWSDate between', model: 'Reading', predicate: where.day.between('2024-01-01', '2024-12-31'), expected: ['r1'] },
  { name: 'AWSTime gt', model: 'Reading', predicate: where.time.gt('23:59:59'), expected: ['r1'] },
  { name: 'AWSEmail case-sensitive', model: 'Reading', predicate: where.email.eq('a@x.org'), expected: [] },
  { name: 'composite key field', model: 'Reading', predicate: where.takenAt.ge('2024-03-01'), expected: ['r2', 'r3'] },
];

/** The key that names a record in `expected`. */
export function recordKey(record: ModelRecord): string {
  return String(record.id ?? record.deviceId);
}
