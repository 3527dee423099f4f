// The open profile's store as the IPC handlers use it: reads straight from the datastore, saves
// and deletes through the save guard (refused before anything is queued), deletes by key through
// the Trash.
import type { Schema } from '../../common/schema/types.js';
import type { LocalStore } from '../ipc/app-services.js';
import { checkPendingDelete, checkPendingSave } from '../save-guard.js';
import type { OpenSession } from './core-context.js';

/** The LocalStore of `open`. */
export function localStore(schema: Schema, open: OpenSession): LocalStore {
  const { datastore, work, guard } = open;
  return {
    save: async (model, record, opts) => {
      await checkPendingSave(guard, datastore, schema, model, record);
      return datastore.save(model, record, opts);
    },
    get: async (model, key) => (await datastore.get(model, key)) ?? null,
    query: (model, opts) => datastore.query(model, opts),
    count: (model, where, opts) => datastore.count(model, where, opts),
    marks: (model, records) => datastore.marks(model, records),
    delete: async (model, target, opts) => {
      if ('key' in target) await checkPendingDelete(guard, datastore, model, target.key);
      return work.delete(model, target, opts);
    },
    observe: (model, where, listener) => datastore.observe(model, where).subscribe(listener),
    observeQuery: (model, where, sort, listener) => datastore.observeQuery(model, where, sort ? { sort } : {}).subscribe(listener),
  };
}
