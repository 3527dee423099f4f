// The structural zod schema of a predicate tree as it crosses IPC. It checks shape only (known
// operators, one combinator per node); whether fields and values fit a model is checked against
// the parsed Schema by `validatePredicate` in common/predicates.
import { z } from 'zod';
import { OPERATORS, type Predicate } from '../predicates/types.js';

const comparison = z
  .object({
    field: z.string().min(1).max(200),
    op: z.enum(OPERATORS),
    value: z.unknown().optional(),
  })
  .strict();

/** Zod schema for a predicate tree (`{ field, op, value }`, `{ and: [...] }`, `{ or: [...] }`, `{ not: ... }`). */
export const predicateShape: z.ZodType<Predicate> = z.lazy(() =>
  z.union([
    comparison,
    z.object({ and: z.array(predicateShape).max(200) }).strict(),
    z.object({ or: z.array(predicateShape).max(200) }).strict(),
    z.object({ not: predicateShape }).strict(),
  ]),
);
