// How a mutation travels (MULTI_AUTH, PROTOCOL.md §6.2): the auth modes to try in order, and the
// key of the requests it may share. A value, not a string to split again.
import type { AuthMode } from '../auth-modes.js';

/** The route of one mutation: the modes it is sent with in turn, and its batching key. */
export interface MutationRoute {
  /** Auth modes to try, in order, each after an Unauthorized refusal of the one before; empty: the default transport. */
  readonly modes: readonly AuthMode[];
  /** Only mutations of one key share a request. */
  readonly key: string;
}

/** The route of every mutation with one auth mode (DEFAULT strategy): one key for all. */
export const DEFAULT_ROUTE: MutationRoute = { modes: [], key: '' };

/**
 * The route for a mutation with `modes`. With more than one mode the key is unique (`serial`, a
 * number never used before), so the mutation travels alone and a refusal means nothing of the
 * request was applied: resending it with the next mode cannot apply anything twice.
 */
export function mutationRoute(modes: readonly AuthMode[], serial: number): MutationRoute {
  return { modes: [...modes], key: modes.length > 1 ? `${modes.join(',')}#${serial}` : modes.join(',') };
}
