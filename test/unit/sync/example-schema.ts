// A hand-built parsed schema equal in shape to schema/schema.graphql (Site → Inspection →
// Observation, GeoPoint embedded, owner rules), so the pure sync functions are tested without
// depending on the parser.
import type { AuthRule, FieldDef, FieldType, ModelDef, Schema } from '../../../common/schema/types.js';

function field(name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  return { name, type, isList: false, isRequired: false, isListItemRequired: false, isReadOnly: false, isImplicit: false, ...extra };
}
const scalar = (name: FieldType['name']) => ({ kind: 'scalar', name }) as FieldType;
const ownerRule: AuthRule = {
  allow: 'owner',
  provider: 'userPools',
  ownerField: 'owner',
  identityClaim: 'sub::username',
  operations: ['create', 'update', 'delete', 'read'],
};
const implicit = [
  field('createdAt', scalar('AWSDateTime'), { isRequired: true, isReadOnly: true, isImplicit: true }),
  field('updatedAt', scalar('AWSDateTime'), { isRequired: true, isReadOnly: true, isImplicit: true }),
  field('owner', scalar('String'), { isImplicit: true }),
];

function model(name: string, pluralName: string, fields: FieldDef[]): ModelDef {
  return {
    name,
    pluralName,
    fields: [...fields, ...implicit],
    primaryKey: ['id'],
    indexes: [],
    auth: [ownerRule],
    timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
  };
}

/** Site / Inspection / Observation as in schema/schema.graphql. */
export const exampleSchema: Schema = {
  models: {
    Site: model('Site', 'Sites', [
      field('id', scalar('ID'), { isRequired: true }),
      field('name', scalar('String'), { isRequired: true }),
      field('code', scalar('String')),
      field('location', { kind: 'embedded', name: 'GeoPoint' }),
      field('tags', scalar('String'), { isList: true }),
      field(
        'inspections',
        { kind: 'model', name: 'Inspection' },
        {
          isList: true,
          relation: { kind: 'hasMany', relatedModel: 'Inspection', fields: ['id'], indexName: 'bySite', associatedWith: ['siteID'] },
        },
      ),
    ]),
    Inspection: model('Inspection', 'Inspections', [
      field('id', scalar('ID'), { isRequired: true }),
      field('siteID', scalar('ID'), { isRequired: true }),
      field(
        'site',
        { kind: 'model', name: 'Site' },
        {
          relation: { kind: 'belongsTo', relatedModel: 'Site', fields: ['siteID'], associatedWith: [] },
        },
      ),
      field('title', scalar('String'), { isRequired: true }),
      field('status', { kind: 'enum', name: 'InspectionStatus' }, { isRequired: true }),
      field('score', scalar('Int')),
      field('notes', scalar('String')),
      field('inspectedAt', scalar('AWSDateTime')),
    ]),
    Observation: model('Observation', 'Observations', [
      field('id', scalar('ID'), { isRequired: true }),
      field('inspectionID', scalar('ID'), { isRequired: true }),
      field(
        'inspection',
        { kind: 'model', name: 'Inspection' },
        {
          relation: { kind: 'belongsTo', relatedModel: 'Inspection', fields: ['inspectionID'], associatedWith: [] },
        },
      ),
      field('category', scalar('String'), { isRequired: true }),
      field('severity', { kind: 'enum', name: 'Severity' }, { isRequired: true }),
      field('measurements', scalar('Float'), { isList: true }),
    ]),
  },
  enums: {
    InspectionStatus: { name: 'InspectionStatus', values: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'] },
    Severity: { name: 'Severity', values: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] },
  },
  embeddedTypes: {
    GeoPoint: {
      name: 'GeoPoint',
      fields: [
        field('latitude', scalar('Float'), { isRequired: true }),
        field('longitude', scalar('Float'), { isRequired: true }),
        field('accuracyMeters', scalar('Float')),
      ],
    },
  },
  modelOrder: ['Site', 'Inspection', 'Observation'],
  version: 'test',
};
