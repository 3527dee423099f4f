// Typed errors shared by every process. Each carries what a user needs to act on it, and a stable
// `code` so it survives serialisation across IPC and GraphQL.

/** Base class: `code` names the kind of failure and survives JSON round-trips. */
export class OutpostError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = code;
  }

  /** Plain form for IPC / logs. */
  toJSON(): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** Bad input: a value, predicate, request or option that breaks a rule. `path` names where (e.g. `Site.name`). */
export class ValidationError extends OutpostError {
  constructor(
    message: string,
    readonly path?: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super('ValidationError', message, { ...details, ...(path === undefined ? {} : { path }) });
  }
}

/** A schema file that cannot be used: names the file, line and column. */
export class SchemaError extends OutpostError {
  constructor(
    message: string,
    readonly location?: { readonly file?: string; readonly line: number; readonly column: number },
  ) {
    const where = location ? `${location.file ?? '<schema>'}:${location.line}:${location.column}: ` : '';
    super('SchemaError', where + message, location ? { ...location } : undefined);
  }
}

/** The server's state failed a save/delete condition. */
export class ConditionalCheckFailed extends OutpostError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('ConditionalCheckFailed', message, details);
  }
}

/** A versioned write was rejected because the server holds a different version. */
export class ConflictUnhandled extends OutpostError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('ConflictUnhandled', message, details);
  }
}

/** The caller may not do this. */
export class Unauthorized extends OutpostError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('Unauthorized', message, details);
  }
}

/** A record that does not exist. */
export class NotFound extends OutpostError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super('NotFound', message, details);
  }
}

/** Why a datastore file could not be opened with the key given (or without one). */
export type StoreKeyReason = 'wrongKey' | 'keyNeeded' | 'notADatabase';

/**
 * A datastore file that cannot be read with the key given: the key is wrong, the file is encrypted
 * and no key was given, or the file is no SQLite database at all. Nothing in the file was changed.
 * Its code is that of the profile key's errors, so the app asks for the key as it does for those.
 */
export class StoreKeyError extends OutpostError {
  constructor(
    message: string,
    readonly file: string,
    readonly reason: StoreKeyReason,
  ) {
    super('ProfileKeyError', message, { file, reason });
  }
}
