// A GraphQL `filter`/`condition` argument (Model<T>FilterInput / ConditionInput) as a test on
// stored items, through the shared predicate translation and in-memory evaluator.
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { fromGraphqlFilter } from '../../common/predicates/from-graphql.js';
import { matcher } from '../../common/predicates/evaluate.js';

/** A test on stored items; `undefined` filter or `null` matches everything. */
export type RecordTest = (item: ModelRecord) => boolean;

/** Compiles `filter` for `model`; throws ValidationError naming the bad part. */
export function compileFilter(schema: Schema, model: ModelDef, filter: unknown): RecordTest {
  if (filter === null || filter === undefined) return () => true;
  const predicate = fromGraphqlFilter(schema, model.name, filter);
  if (predicate === null || predicate === undefined) return () => true;
  return matcher(predicate);
}
