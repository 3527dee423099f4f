// The worker's events are defined in common/sync/sync-events.ts (the IPC contract types the
// renderer's `syncEvent` channel from the same map); main/sync imports them from here.
import type { SyncConflictPayload } from '../../common/sync/sync-events.js';
import type { ConflictResolution, SyncConflict } from './conflict-policy.js';

export {
  SYNC_EVENT_TYPES,
  SyncEvents,
  isSyncEventType,
  type MergeCountsPayload,
  type SyncConflictPayload,
  type SyncErrorPayload,
  type SyncEvent,
  type SyncEventMap,
  type SyncEventType,
  type SyncProcess,
} from '../../common/sync/sync-events.js';

// The conflict handler's input must stay the shape the `conflict` event carries (both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ConflictPayloadOfPolicy = Omit<SyncConflict, 'remoteModel'> &
  Pick<SyncConflictPayload, 'recordId' | 'remoteModel'> & { readonly resolution: ConflictResolution };
const payloadsAgree: Same<ConflictPayloadOfPolicy, SyncConflictPayload> = true;
void payloadsAgree;
