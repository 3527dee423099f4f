// Builds the object Amplify's codegen writes to `models/schema.js` (the input of DataStore's
// `initSchema`) from our parsed Schema, so the official DataStore client can be pointed at the
// Outpost server for any schema without running the Amplify CLI. The shape follows amplify-codegen's
// DataStore output: implicit owner fields are left out (DataStore adds `owner` to its selection set
// from the auth rules), timestamps are read-only, relations carry `association`, indexes are `key`
// attributes.
import type { ModelAttribute, ModelAuthRule, ModelField, Schema as DataStoreSchema, SchemaModel, SchemaNonModel } from '@aws-amplify/datastore';
import { DEFAULT_IDENTITY_CLAIM } from '../../../common/schema/auth-rules.js';
import type { AuthRule, AuthStrategy, FieldDef, ModelDef, Schema } from '../../../common/schema/types.js';

/** The codegen version DataStore is told about; it only records it. */
const CODEGEN_VERSION = '3.4.4';

/** Amplify's codegen fills in these providers when a rule names none. */
const DEFAULT_PROVIDER: Readonly<Record<AuthStrategy, string>> = {
  owner: 'userPools',
  groups: 'userPools',
  private: 'userPools',
  public: 'apiKey',
  custom: 'function',
};

function fieldType(field: FieldDef): ModelField['type'] {
  switch (field.type.kind) {
    case 'scalar':
      return field.type.name;
    case 'enum':
      return { enum: field.type.name };
    case 'embedded':
      return { nonModel: field.type.name };
    case 'model':
      return { model: field.type.name };
  }
}

function association(field: FieldDef): Pick<ModelField, 'association'> {
  const relation = field.relation;
  if (relation === undefined) return {};
  switch (relation.kind) {
    case 'belongsTo':
      return { association: { connectionType: 'BELONGS_TO', targetNames: [...relation.fields] } };
    case 'hasOne':
      return { association: { connectionType: 'HAS_ONE', associatedWith: [...relation.associatedWith], targetNames: [...relation.fields] } };
    case 'hasMany':
      return { association: { connectionType: 'HAS_MANY', associatedWith: [...relation.associatedWith] } };
  }
}

function modelField(field: FieldDef): ModelField {
  return {
    name: field.name,
    isArray: field.isList,
    type: fieldType(field),
    isRequired: field.isRequired,
    attributes: [],
    ...(field.isList ? { isArrayNullable: !field.isRequired } : {}),
    ...(field.isReadOnly ? { isReadOnly: true } : {}),
    ...association(field),
  };
}

function authRule(rule: AuthRule): ModelAuthRule {
  const out: ModelAuthRule = {
    allow: rule.allow,
    provider: rule.provider ?? DEFAULT_PROVIDER[rule.allow],
    operations: [...rule.operations],
  };
  if (rule.allow === 'owner') {
    out.ownerField = rule.ownerField ?? 'owner';
    // Codegen writes `cognito:username` for the transformer's default claim: DataStore reads the
    // subscription's owner argument from that ID-token claim (a `sub::username` claim does not exist).
    const claim = rule.identityClaim ?? DEFAULT_IDENTITY_CLAIM;
    out.identityClaim = claim === DEFAULT_IDENTITY_CLAIM ? 'cognito:username' : claim;
  }
  if (rule.allow === 'groups') {
    if (rule.groups !== undefined) out.groups = [...rule.groups];
    if (rule.groupsField !== undefined) out.groupsField = rule.groupsField;
    out.groupClaim = rule.groupClaim ?? 'cognito:groups';
  }
  return out;
}

function modelAttributes(model: ModelDef): ModelAttribute[] {
  const attributes: ModelAttribute[] = [{ type: 'model', properties: model.subscriptions?.level === 'public' ? { subscriptions: { level: 'public' } } : {} }];
  if (model.primaryKey.length !== 1 || model.primaryKey[0] !== 'id') {
    attributes.push({ type: 'key', properties: { fields: [...model.primaryKey] } });
  }
  for (const index of model.indexes) {
    attributes.push({
      type: 'key',
      properties: { name: index.name, fields: [...index.fields], ...(index.queryField !== undefined ? { queryField: index.queryField } : {}) },
    });
  }
  if (model.auth.length > 0) attributes.push({ type: 'auth', properties: { rules: model.auth.map(authRule) } });
  return attributes;
}

function ownerFieldSet(model: ModelDef): Set<string> {
  return new Set(model.auth.filter((r) => r.allow === 'owner').map((r) => r.ownerField ?? 'owner'));
}

function schemaModel(model: ModelDef): SchemaModel {
  const owners = ownerFieldSet(model);
  const fields: Record<string, ModelField> = {};
  for (const field of model.fields) {
    // An implicit owner field is not part of codegen's model: the server fills it in.
    if (field.isImplicit && owners.has(field.name)) continue;
    fields[field.name] = modelField(field);
  }
  return { name: model.name, pluralName: model.pluralName, fields, syncable: true, attributes: modelAttributes(model) };
}

/** DataStore's `initSchema` input (codegen's `schema.js`) for a parsed schema; `version` is the schema's own hash. */
export function toAmplifyModelIntrospection(schema: Schema): DataStoreSchema {
  const models: Record<string, SchemaModel> = {};
  for (const name of schema.modelOrder) {
    const model = schema.models[name];
    if (model !== undefined) models[name] = schemaModel(model);
  }
  const enums: DataStoreSchema['enums'] = {};
  for (const e of Object.values(schema.enums)) enums[e.name] = { name: e.name, values: [...e.values] };
  const nonModels: Record<string, SchemaNonModel> = {};
  for (const t of Object.values(schema.embeddedTypes)) {
    const fields: Record<string, ModelField> = {};
    for (const field of t.fields) fields[field.name] = modelField(field);
    nonModels[t.name] = { name: t.name, fields };
  }
  return { models, enums, nonModels, version: schema.version, codegenVersion: CODEGEN_VERSION };
}
