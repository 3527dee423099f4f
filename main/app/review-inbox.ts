// The conflict and review inbox: listing what the sync worker recorded, and carrying out the
// user's decision as a new local edit (main/sync/review-resolution.ts decides what it is) — or, for
// an upload the server refused, on the upload queue (main/attachments/refused-uploads.ts).
import { ValidationError } from '../../common/errors.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelRecord } from '../../common/schema/types.js';
import type { AppServices } from '../ipc/app-services.js';
import { requireModel, writableRecord } from '../ipc/record-fields.js';
import { ATTACHMENT_REFUSED } from '../../common/ipc/attachment-contract.js';
import { resolutionPlan } from '../sync/review-resolution.js';
import { currentSession, type CoreContext } from './core-context.js';
import { conflictView, reviewItemView } from './inbox-views.js';
import { localStore } from './local-store.js';

type InboxServices = Pick<AppServices, 'conflictsList' | 'conflictsResolve' | 'reviewList' | 'reviewResolve'>;

/** The inbox's services over the open session. */
export function reviewInbox(ctx: CoreContext): InboxServices {
  const schema = ctx.options.schema;
  return {
    conflictsList: async () => {
      const open = currentSession(ctx);
      const records = await open.datastore.conflicts.listConflicts({ limit: 500 });
      return records.map((r) => conflictView(schema, open.reviews, r));
    },
    conflictsResolve: async ({ id, choice }) => {
      const open = currentSession(ctx);
      const record = (await open.datastore.conflicts.listConflicts({ limit: 10_000 })).find((r) => String(r.id) === id);
      if (!record) throw new ValidationError(`conflictsResolve: no conflict with id ${id}`, 'conflictsResolve.id');
      const model = requireModel(schema, record.model);
      const local = writableRecord(model, { ...(record.local ?? {}) });
      const remote = writableRecord(model, { ...(record.remote ?? {}) });
      const remoteDeleted = record.remote?._deleted === true;
      const keys = model.primaryKey;
      const differing = [...new Set([...Object.keys(local), ...Object.keys(remote)])].filter(
        (k) => !keys.includes(k) && k in local && JSON.stringify(local[k] ?? null) !== JSON.stringify(remote[k] ?? null),
      );
      const key = Object.fromEntries(keys.map((k) => [k, record.local?.[k] ?? record.remote?.[k]]));
      // By key object, not by `modelId`: a composite key cannot be looked up by its joined string.
      const exists = (await open.datastore.get(record.model, key)) !== undefined;
      if (choice === 'keepTheirs' && remoteDeleted) {
        if (exists) await open.datastore.delete(record.model, key);
      } else if (differing.length > 0 && (exists || choice === 'keepMine')) {
        const source = choice === 'keepMine' ? local : remote;
        const patch: ModelRecord = { ...key };
        for (const field of differing) patch[field] = source[field] ?? null;
        await open.datastore.save(record.model, patch);
      }
      open.reviews.set(id, choice);
      return conflictView(schema, open.reviews, record);
    },
    reviewList: async () => {
      const open = currentSession(ctx);
      return (await open.datastore.reviews.list({ limit: 1000 })).map((r) => reviewItemView(schema, r));
    },
    reviewResolve: async ({ id, choice, record }) => {
      const open = currentSession(ctx);
      const numeric = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : NaN;
      const item = Number.isSafeInteger(numeric) ? await open.datastore.reviews.get(numeric) : undefined;
      if (!item) throw new ValidationError(`reviewResolve: no review item with id ${id}`, 'reviewResolve.id');
      if (item.state !== 'open') throw new ValidationError(`reviewResolve: review item ${id} was already decided (${item.state})`, 'reviewResolve.id');
      if (record !== undefined && choice !== 'keepMine') {
        throw new ValidationError('reviewResolve: an edited record goes with keepMine only', 'reviewResolve.record');
      }
      if (item.errorType === ATTACHMENT_REFUSED) {
        // A refused upload: "keep mine" puts the file back in the upload queue, "keep theirs" leaves it on this device only.
        if (record !== undefined) throw new ValidationError('reviewResolve: a refused upload is decided without a record', 'reviewResolve.record');
        open.attachments.resolveRefusal(item, choice);
        return reviewItemView(schema, await open.datastore.reviews.decide(item.id, choice === 'keepMine' ? 'keptMine' : 'keptTheirs'));
      }
      const model = requireModel(schema, item.model);
      const edited = record === undefined ? undefined : writableRecord(model, record);
      const key = Object.fromEntries(model.primaryKey.map((k) => [k, item.mine[k] ?? item.theirs?.[k]]));
      const existing = await open.datastore.get(item.model, key);
      const plan = resolutionPlan(model, item, choice, existing, edited);
      // Through the same store the renderer saves with: the decision is a new local edit, checked
      // and queued like any other.
      const store = localStore(schema, open);
      if (plan.kind === 'save') await store.save(item.model, plan.record, {});
      else if (plan.kind === 'delete') await store.delete(item.model, { key: plan.key as KeyObject }, {});
      const decided = await open.datastore.reviews.decide(item.id, choice === 'keepMine' ? 'keptMine' : 'keptTheirs');
      return reviewItemView(schema, decided);
    },
  };
}
