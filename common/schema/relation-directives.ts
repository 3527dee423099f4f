// @hasMany, @hasOne and @belongsTo: the relation a field declares, checked against the related
// model's key and indexes (parsed before any relation).
import { directiveArguments, errorAt, intValue, stringListValue, stringValue, type SdlContext } from './sdl-values.js';
import { keyField } from './key-directives.js';
import { RELATION_DIRECTIVES, type DeclaredField, type ModelDraft } from './schema-draft.js';
import type { RelationDef, RelationKind } from './types.js';

/** Sets `field.def.relation` from its relation directive, if it has one; `drafts` by model name. */
export function resolveRelation(ctx: SdlContext, draft: ModelDraft, field: DeclaredField, drafts: ReadonlyMap<string, ModelDraft>): void {
  const directive = (field.node.directives ?? []).find((d) => (RELATION_DIRECTIVES as readonly string[]).includes(d.name.value));
  if (directive === undefined) return;
  const kind = directive.name.value as RelationKind;
  const path = `${draft.name}.${field.def.name}`;
  const related = field.def.type.kind === 'model' ? drafts.get(field.def.type.name) : undefined;
  if (related === undefined) {
    throw errorAt(ctx, directive, `@${kind} on ${path} needs a @model type, but ${field.def.type.name} is not a model`);
  }
  if (kind === 'hasMany' && !field.def.isList) throw errorAt(ctx, field.node.type, `@hasMany field ${path} must be a list: [${related.name}]`);
  if (kind !== 'hasMany' && field.def.isList) throw errorAt(ctx, field.node.type, `@${kind} field ${path} must not be a list`);

  const args = directiveArguments(ctx, directive, kind === 'hasMany' ? ['indexName', 'fields', 'limit'] : ['fields']);
  const fieldsArg = args.get('fields');
  const ownFields = fieldsArg === undefined ? undefined : stringListValue(ctx, fieldsArg.value, `@${kind} fields`);
  const checkOwn = (names: readonly string[]): void => {
    for (const name of names) keyField(ctx, draft, name, directive, `@${kind} on ${path}`);
  };
  let relation: RelationDef;
  if (kind === 'hasMany') {
    const indexArg = args.get('indexName');
    if (indexArg === undefined) {
      throw errorAt(ctx, directive, `@hasMany on ${path} needs indexName: the name of an @index on ${related.name} that holds the ${draft.name} key`);
    }
    const limitArg = args.get('limit');
    if (limitArg !== undefined && intValue(ctx, limitArg.value, '@hasMany limit') < 1) {
      throw errorAt(ctx, limitArg.value, '@hasMany limit must be at least 1');
    }
    const indexName = stringValue(ctx, indexArg.value, '@hasMany indexName');
    const index = related.indexes.find((i) => i.name === indexName);
    if (index === undefined) {
      const known = related.indexes.map((i) => i.name);
      throw errorAt(
        ctx,
        indexArg.value,
        `@hasMany on ${path}: ${related.name} has no @index named "${indexName}" (${known.length === 0 ? 'it has no indexes' : `indexes: ${known.join(', ')}`})`,
      );
    }
    const fields = ownFields ?? draft.primaryKey;
    checkOwn(fields);
    if (fields.length === 0 || fields.length > index.fields.length) {
      throw errorAt(
        ctx,
        fieldsArg ?? directive,
        `@hasMany on ${path}: ${fields.length} field(s) cannot match index "${indexName}" on ${related.name} (${index.fields.join(', ')})`,
      );
    }
    relation = { kind, relatedModel: related.name, fields, indexName, associatedWith: index.fields.slice(0, fields.length) };
  } else {
    if (ownFields === undefined) {
      throw errorAt(
        ctx,
        directive,
        `@${kind} on ${path} needs fields: the foreign-key field(s) on ${draft.name} holding the ${related.name} key (${related.primaryKey.join(', ')})`,
      );
    }
    checkOwn(ownFields);
    if (ownFields.length !== related.primaryKey.length) {
      throw errorAt(
        ctx,
        fieldsArg,
        `@${kind} on ${path}: ${ownFields.length} field(s) given, but the ${related.name} key has ${related.primaryKey.length} (${related.primaryKey.join(', ')})`,
      );
    }
    relation = { kind, relatedModel: related.name, fields: ownFields, associatedWith: [...related.primaryKey] };
  }
  field.def.relation = relation;
}
