// The two text forms every part of the generated SDL is written in: a braced block and a field's type reference.
import type { FieldDef } from '../../common/schema/types.js';

/** `keyword Name suffix {` + one indented line each + `}`. */
export function block(keyword: string, name: string, lines: readonly string[], suffix = ''): string {
  return `${keyword} ${name}${suffix} {\n${lines.map((l) => `  ${l}`).join('\n')}\n}`;
}

/** The GraphQL type reference of a field as declared (`[String]`, `Int!`, …); `input` maps embedded types to `<T>Input`. */
export function typeRef(field: FieldDef, opts: { input: boolean; required: boolean }): string {
  let base = field.type.name;
  if (opts.input && field.type.kind === 'embedded') base = `${base}Input`;
  if (field.isList) base = `[${base}${field.isListItemRequired ? '!' : ''}]`;
  return opts.required ? `${base}!` : base;
}
