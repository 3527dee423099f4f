// The inputs every generated API declares once (Model<Scalar>Input, the subscription variants,
// ModelSortDirection, …) and which of them filters a field, as AppSync's transformer emits them.
import { SCALAR_TYPES, type FieldDef, type ScalarTypeName } from '../../common/schema/types.js';

/** AWS scalars: built into AppSync, declared here so the SDL stands alone. */
export const AWS_SCALARS = SCALAR_TYPES.filter((s) => s.startsWith('AWS'));

const SCALAR_FILTER_INPUT: Record<ScalarTypeName, string> = {
  ID: 'ModelIDInput',
  String: 'ModelStringInput',
  Int: 'ModelIntInput',
  Float: 'ModelFloatInput',
  Boolean: 'ModelBooleanInput',
  AWSDate: 'ModelStringInput',
  AWSTime: 'ModelStringInput',
  AWSDateTime: 'ModelStringInput',
  AWSTimestamp: 'ModelIntInput',
  AWSEmail: 'ModelStringInput',
  AWSJSON: 'ModelStringInput',
  AWSURL: 'ModelStringInput',
  AWSPhone: 'ModelStringInput',
  AWSIPAddress: 'ModelStringInput',
};

const SCALAR_SUBSCRIPTION_INPUT: Record<ScalarTypeName, string> = {
  ID: 'ModelSubscriptionIDInput',
  String: 'ModelSubscriptionStringInput',
  Int: 'ModelSubscriptionIntInput',
  Float: 'ModelSubscriptionFloatInput',
  Boolean: 'ModelSubscriptionBooleanInput',
  AWSDate: 'ModelSubscriptionStringInput',
  AWSTime: 'ModelSubscriptionStringInput',
  AWSDateTime: 'ModelSubscriptionStringInput',
  AWSTimestamp: 'ModelSubscriptionIntInput',
  AWSEmail: 'ModelSubscriptionStringInput',
  AWSJSON: 'ModelSubscriptionStringInput',
  AWSURL: 'ModelSubscriptionStringInput',
  AWSPhone: 'ModelSubscriptionStringInput',
  AWSIPAddress: 'ModelSubscriptionStringInput',
};

/** Comparison inputs shared by every model, and the sort direction. */
export const SHARED_INPUTS = `input ModelStringInput {
  ne: String
  eq: String
  le: String
  lt: String
  ge: String
  gt: String
  contains: String
  notContains: String
  between: [String]
  beginsWith: String
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
  size: ModelSizeInput
}

input ModelIntInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelFloatInput {
  ne: Float
  eq: Float
  le: Float
  lt: Float
  ge: Float
  gt: Float
  between: [Float]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelBooleanInput {
  ne: Boolean
  eq: Boolean
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelIDInput {
  ne: ID
  eq: ID
  le: ID
  lt: ID
  ge: ID
  gt: ID
  contains: ID
  notContains: ID
  between: [ID]
  beginsWith: ID
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
  size: ModelSizeInput
}

input ModelSubscriptionStringInput {
  ne: String
  eq: String
  le: String
  lt: String
  ge: String
  gt: String
  contains: String
  notContains: String
  between: [String]
  beginsWith: String
  in: [String]
  notIn: [String]
}

input ModelSubscriptionIntInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
  in: [Int]
  notIn: [Int]
}

input ModelSubscriptionFloatInput {
  ne: Float
  eq: Float
  le: Float
  lt: Float
  ge: Float
  gt: Float
  between: [Float]
  in: [Float]
  notIn: [Float]
}

input ModelSubscriptionBooleanInput {
  ne: Boolean
  eq: Boolean
}

input ModelSubscriptionIDInput {
  ne: ID
  eq: ID
  le: ID
  lt: ID
  ge: ID
  gt: ID
  contains: ID
  notContains: ID
  between: [ID]
  beginsWith: ID
  in: [ID]
  notIn: [ID]
}

enum ModelAttributeTypes {
  binary
  binarySet
  bool
  list
  map
  number
  numberSet
  string
  stringSet
  _null
}

input ModelSizeInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
}

enum ModelSortDirection {
  ASC
  DESC
}`;

/** The filter (or subscription-filter) input of a field, or undefined when it cannot be filtered on. */
export function filterInputFor(schemaField: FieldDef, flavour: 'filter' | 'subscription'): string | undefined {
  const t = schemaField.type;
  if (t.kind === 'scalar') {
    return flavour === 'filter' ? SCALAR_FILTER_INPUT[t.name] : SCALAR_SUBSCRIPTION_INPUT[t.name];
  }
  if (t.kind === 'enum') {
    if (flavour === 'subscription') return 'ModelSubscriptionStringInput';
    return schemaField.isList ? `Model${t.name}ListInput` : `Model${t.name}Input`;
  }
  // Embedded objects and relations cannot be filtered on, as in AppSync.
  return undefined;
}
