// The errors resolvers raise, with AppSync's `errorType` names and messages (PROTOCOL.md §3, §6.4).
// They are the typed classes of common/errors.ts; `details.data` becomes the GraphQL error's `data`.
import { ConditionalCheckFailed, ConflictUnhandled, OutpostError, Unauthorized, ValidationError } from '../../common/errors.js';

/** `errorType` for an error's `code`, where AppSync's name differs from ours. */
export const ERROR_TYPE_OF_CODE: Readonly<Record<string, string>> = {
  ConditionalCheckFailed: 'ConditionalCheckFailedException',
};

/** Version mismatch rejected; `item` is the current server item. */
export function conflictUnhandled(item: Readonly<Record<string, unknown>>): ConflictUnhandled {
  return new ConflictUnhandled('Conflict resolver rejects mutation.', { data: item });
}

/** Key or user condition failed; `item` (the stored item) when the caller may see it. */
export function conditionalCheckFailed(item: Readonly<Record<string, unknown>> | null, why: string): ConditionalCheckFailed {
  return new ConditionalCheckFailed(`The conditional request failed: ${why}`, { data: item });
}

/**
 * AppSync's resolver-level denial, e.g. `Not Authorized to access updatePost on type Mutation`
 * (DataStore recognises `Unauthorized` and skips that model's subscription or mutation).
 */
export function notAuthorized(fieldName: string, parentType: 'Query' | 'Mutation' | 'Subscription'): Unauthorized {
  return new Unauthorized(`Not Authorized to access ${fieldName} on type ${parentType}`, { data: null });
}

/** A request the server will not run (bad limit, forged token, metadata in input): errorType BadRequest. */
export function badRequest(message: string, path?: string): ValidationError {
  return new ValidationError(message, path, { errorType: 'BadRequest' });
}

/** The custom conflict resolver failed or answered something unusable: errorType ConflictError. */
export function conflictError(message: string, item: Readonly<Record<string, unknown>>): OutpostError {
  return new OutpostError('ConflictError', message, { data: item });
}

/** A create/update whose resulting item exceeds the item size limit: errorType PayloadTooLargeException. */
export function payloadTooLarge(model: string, bytes: number, limitBytes: number): OutpostError {
  const n = (v: number) => v.toLocaleString('en-US');
  return new OutpostError('PayloadTooLarge', `The ${model} item is ${n(bytes)} bytes (UTF-8 JSON); the limit is ${n(limitBytes)} bytes`, {
    errorType: 'PayloadTooLargeException',
    data: null,
    bytes,
    limitBytes,
  });
}
