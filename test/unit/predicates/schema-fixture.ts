// Parsed schemas for the predicate tests, written out by hand from common/schema/types.ts: the
// example app's schema (schema/schema.graphql, implicit fields appended as the parser does) and a
// second schema whose `Reading` model holds every scalar type, list kind and a composite key.
import type { FieldDef, FieldType, ModelDef, Schema, ScalarTypeName } from '../../../common/schema/types.js';

interface FieldOptions {
  list?: boolean;
  required?: boolean;
  implicit?: boolean;
  relation?: FieldDef['relation'];
}

function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  return {
    name,
    type,
    isList: options.list ?? false,
    isRequired: options.required ?? false,
    isListItemRequired: false,
    isReadOnly: options.implicit === true && name !== 'owner',
    isImplicit: options.implicit ?? false,
    ...(options.relation ? { relation: options.relation } : {}),
  };
}
const scalar = (name: ScalarTypeName): FieldType => ({ kind: 'scalar', name });
const enumType = (name: string): FieldType => ({ kind: 'enum', name });

const implicitFields = [
  field('createdAt', scalar('AWSDateTime'), { required: true, implicit: true }),
  field('updatedAt', scalar('AWSDateTime'), { required: true, implicit: true }),
  field('owner', scalar('String'), { implicit: true }),
];

function model(name: string, pluralName: string, fields: FieldDef[], primaryKey: string[] = ['id']): ModelDef {
  return {
    name,
    pluralName,
    fields: [...fields, ...implicitFields],
    primaryKey,
    indexes: [],
    auth: [{ allow: 'owner', ownerField: 'owner', identityClaim: 'sub::username', operations: ['create', 'update', 'delete', 'read'] }],
    timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
  };
}

const Site = model('Site', 'Sites', [
  field('id', scalar('ID'), { required: true }),
  field('name', scalar('String'), { required: true }),
  field('code', scalar('String')),
  field('location', { kind: 'embedded', name: 'GeoPoint' }),
  field('tags', scalar('String'), { list: true }),
  field('inspections', { kind: 'model', name: 'Inspection' }, {
    list: true,
    relation: { kind: 'hasMany', relatedModel: 'Inspection', fields: ['id'], indexName: 'bySite', associatedWith: ['siteID'] },
  }),
]);

const Inspection = model('Inspection', 'Inspections', [
  field('id', scalar('ID'), { required: true }),
  field('siteID', scalar('ID'), { required: true }),
  field('site', { kind: 'model', name: 'Site' }, {
    relation: { kind: 'belongsTo', relatedModel: 'Site', fields: ['siteID'], associatedWith: ['id'] },
  }),
  field('title', scalar('String'), { required: true }),
  field('status', enumType('InspectionStatus'), { required: true }),
  field('score', scalar('Int')),
  field('notes', scalar('String')),
  field('inspectedAt', scalar('AWSDateTime')),
  field('observations', { kind: 'model', name: 'Observation' }, {
    list: true,
    relation: { kind: 'hasMany', relatedModel: 'Observation', fields: ['id'], indexName: 'byInspection', associatedWith: ['inspectionID'] },
  }),
]);

const Observation = model('Observation', 'Observations', [
  field('id', scalar('ID'), { required: true }),
  field('inspectionID', scalar('ID'), { required: true }),
  field('inspection', { kind: 'model', name: 'Inspection' }, {
    relation: { kind: 'belongsTo', relatedModel: 'Inspection', fields: ['inspectionID'], associatedWith: ['id'] },
  }),
  field('category', scalar('String'), { required: true }),
  field('severity', enumType('Severity'), { required: true }),
  field('description', scalar('String')),
  field('measurements', scalar('Float'), { list: true }),
  field('resolved', scalar('Boolean')),
  field('photoUrl', scalar('AWSURL')),
]);

/** schema/schema.graphql as the parser yields it. */
export const exampleSchema: Schema = {
  models: { Site, Inspection, Observation },
  enums: {
    InspectionStatus: { name: 'InspectionStatus', values: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'] },
    Severity: { name: 'Severity', values: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] },
  },
  embeddedTypes: {
    GeoPoint: {
      name: 'GeoPoint',
      fields: [
        field('latitude', scalar('Float'), { required: true }),
        field('longitude', scalar('Float'), { required: true }),
        field('accuracyMeters', scalar('Float')),
      ],
    },
  },
  modelOrder: ['Site', 'Inspection', 'Observation'],
  version: 'fixture-example',
};

const Reading = model(
  'Reading',
  'Readings',
  [
    field('deviceId', scalar('ID'), { required: true }),
    field('takenAt', scalar('AWSDateTime'), { required: true }),
    field('label', scalar('String')),
    field('count', scalar('Int')),
    field('value', scalar('Float')),
    field('ok', scalar('Boolean')),
    field('day', scalar('AWSDate')),
    field('time', scalar('AWSTime')),
    field('epoch', scalar('AWSTimestamp')),
    field('email', scalar('AWSEmail')),
    field('payload', scalar('AWSJSON')),
    field('url', scalar('AWSURL')),
    field('phone', scalar('AWSPhone')),
    field('ip', scalar('AWSIPAddress')),
    field('level', enumType('Level')),
    field('counts', scalar('Int'), { list: true }),
    field('flags', scalar('Boolean'), { list: true }),
    field('levels', enumType('Level'), { list: true }),
    field('days', scalar('AWSDate'), { list: true }),
  ],
  ['deviceId', 'takenAt'],
);

/** A second schema: one model with every scalar type, list kinds and a composite primary key. */
export const readingSchema: Schema = {
  models: { Reading },
  enums: { Level: { name: 'Level', values: ['low', 'Mid', 'HIGH_2'] } },
  embeddedTypes: {},
  modelOrder: ['Reading'],
  version: 'fixture-reading',
};
