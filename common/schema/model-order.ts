// The order in which models are synced and created: a model after every model it @belongsTo, so a
// child row never arrives before its parent. Ties keep declaration order, so the order is stable.

/** One model's parents (the models it @belongsTo, self-references excluded), in declaration order. */
export interface ModelParents {
  readonly name: string;
  readonly parents: readonly string[];
}

/** Parents-first order of `models`, or the models forming a cycle when there is none. */
export function topologicalModelOrder(models: readonly ModelParents[]): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < models.length) {
    const next = models.find((m) => !placed.has(m.name) && m.parents.every((p) => placed.has(p)));
    if (next === undefined) return { cycle: findCycle(models.filter((m) => !placed.has(m.name))) };
    order.push(next.name);
    placed.add(next.name);
  }
  return { order };
}

// Every remaining model has an unplaced parent, so following first unplaced parents must loop.
function findCycle(remaining: readonly ModelParents[]): string[] {
  const byName = new Map(remaining.map((m) => [m.name, m]));
  const path: string[] = [];
  let current: ModelParents | undefined = remaining[0];
  while (current !== undefined && !path.includes(current.name)) {
    path.push(current.name);
    const parent: string | undefined = current.parents.find((p) => byName.has(p));
    current = parent === undefined ? undefined : byName.get(parent);
  }
  const start = current === undefined ? 0 : path.indexOf(current.name);
  const cycle = path.slice(start);
  return [...cycle, cycle[0]];
}
