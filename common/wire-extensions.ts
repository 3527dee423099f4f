// Outpost's extensions of the AppSync wire, one vocabulary for the server that announces them and
// the client that reads them (server/README.md "Wire extensions"): the capabilities in every
// answer's `extensions.outpost`, and the bounds of `extensions.outpostMutationIds` in requests.

/** The capabilities an Outpost server announces; a backend without `extensions.outpost` (AppSync) has none. */
export const OUTPOST_CAPABILITIES = ['mutationBatching', 'mutationIds', 'syncTotals'] as const;
export type Capability = (typeof OUTPOST_CAPABILITIES)[number];

/**
 * Announced only by a server that mounted the attachment endpoint (with `attachmentsPath`), so a
 * client uploads only where one exists. Not in OUTPOST_CAPABILITIES: every Outpost server announces
 * those, while this one depends on the schema and the configuration.
 */
export const ATTACHMENTS_CAPABILITY = 'attachments';

/** Every capability name a client understands: the ones all Outpost servers announce and `attachments`. */
export type AnnouncedCapability = Capability | typeof ATTACHMENTS_CAPABILITY;

/** Format version of `extensions.outpost`. */
export const OUTPOST_EXTENSIONS_VERSION = 1;

/** Most mutation ids one request may carry, and the longest id (characters). */
export const MAX_MUTATION_IDS = 100;
export const MAX_MUTATION_ID_LENGTH = 200;

/**
 * `errorInfo.reason` of the 401 a revoked device gets (GraphQL `errors[]`, the auth routes' `error.reason`,
 * the real-time `error` frames): the client stops syncing and removes that profile's local data.
 */
export const DEVICE_REVOKED_REASON = 'deviceRevoked';
