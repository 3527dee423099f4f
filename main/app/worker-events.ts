// What the core does with one event of the open session's sync worker: forward it on `syncEvent`,
// fold it into the sync status (an accepted entry's together with the count that follows it),
// recount the outbox when it changed (and wake the attachment queue), and turn conflicts and errors into the inbox's and the
// notices' events.
import type { SyncEvent, SyncEventMessage, SyncErrorPayload } from '../../common/sync/sync-events.js';
import { findModel } from '../../common/schema/model-fields.js';
import { modelIdOf } from '../../common/schema/record-key.js';
import type { CoreContext, OpenSession } from './core-context.js';
import { conflictView, noticeKey, optionalKey, plain } from './inbox-views.js';

/** The event as IPC carries it (a JSON copy of the payload; none becomes null). */
export function syncEventMessage(event: SyncEvent): SyncEventMessage {
  return { event: event.type, data: plain(event.data) } as SyncEventMessage;
}

// The worker's last `networkStatus` per session since it was (re)started: "sync first" answers at
// once when the worker already said it cannot reach the server (the status's `online` is false
// both then and while it is still connecting).
const heard = new WeakMap<OpenSession, boolean>();

/** The last `networkStatus` of `open`'s worker since it started: true/false, or null when it said none yet. */
export function heardNetwork(open: OpenSession): boolean | null {
  return heard.get(open) ?? null;
}

/** Forgets what `open`'s worker said of the network (it is being started again). */
export function forgetNetwork(open: OpenSession): void {
  heard.delete(open);
}

/** Handles `event` of `open`'s worker; ignored once another session replaced `open`. */
export function onWorkerEvent(ctx: CoreContext, open: OpenSession, event: SyncEvent): void {
  if (ctx.session !== open) return;
  if (event.type === 'networkStatus') heard.set(open, event.data.active === true);
  ctx.out.broadcast('syncEvent', syncEventMessage(event));
  ctx.activity.record(event, ctx.options.schema);
  const input = { type: 'worker', event, at: Date.now() } as const;
  // The processor reports the outbox (`outboxStatus`) after every answer it got: the accepted
  // entry's new time waits for that count, so one processed entry is one count and one broadcast.
  if (event.type === 'outboxMutationProcessed') ctx.status.defer(input);
  else ctx.status.apply(input);
  // An accepted mutation may let its record's files upload (they wait for it).
  if (event.type === 'outboxMutationProcessed' || event.type === 'outboxStatus') open.attachments.wake();
  // Records arrived: with the prefetch setting on, their files download ahead of the first view.
  if (event.type === 'modelSynced') open.attachments.prefetchSoon();
  switch (event.type) {
    case 'outboxStatus':
      // The processor's count after an answer is used as it is (one count per answer); the
      // worker's echo of an enqueue the datastore already announced lands in that count.
      if (event.data.unsynced === undefined) open.unsynced.request();
      else open.unsynced.known(event.data.unsynced);
      break;
    case 'conflict':
      void open.datastore.conflicts
        .listConflicts({ limit: 1 })
        .then(([latest]) => latest && ctx.session === open && ctx.out.broadcast('conflict', conflictView(ctx.options.schema, open.reviews, latest)))
        .catch(() => undefined);
      break;
    case 'error':
      notifyError(ctx, open, event.data);
      break;
    default:
      break;
  }
}

function notifyError(ctx: CoreContext, open: OpenSession, data: SyncErrorPayload): void {
  const local = data.localModel;
  const model = data.model;
  const def = model === undefined ? undefined : findModel(ctx.options.schema, model);
  const key = noticeKey(def, data.recordId, local, data.remoteModel);
  const recordId = data.recordId ?? (def && key ? modelIdOf(def, key) : typeof local?.id === 'string' ? local.id : undefined);
  // A sync query or subscription of a model this sign-in may not read is refused by design:
  // the sign-in notice and the screens already say so once, not once per model and operation.
  const refusedRead = data.process !== 'mutate' && /unauthori[sz]ed|not ?authori[sz]ed/i.test(String(data.errorType ?? ''));
  if (refusedRead && typeof model === 'string' && open.guard.access().models[model]?.read === false) return;
  ctx.out.notify({
    code: String(data.errorType ?? 'SyncError'),
    message: String(data.message ?? 'the server rejected a change'),
    ...(typeof model === 'string' ? { model } : {}),
    ...(recordId ? { recordId } : {}),
    ...optionalKey(key),
  });
}
