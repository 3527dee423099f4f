// What the SDL parser (parse-schema.ts) holds between its passes: the declared types, each model's
// fields with the AST nodes later checks point at, and the directives each place allows.
import { type DirectiveNode, type EnumTypeDefinitionNode, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import type { FieldDef, IndexDef, RelationKind } from './types.js';
import { errorAt, type SdlContext } from './sdl-values.js';

export const TYPE_DIRECTIVES = ['model', 'auth'];
export const FIELD_DIRECTIVES = ['primaryKey', 'index', 'hasMany', 'hasOne', 'belongsTo'];
export const RELATION_DIRECTIVES: readonly RelationKind[] = ['hasMany', 'hasOne', 'belongsTo'];

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A type definition of the schema: an enum, a @model type or an embedded (non-model) type. */
export interface TypeEntry {
  readonly kind: 'enum' | 'model' | 'embedded';
  readonly node: EnumTypeDefinitionNode | ObjectTypeDefinitionNode;
}

/** A field as declared, kept with its AST node so later checks can point at it. */
export interface DeclaredField {
  readonly def: Mutable<FieldDef>;
  readonly node: FieldDefinitionNode;
}

/** A @model type between the passes: its fields, then its keys and indexes once parsed. */
export interface ModelDraft {
  readonly name: string;
  readonly node: ObjectTypeDefinitionNode;
  readonly fields: DeclaredField[];
  primaryKey: string[];
  indexes: IndexDef[];
}

/** The declared field `name` of `draft`, or undefined. */
export function draftField(draft: ModelDraft, name: string): DeclaredField | undefined {
  return draft.fields.find((f) => f.def.name === name);
}

/** The directives `@<name>` on `field`. */
export function fieldDirectives(field: DeclaredField, name: string): DirectiveNode[] {
  return (field.node.directives ?? []).filter((d) => d.name.value === name);
}

/** Throws at the first directive in `directives` not in `allowed`, saying what `where` allows. */
export function rejectDirectives(ctx: SdlContext, directives: readonly DirectiveNode[] | undefined, allowed: readonly string[], where: string): void {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (allowed.includes(name)) continue;
    const known = [...TYPE_DIRECTIVES, ...FIELD_DIRECTIVES].includes(name);
    const hint = allowed.length === 0 ? 'no directives are allowed here' : `allowed here: ${allowed.map((a) => `@${a}`).join(', ')}`;
    throw errorAt(ctx, directive, `${known ? 'directive' : 'unknown directive'} @${name} is not supported on ${where} (${hint})`);
  }
}
