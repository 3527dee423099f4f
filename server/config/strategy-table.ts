// The conflict strategy of each model, from the configured default and per-model entries; custom
// resolvers are loaded once here, at start, so a missing module fails the start rather than a write.
import { ValidationError } from '../../common/errors.js';
import type { Schema } from '../../common/schema/types.js';
import { loadConflictResolver } from '../resolvers/custom-conflict-resolver.js';
import type { ConflictStrategy } from '../resolvers/resolver-context.js';
import { DEFAULT_CONFLICT_STRATEGY, type ConfiguredStrategy } from './server-config.js';

/** What the table is built from: `startServer`'s options of the same names. */
export interface StrategyConfig {
  /** Default strategy; default FIELD_MERGE. */
  readonly conflictHandler?: ConfiguredStrategy;
  /** Per-model strategies; every name must be a model of the schema. */
  readonly models?: Readonly<Record<string, { readonly conflictHandler: ConfiguredStrategy }>>;
  /** Directory custom resolver paths are relative to; default the working directory. */
  readonly configDir?: string;
}

/** The strategy of a model by name; throws ValidationError for a configured model the schema lacks. */
export async function loadStrategyTable(config: StrategyConfig, schema: Schema): Promise<(model: string) => ConflictStrategy> {
  const baseDir = config.configDir ?? process.cwd();
  const build = async (configured: ConfiguredStrategy | undefined): Promise<ConflictStrategy> => {
    const chosen = configured ?? DEFAULT_CONFLICT_STRATEGY;
    if (chosen === 'FIELD_MERGE') return { kind: 'FIELD_MERGE' };
    if (chosen === 'AUTOMERGE') return { kind: 'AUTOMERGE' };
    if (chosen === 'OPTIMISTIC_CONCURRENCY') return { kind: 'OPTIMISTIC_CONCURRENCY' };
    return { kind: 'CUSTOM', resolve: await loadConflictResolver(chosen.resolver, baseDir) };
  };
  const fallback = await build(config.conflictHandler);
  const perModel = new Map<string, ConflictStrategy>();
  for (const [model, entry] of Object.entries(config.models ?? {})) {
    // A membership test, not a lookup: the error names the config key, which getModel cannot.
    if (!Object.hasOwn(schema.models, model)) {
      throw new ValidationError(`models.${model}: no model named ${model} in the schema (models: ${Object.keys(schema.models).join(', ')})`, `models.${model}`);
    }
    perModel.set(model, await build(entry.conflictHandler));
  }
  return (model) => perModel.get(model) ?? fallback;
}
