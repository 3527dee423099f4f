// Outpost's extensions of the AppSync wire, one vocabulary for the server that announces them and
// the client that reads them (server/README.md "Wire extensions"): the capabilities in every
// answer's `extensions.outpost`, and the bounds of `extensions.outpostMutationIds` in requests.

/** The capabilities an Outpost server announces; a backend without `extensions.outpost` (AppSync) has none. */
export const OUTPOST_CAPABILITIES = ['mutationBatching', 'mutationIds', 'syncTotals'] as const;
export type Capability = (typeof OUTPOST_CAPABILITIES)[number];

/** Format version of `extensions.outpost`. */
export const OUTPOST_EXTENSIONS_VERSION = 1;

/** Most mutation ids one request may carry, and the longest id (characters). */
export const MAX_MUTATION_IDS = 100;
export const MAX_MUTATION_ID_LENGTH = 200;
