// The PROTOCOL.md §1.1 running example (Post, Comment, PostStatus) as a parsed Schema, written out
// by hand so the SDL generator is checked against AppSync's snapshot independently of the parser.
import type { FieldDef, ModelDef, Schema } from '../../../common/schema/types.js';

function field(name: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef {
  return { name, type, isList: false, isRequired: false, isListItemRequired: false, isReadOnly: false, isImplicit: false, ...extra };
}

const timestamps = [
  field('createdAt', { kind: 'scalar', name: 'AWSDateTime' }, { isReadOnly: true, isImplicit: true }),
  field('updatedAt', { kind: 'scalar', name: 'AWSDateTime' }, { isReadOnly: true, isImplicit: true }),
];
const owner = field('owner', { kind: 'scalar', name: 'String' }, { isImplicit: true });
const allOps = ['create', 'update', 'delete', 'read'] as const;

const post: ModelDef = {
  name: 'Post',
  pluralName: 'Posts',
  fields: [
    field('id', { kind: 'scalar', name: 'ID' }, { isRequired: true }),
    field('title', { kind: 'scalar', name: 'String' }, { isRequired: true }),
    field('rating', { kind: 'scalar', name: 'Int' }),
    field('tags', { kind: 'scalar', name: 'String' }, { isList: true }),
    field('status', { kind: 'enum', name: 'PostStatus' }),
    field(
      'comments',
      { kind: 'model', name: 'Comment' },
      {
        isList: true,
        relation: { kind: 'hasMany', relatedModel: 'Comment', fields: ['id'], indexName: 'byPost', associatedWith: ['postID'] },
      },
    ),
    ...timestamps,
    owner,
  ],
  primaryKey: ['id'],
  indexes: [],
  auth: [
    { allow: 'owner', operations: allOps },
    { allow: 'public', operations: ['read'] },
  ],
  timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
};

const comment: ModelDef = {
  name: 'Comment',
  pluralName: 'Comments',
  fields: [
    field('id', { kind: 'scalar', name: 'ID' }, { isRequired: true }),
    field('postID', { kind: 'scalar', name: 'ID' }, { isRequired: true }),
    field('content', { kind: 'scalar', name: 'String' }),
    field(
      'post',
      { kind: 'model', name: 'Post' },
      {
        relation: { kind: 'belongsTo', relatedModel: 'Post', fields: ['postID'], associatedWith: [] },
      },
    ),
    ...timestamps,
    owner,
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'byPost', fields: ['postID'] }],
  auth: [{ allow: 'owner', operations: allOps }],
  timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
};

/** PROTOCOL.md §1.1 as a parsed schema. */
export const postSchema: Schema = {
  models: { Post: post, Comment: comment },
  enums: { PostStatus: { name: 'PostStatus', values: ['ACTIVE', 'INACTIVE'] } },
  embeddedTypes: {},
  modelOrder: ['Post', 'Comment'],
  version: 'fixture-1',
};
