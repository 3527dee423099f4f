// Depth and cost limits for a parsed document, so one request cannot make the server walk an
// unbounded tree (nested relations) or resolve an unbounded number of fields.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** Limits applied to every HTTP GraphQL document. */
export interface QueryLimits {
  /** Deepest field nesting allowed; default 10 (DataStore's deepest document nests 3). */
  readonly maxDepth: number;
  /** Most fields a document may select after expanding fragments; default 2000. */
  readonly maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 2000 };

/** Why the document breaks a limit, or undefined when it does not. */
export function checkQueryLimits(document: DocumentNode, limits: QueryLimits): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let cost = 0;
  let maxSeen = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: ReadonlySet<string>): string | undefined => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        cost++;
        if (cost > limits.maxCost) return `Query cost exceeds the limit of ${limits.maxCost} selected fields`;
        const d = depth + 1;
        maxSeen = Math.max(maxSeen, d);
        if (d > limits.maxDepth) return `Query depth ${d} exceeds the limit of ${limits.maxDepth}`;
        if (sel.selectionSet) {
          const r = walk(sel.selectionSet, d, seen);
          if (r) return r;
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const r = walk(sel.selectionSet, depth, seen);
        if (r) return r;
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        // A fragment cycle is reported by validation; stop walking it here.
        if (frag === undefined || seen.has(name)) continue;
        const r = walk(frag.selectionSet, depth, new Set([...seen, name]));
        if (r) return r;
      }
    }
    return undefined;
  };
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const r = walk(def.selectionSet, 0, new Set());
    if (r) return r;
  }
  return undefined;
}
