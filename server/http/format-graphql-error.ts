// A GraphQL error as AppSync emits it (PROTOCOL.md §1.8): path, data, errorType, errorInfo,
// locations (with sourceName), message. Unexpected failures are hidden behind InternalFailure.
import type { GraphQLError } from 'graphql';
import { OutpostError } from '../../common/errors.js';
import { ERROR_TYPE_OF_CODE } from '../resolvers/resolver-errors.js';

/** The wire form of one error. */
export interface AppSyncError {
  readonly path: ReadonlyArray<string | number> | null;
  readonly data: unknown;
  readonly errorType: string | null;
  readonly errorInfo: unknown;
  readonly locations: ReadonlyArray<{ line: number; column: number; sourceName: null }>;
  readonly message: string;
}

/** Formats `error`; `report` receives errors that are not one of ours (bugs, database failures). */
export function formatGraphqlError(error: GraphQLError, report: (error: unknown) => void): AppSyncError {
  const original = error.originalError;
  const locations = (error.locations ?? []).map((l) => ({ line: l.line, column: l.column, sourceName: null }));
  const path = error.path ?? null;
  if (original instanceof OutpostError) {
    const details = original.details ?? {};
    const override = typeof details.errorType === 'string' ? details.errorType : undefined;
    return {
      path,
      data: details.data ?? null,
      errorType: override ?? ERROR_TYPE_OF_CODE[original.code] ?? original.code,
      errorInfo: null,
      locations,
      message: original.message,
    };
  }
  if (original !== undefined && original !== null && !(original.name === 'GraphQLError')) {
    report(original);
    return { path, data: null, errorType: 'InternalFailure', errorInfo: null, locations, message: 'An internal error occurred' };
  }
  // A client writing sync metadata is told so plainly (AppSync's BadRequest), not as an unknown field.
  const metadata = /Field "(_lastChangedAt|_deleted|_ttl)" is not defined by type "(\w+)"/.exec(error.message);
  if (metadata !== null) {
    return {
      path,
      data: null,
      errorType: 'BadRequest',
      errorInfo: null,
      locations,
      message: `${metadata[1]} is set by the server and cannot be written (${metadata[2]} has no such field)`,
    };
  }
  // AppSync's wording for the most common schema mismatch (a client built for another schema
  // version selecting a field this one lacks), which client code and issue trackers search for.
  const undefinedField = /^Cannot query field "(\w+)" on type "(\w+)"\.(.*)$/s.exec(error.message);
  if (undefinedField !== null) {
    return {
      path,
      data: null,
      errorType: 'ValidationError',
      errorInfo: null,
      locations,
      message: `Validation error of type FieldUndefined: Field '${undefinedField[1]}' in type '${undefinedField[2]}' is undefined${undefinedField[3] ?? ''}`,
    };
  }
  // Parse, validation and variable-coercion errors from graphql-js.
  return { path, data: null, errorType: path === null ? 'ValidationError' : null, errorInfo: null, locations, message: error.message };
}
