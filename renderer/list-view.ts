// What a model's list says about itself: whether a sync is still bringing its records in, and
// why it is empty (no records, none matching, or that sync). Plain functions over the
// sync status and the list's state, so the words are tested without a page.
import type { SyncStatus } from '../common/ipc/contract.js';
import type { ModelDef } from '../common/schema/types.js';
import { pluralLabel } from './schema-view.js';

/** How far the sync that brings `model`'s records has got, or null when none is running for it. */
export interface SyncProgress {
  /** Records of the model received so far in this round. */
  readonly received: number;
}

/**
 * The sync progress of `model` while a round is bringing it in (the round started and the model is
 * not synced yet), or while the profile's first sync has not finished at all; else null.
 */
export function syncProgressOf(status: SyncStatus | null | undefined, model: string): SyncProgress | null {
  if (!status || status.mode !== 'server') return null;
  const progress = status.models[model];
  if (status.syncing && progress?.synced === false) return { received: progress.received };
  if (status.running && status.lastSyncedAt === null && progress?.synced !== true) return { received: progress?.received ?? 0 };
  return null;
}

/** Why the list shows no rows, in the words of the list's state. */
export function listEmptyText(
  model: ModelDef,
  state: { readonly filtered: boolean; readonly searching: boolean; readonly cannotCreate: string | null; readonly syncing: SyncProgress | null },
): string {
  const plural = pluralLabel(model).toLowerCase();
  if (state.syncing) {
    return state.syncing.received > 0 ? `Syncing… ${state.syncing.received} ${plural} received so far.` : `Syncing… the ${plural} are on their way.`;
  }
  if (state.searching && state.filtered) return `No ${plural} match this search and filter.`;
  if (state.searching) return `No ${plural} match this search.`;
  if (state.filtered) return 'No records match this filter.';
  const none = `No ${plural} yet.`;
  return state.cannotCreate === null ? `${none} Press Ctrl+N to add one.` : none;
}
