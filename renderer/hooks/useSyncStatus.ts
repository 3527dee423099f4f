// The sync status main projects and pushes, as a React hook.
import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { useEvent } from './useEvent.js';

/**
 * The sync bar's status: fetched once, then kept current by pushed `syncStatus` events. main
 * projects it (common/sync/sync-status.ts) and pushes each outbox count on `syncStatus` too, so
 * the renderer keeps no projection of its own.
 */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    void api.syncStatus().then(setStatus, () => undefined);
  }, []);
  useEvent('syncStatus', setStatus);
  return status;
}
