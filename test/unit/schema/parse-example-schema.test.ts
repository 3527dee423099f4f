// The example app's schema (schema/schema.graphql) parsed in full: the metadata every other part
// of Outpost is built from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { FieldDef } from '../../../common/schema/types.js';

const sdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
const schema = parseSchema(sdl, 'schema/schema.graphql');

function field(name: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef {
  return { name, type, isList: false, isRequired: false, isListItemRequired: false, isReadOnly: false, isImplicit: false, ...extra };
}
const ID = { kind: 'scalar', name: 'ID' } as const;
const implicitTail = [
  field('createdAt', { kind: 'scalar', name: 'AWSDateTime' }, { isReadOnly: true, isImplicit: true }),
  field('updatedAt', { kind: 'scalar', name: 'AWSDateTime' }, { isReadOnly: true, isImplicit: true }),
  field('owner', { kind: 'scalar', name: 'String' }, { isImplicit: true }),
];
const ownerRule = {
  allow: 'owner',
  provider: 'userPools',
  ownerField: 'owner',
  identityClaim: 'sub::username',
  operations: ['create', 'update', 'delete', 'read'],
} as const;

test('Inspection: fields, implicit fields, key, index, relations, auth, plural', () => {
  assert.deepEqual(schema.models.Inspection, {
    name: 'Inspection',
    pluralName: 'Inspections',
    fields: [
      field('id', ID, { isRequired: true }),
      field('siteID', ID, { isRequired: true }),
      field(
        'site',
        { kind: 'model', name: 'Site' },
        {
          relation: { kind: 'belongsTo', relatedModel: 'Site', fields: ['siteID'], associatedWith: ['id'] },
        },
      ),
      field('title', { kind: 'scalar', name: 'String' }, { isRequired: true }),
      field('status', { kind: 'enum', name: 'InspectionStatus' }, { isRequired: true }),
      field('score', { kind: 'scalar', name: 'Int' }),
      field('notes', { kind: 'scalar', name: 'String' }),
      field('inspectedAt', { kind: 'scalar', name: 'AWSDateTime' }),
      field('attachments', { kind: 'embedded', name: 'Attachment' }, { isList: true }),
      field(
        'observations',
        { kind: 'model', name: 'Observation' },
        {
          isList: true,
          relation: { kind: 'hasMany', relatedModel: 'Observation', fields: ['id'], indexName: 'byInspection', associatedWith: ['inspectionID'] },
        },
      ),
      ...implicitTail,
    ],
    primaryKey: ['id'],
    indexes: [{ name: 'bySite', fields: ['siteID', 'inspectedAt'] }],
    auth: [ownerRule],
    timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
    subscriptions: { level: 'on' },
  });
});

test('Site: embedded GeoPoint, list of strings, hasMany through the bySite index', () => {
  const site = schema.models.Site;
  assert.equal(site.pluralName, 'Sites');
  assert.deepEqual(
    site.fields.find((f) => f.name === 'location'),
    field('location', { kind: 'embedded', name: 'GeoPoint' }),
  );
  assert.deepEqual(
    site.fields.find((f) => f.name === 'tags'),
    field('tags', { kind: 'scalar', name: 'String' }, { isList: true }),
  );
  assert.deepEqual(site.fields.find((f) => f.name === 'inspections')?.relation, {
    kind: 'hasMany',
    relatedModel: 'Inspection',
    fields: ['id'],
    indexName: 'bySite',
    associatedWith: ['siteID'],
  });
  assert.deepEqual(site.indexes, []);
  assert.deepEqual(site.fields.slice(-3), implicitTail);
});

test('Observation: index without sort key, list of floats, AWSURL, belongsTo Inspection', () => {
  const observation = schema.models.Observation;
  assert.equal(observation.pluralName, 'Observations');
  assert.deepEqual(observation.indexes, [{ name: 'byInspection', fields: ['inspectionID'] }]);
  assert.deepEqual(
    observation.fields.map((f) => f.name),
    [
      'id',
      'inspectionID',
      'inspection',
      'category',
      'severity',
      'description',
      'measurements',
      'resolved',
      'photoUrl',
      'photos',
      'createdAt',
      'updatedAt',
      'owner',
    ],
  );
  assert.deepEqual(
    observation.fields.find((f) => f.name === 'measurements'),
    field('measurements', { kind: 'scalar', name: 'Float' }, { isList: true }),
  );
  assert.deepEqual(observation.fields.find((f) => f.name === 'photoUrl')?.type, { kind: 'scalar', name: 'AWSURL' });
  assert.deepEqual(observation.fields.find((f) => f.name === 'inspection')?.relation, {
    kind: 'belongsTo',
    relatedModel: 'Inspection',
    fields: ['inspectionID'],
    associatedWith: ['id'],
  });
});

test('enums, embedded types, model order parents first', () => {
  assert.deepEqual(schema.enums, {
    InspectionStatus: { name: 'InspectionStatus', values: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'] },
    Severity: { name: 'Severity', values: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] },
  });
  assert.deepEqual(schema.embeddedTypes, {
    GeoPoint: {
      name: 'GeoPoint',
      fields: [
        field('latitude', { kind: 'scalar', name: 'Float' }, { isRequired: true }),
        field('longitude', { kind: 'scalar', name: 'Float' }, { isRequired: true }),
        field('accuracyMeters', { kind: 'scalar', name: 'Float' }),
      ],
    },
    Attachment: {
      name: 'Attachment',
      fields: [
        field('key', { kind: 'scalar', name: 'String' }, { isRequired: true }),
        field('contentType', { kind: 'scalar', name: 'String' }, { isRequired: true }),
        field('size', { kind: 'scalar', name: 'Int' }, { isRequired: true }),
        field('sha256', { kind: 'scalar', name: 'String' }, { isRequired: true }),
        field('name', { kind: 'scalar', name: 'String' }),
      ],
    },
  });
  assert.deepEqual(schema.modelOrder, ['Site', 'Inspection', 'Observation']);
  assert.deepEqual(Object.keys(schema.models), ['Site', 'Inspection', 'Observation']);
});

test('the parsed schema is plain JSON data', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
});

test('version: stable across parses and layout, changes with the model', () => {
  assert.match(schema.version, /^[0-9a-f]{32}$/);
  assert.equal(parseSchema(sdl).version, schema.version);
  const relaidOut = sdl.replace(/\n/g, '\n\n  ').replace(/ {2,}/g, ' ') + '\n# a comment\n';
  assert.equal(parseSchema(relaidOut).version, schema.version);
  assert.notEqual(parseSchema(sdl.replace('notes: String', 'notes: String!')).version, schema.version);
  assert.notEqual(parseSchema(sdl.replace('CRITICAL', 'CRITICAL EXTREME')).version, schema.version);
  assert.notEqual(parseSchema(sdl.replace('resolved: Boolean', 'resolved: Boolean\n  priority: Int')).version, schema.version);
});
