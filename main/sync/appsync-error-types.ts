// AppSync's `errorType` vocabulary as the sync engine reads it (PROTOCOL.md §3.5, §4.5): which
// types mean a transient server failure, a failed condition, an auth refusal, a too-large item or
// a validation error. One definition for every classification of answers (query-outcome.ts; the
// mutation classification is to use it too).

/** Server-side failures that succeed on a later try (AppSync §3.5 plus throttling). */
export const TRANSIENT_ERROR_TYPES: ReadonlySet<string> = new Set([
  'InternalFailure',
  'DeltaSyncWriteError',
  'MaxConflicts',
  'LimitExceededError',
  'LimitExceededException',
  'ThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
export const CONDITION_TYPES: ReadonlySet<string> = new Set([
  'ConditionalCheckFailedException',
  'DynamoDB:ConditionalCheckFailedException',
  'ConditionalCheckFailed',
]);
export const UNAUTHORIZED_TYPES: ReadonlySet<string> = new Set(['Unauthorized', 'UnauthorizedException', 'NotAuthorizedException']);
export const TOO_LARGE_TYPES: ReadonlySet<string> = new Set(['PayloadTooLargeException', 'PayloadTooLarge']);
export const VALIDATION_TYPES: ReadonlySet<string> = new Set(['ValidationError', 'BadRequest', 'BadRequestException', 'GraphQLError']);
/** Messages of validation errors that carry no errorType of their own (graphql-js's and AppSync's wording). */
export const VALIDATION_MESSAGES: readonly RegExp[] = [
  /^Validation error/i,
  /^Variable '.+' has (coerced Null value|an invalid value)/,
  /^Cannot return \w+ for/,
];
