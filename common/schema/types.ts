// The parsed form of an Amplify-style `schema.graphql`: the one description of the data model
// that client tables, server tables, the GraphQL API, forms and codegen are all derived from.
// Plain data (JSON-serialisable) so it can cross IPC and be snapshotted in tests.

/** AppSync scalars a field may have. */
export const SCALAR_TYPES = [
  'ID',
  'String',
  'Int',
  'Float',
  'Boolean',
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;
export type ScalarTypeName = (typeof SCALAR_TYPES)[number];

/** What a field holds: a scalar, an enum member, an embedded (non-model) object, or a related model. */
export type FieldType =
  | { readonly kind: 'scalar'; readonly name: ScalarTypeName }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'embedded'; readonly name: string }
  | { readonly kind: 'model'; readonly name: string };

export type RelationKind = 'hasMany' | 'hasOne' | 'belongsTo';

/** A relational field (`@hasMany`, `@hasOne`, `@belongsTo`); never stored as a column. */
export interface RelationDef {
  readonly kind: RelationKind;
  readonly relatedModel: string;
  /** belongsTo/hasOne: the foreign-key field(s) on this model; hasMany: this model's key field(s). */
  readonly fields: readonly string[];
  /** hasMany/hasOne through an index: the related model's index name. */
  readonly indexName?: string;
  /** hasMany/hasOne: the related model's field(s) that point back at this model. */
  readonly associatedWith: readonly string[];
}

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly isList: boolean;
  /** `Type!` — the value (the list itself, for lists) may not be null. */
  readonly isRequired: boolean;
  /** `[Type!]` — list elements may not be null. */
  readonly isListItemRequired: boolean;
  /** Set by the server, never sent by clients (`createdAt`, `updatedAt`). */
  readonly isReadOnly: boolean;
  /** Added by a directive rather than declared (`createdAt`, `updatedAt`, an owner field). */
  readonly isImplicit: boolean;
  readonly relation?: RelationDef;
}

/** `@index(name, sortKeyFields, queryField)` on a field; `fields` = [partition key, ...sort keys]. */
export interface IndexDef {
  readonly name: string;
  readonly fields: readonly string[];
  readonly queryField?: string;
}

export type AuthStrategy = 'owner' | 'groups' | 'private' | 'public' | 'custom';
export type AuthOperation = 'create' | 'update' | 'delete' | 'read' | 'get' | 'list' | 'sync' | 'listen' | 'search';
export type AuthProvider = 'apiKey' | 'iam' | 'oidc' | 'userPools' | 'function';

export interface AuthRule {
  readonly allow: AuthStrategy;
  readonly provider?: AuthProvider;
  /** Owner rules: the field holding the owner (default `owner`). */
  readonly ownerField?: string;
  /** Owner rules: the token claim identifying the caller (default `sub::username`). */
  readonly identityClaim?: string;
  /** Group rules: static group names. */
  readonly groups?: readonly string[];
  /** Group rules: field holding dynamic group names. */
  readonly groupsField?: string;
  readonly groupClaim?: string;
  /** Operations the rule grants; defaults to all of create, update, delete, read. */
  readonly operations: readonly AuthOperation[];
}

export interface ModelDef {
  readonly name: string;
  readonly pluralName: string;
  /** Fields in declaration order, implicit ones (timestamps, owner) appended. */
  readonly fields: readonly FieldDef[];
  /** Primary key field names (`id` unless `@primaryKey` says otherwise). */
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexDef[];
  readonly auth: readonly AuthRule[];
  /** Names of the implicit timestamp fields, or null when disabled via `@model(timestamps: …)`. */
  readonly timestamps: { readonly createdAt: string | null; readonly updatedAt: string | null };
  /** `@model(subscriptions: …)`; always set by `parseSchema` (default `{ level: 'on' }`). */
  readonly subscriptions?: ModelSubscriptionsDef;
}

/** `@model(subscriptions:)`: `off` (or `subscriptions: null`) = none; `public` = no auth checks; names override `onCreateX` etc. */
export interface ModelSubscriptionsDef {
  readonly level: 'on' | 'off' | 'public';
  readonly onCreate?: readonly string[];
  readonly onUpdate?: readonly string[];
  readonly onDelete?: readonly string[];
}

export interface EnumDef {
  readonly name: string;
  readonly values: readonly string[];
}

/** A non-model object type, stored embedded in its parent (JSON). */
export interface EmbeddedTypeDef {
  readonly name: string;
  readonly fields: readonly FieldDef[];
}

export interface Schema {
  readonly models: Readonly<Record<string, ModelDef>>;
  readonly enums: Readonly<Record<string, EnumDef>>;
  readonly embeddedTypes: Readonly<Record<string, EmbeddedTypeDef>>;
  /** Model names parents first (a model comes after every model it `@belongsTo`). */
  readonly modelOrder: readonly string[];
  /** Stable hash of the normalised schema; changes whenever the model changes. */
  readonly version: string;
}

/** Metadata every synced record carries (PROTOCOL.md §1.2). */
export interface SyncMetadata {
  _version: number;
  _lastChangedAt: number;
  _deleted: boolean | null;
}

/** The metadata field names, in the order AppSync selects them. */
export const METADATA_FIELDS = ['_version', '_lastChangedAt', '_deleted'] as const;

/** A record as stored and sent: field name → value (lists as arrays, embedded types as objects). */
export type ModelRecord = Record<string, unknown>;
