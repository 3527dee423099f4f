// Which fields a list's search reads: the text a person typed (String, e-mail and phone fields,
// single or lists), not keys made by machines (ID), URLs, implicit owner fields or metadata. The
// local store indexes exactly these (main/datastore/search-index.ts) and the renderer offers the
// search box where there are any, so both take the list from here.
import type { FieldDef, ModelDef } from '../schema/types.js';
import { columnFields } from './column-fields.js';

const TEXT_TYPES: ReadonlySet<string> = new Set(['String', 'AWSEmail', 'AWSPhone']);

/** The fields a search over `model` reads, in column order. */
export function searchFields(model: ModelDef): FieldDef[] {
  return columnFields(model).filter((f) => f.type.kind === 'scalar' && TEXT_TYPES.has(f.type.name) && !f.isImplicit && !f.name.startsWith('_'));
}
