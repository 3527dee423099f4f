// Brings a database's tables to a schema and records it as deployed (`status`, `push`, `start`).
import { ValidationError } from '../../common/errors.js';
import type { Schema } from '../../common/schema/types.js';
import type { Storage } from './storage.js';
import { planMigration, type MigrationPlan } from './plan-migration.js';

const DEPLOYED_SCHEMA_KEY = 'deployed-schema';

/** The schema last deployed to this database, or null for a fresh one. */
export async function deployedSchema(storage: Storage): Promise<Schema | null> {
  const text = await storage.getMeta(DEPLOYED_SCHEMA_KEY);
  return text === undefined ? null : (JSON.parse(text) as Schema);
}

/** The plan from the deployed schema to `schema`. */
export async function migrationPlanFor(storage: Storage, schema: Schema): Promise<MigrationPlan> {
  return planMigration(await deployedSchema(storage), schema);
}

/**
 * Applies the migration to `schema`. Refuses (ValidationError listing what would be lost) when a
 * step drops data and `allowDestructive` is false; nothing is changed then.
 */
export async function deploySchema(storage: Storage, schema: Schema, allowDestructive: boolean): Promise<MigrationPlan> {
  const plan = await migrationPlanFor(storage, schema);
  if (plan.destructive.length > 0 && !allowDestructive) {
    throw new ValidationError(
      `The schema change would lose data:\n  - ${plan.destructive.join('\n  - ')}\nRun \`push --force\` to apply it anyway.`,
      'schema',
      { destructive: plan.destructive },
    );
  }
  await storage.applySchema(schema, plan.steps);
  await storage.setMeta(DEPLOYED_SCHEMA_KEY, JSON.stringify(schema));
  return plan;
}
