// @primaryKey and @index of a model: which declared fields form its key and its secondary indexes.
import type { DirectiveNode, FieldDefinitionNode } from 'graphql';
import { draftField, fieldDirectives, type DeclaredField, type ModelDraft } from './schema-draft.js';
import { directiveArguments, errorAt, stringListValue, stringValue, type SdlContext } from './sdl-values.js';
import type { IndexDef } from './types.js';

// A key or index part must be a single scalar or enum value that exists on the model.
export function keyField(ctx: SdlContext, draft: ModelDraft, name: string, at: DirectiveNode | FieldDefinitionNode, role: string): DeclaredField {
  const field = draftField(draft, name);
  if (field === undefined) {
    const known = draft.fields.filter((f) => f.def.type.kind !== 'model').map((f) => f.def.name);
    throw errorAt(ctx, at, `${role} names field "${name}", which ${draft.name} does not have (fields: ${known.join(', ')})`);
  }
  if (field.def.isList || (field.def.type.kind !== 'scalar' && field.def.type.kind !== 'enum')) {
    throw errorAt(ctx, at, `${role} field ${draft.name}.${name} must be a single scalar or enum value`);
  }
  return field;
}

/** The primary key of `draft`: its @primaryKey field and sort keys, else `id` (which must be `ID!`). */
export function parsePrimaryKey(ctx: SdlContext, draft: ModelDraft): string[] {
  const marked = draft.fields.flatMap((field) => fieldDirectives(field, 'primaryKey').map((directive) => ({ field, directive })));
  if (marked.length > 1) throw errorAt(ctx, marked[1].directive, `${draft.name} has more than one @primaryKey`);
  const first = marked[0];
  if (first === undefined) {
    const id = draftField(draft, 'id');
    const ok = id !== undefined && id.def.type.kind === 'scalar' && id.def.type.name === 'ID' && id.def.isRequired && !id.def.isList;
    if (!ok) {
      throw errorAt(ctx, id?.node.type ?? draft.node.name, `model ${draft.name} needs an "id: ID!" field (or a @primaryKey on another field)`);
    }
    return ['id'];
  }
  const args = directiveArguments(ctx, first.directive, ['sortKeyFields']);
  const sortArg = args.get('sortKeyFields');
  const sortKeys = sortArg === undefined ? [] : stringListValue(ctx, sortArg.value, 'sortKeyFields');
  const key = [first.field.def.name, ...sortKeys];
  for (const name of key) {
    const field = keyField(ctx, draft, name, first.directive, `@primaryKey of ${draft.name}`);
    if (!field.def.isRequired) {
      throw errorAt(ctx, first.directive, `primary key field ${draft.name}.${name} must be required (${name}: ${field.def.type.name}!)`);
    }
  }
  if (new Set(key).size !== key.length) throw errorAt(ctx, first.directive, `@primaryKey of ${draft.name} repeats a field`);
  return key;
}

/** The @index definitions of `draft`, in declaration order. */
export function parseIndexes(ctx: SdlContext, draft: ModelDraft): IndexDef[] {
  const indexes: IndexDef[] = [];
  for (const field of draft.fields) {
    for (const directive of fieldDirectives(field, 'index')) {
      const args = directiveArguments(ctx, directive, ['name', 'sortKeyFields', 'queryField']);
      const nameArg = args.get('name');
      if (nameArg === undefined) throw errorAt(ctx, directive, `@index on ${draft.name}.${field.def.name} needs a name: @index(name: "by…")`);
      const name = stringValue(ctx, nameArg.value, '@index name');
      if (indexes.some((i) => i.name === name)) throw errorAt(ctx, nameArg, `duplicate index name "${name}" on ${draft.name}`);
      const sortArg = args.get('sortKeyFields');
      const fields = [field.def.name, ...(sortArg === undefined ? [] : stringListValue(ctx, sortArg.value, 'sortKeyFields'))];
      for (const part of fields) keyField(ctx, draft, part, directive, `@index "${name}"`);
      if (new Set(fields).size !== fields.length) throw errorAt(ctx, directive, `@index "${name}" repeats a field`);
      const queryArg = args.get('queryField');
      const queryField = queryArg === undefined ? undefined : stringValue(ctx, queryArg.value, '@index queryField');
      indexes.push(queryField === undefined ? { name, fields } : { name, fields, queryField });
    }
  }
  return indexes;
}
