// What a sync event says on the Sync activity screen, in a field worker's words; null for events
// too frequent or too technical to list (progress ticks, outbox counts).
import type { SyncActivityEntry } from '../../common/ipc/contract.js';
import type { SyncEvent } from '../../common/sync/sync-events.js';

type Words = Pick<SyncActivityEntry, 'text' | 'level'> & { model?: string };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The line `event` makes, or null when it makes none. */
export function describeSyncEvent(event: SyncEvent): Words | null {
  switch (event.type) {
    case 'networkStatus':
      return event.data.active ? { text: 'Connected to the server', level: 'info' } : { text: 'Went offline: changes wait on this device', level: 'problem' };
    case 'syncQueriesStarted':
      return { text: `Checking the server for changes (${plural(event.data.models.length, 'kind')} of record)`, level: 'info' };
    case 'modelSynced': {
      const { model, counts, complete } = event.data;
      const received = counts.new + counts.updated + counts.deleted;
      const what =
        received === 0
          ? 'no changes'
          : [counts.new && `${counts.new} new`, counts.updated && `${counts.updated} updated`, counts.deleted && `${counts.deleted} deleted`]
              .filter(Boolean)
              .join(', ');
      return { text: `${model}: ${what} from the server${complete ? '' : ' (stopped at the sync limit)'}`, level: complete ? 'info' : 'problem', model };
    }
    case 'syncQueriesReady':
      return { text: 'Up to date with the server', level: 'info' };
    case 'outboxMutationProcessed':
      return { text: `${event.data.model}: a change was accepted by the server`, level: 'info', model: event.data.model };
    case 'conflict':
      return { text: `${event.data.model}: another device changed this record too; kept for review`, level: 'problem', model: event.data.model };
    case 'error':
      return {
        text: `${event.data.model ? `${event.data.model}: ` : ''}${event.data.message}`,
        level: 'problem',
        ...(event.data.model ? { model: event.data.model } : {}),
      };
    default:
      return null;
  }
}
