// Kysely builds, freezes and compiles a fresh operation tree for every query, which costs more CPU
// than SQLite takes to run the small statements of a mutation. The SQL of those statements only
// depends on the model, so a template compiles it once with named slots where the values go, and
// each call binds its own values into a copy of the compiled query.
import type { Compilable, CompiledQuery } from 'kysely';

/** Stands for the value named `name` while the template is compiled. */
class Slot {
  constructor(readonly name: string) {}
}

/** Marks where the bound value `name` goes; use it where the query takes a value. */
export type SlotOf = (name: string) => unknown;

/** A query compiled once; `bind` fills in the values of one execution. */
export class QueryTemplate {
  private constructor(private readonly compiled: CompiledQuery) {}

  /** Compiles the query `build` returns, with `slot(name)` wherever a value will be bound. */
  static compile(build: (slot: SlotOf) => Compilable): QueryTemplate {
    return new QueryTemplate(build((name) => new Slot(name)).compile());
  }

  /** The compiled query with each slot replaced by `values[name]`; values Kysely itself added stay. */
  bind(values: Readonly<Record<string, unknown>>): CompiledQuery {
    const parameters = this.compiled.parameters.map((p) => {
      if (!(p instanceof Slot)) return p;
      if (!(p.name in values)) throw new Error(`query template: no value for slot "${p.name}"`);
      return values[p.name];
    });
    return { ...this.compiled, parameters };
  }
}
