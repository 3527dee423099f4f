// Registers one handler per contract channel on an abstract host (Electron's ipcMain in
// main/index.ts, a Playwright binding or WebSocket bridge elsewhere). Every request is checked in
// three steps before anything else runs — plain bounded JSON, the contract's zod schema, then model
// names, record fields, record keys and predicates against the parsed Schema — and every failure comes back as
// a typed `{ code, message, path? }`, never as a thrown exception.
import type { z } from 'zod';
import { OutpostError, ValidationError } from '../../common/errors.js';
import {
  requests,
  requestChannels,
  wireChannel,
  type IpcError,
  type IpcResult,
  type ParsedRequestOf,
  type RequestChannel,
  type ResponseOf,
} from '../../common/ipc/contract.js';
import { validatePredicate } from '../../common/predicates/validate-predicate.js';
import type { Predicate } from '../../common/predicates/types.js';
import { METADATA_FIELDS } from '../../common/schema/types.js';
import type { AppServices, Broadcast } from './app-services.js';
import { assertPlainJson } from './plain-json.js';
import { checkedKey, requireModel, writableRecord } from './record-fields.js';

/** One renderer (window) that talks to main. */
export interface IpcSender {
  /** Stable for the sender's lifetime. */
  readonly id: string;
  send(wire: string, payload: unknown): void;
  /** Called once when the sender goes away (window closed, page reloaded or crashed). */
  onGone(listener: () => void): void;
}

/** Where handlers are registered: `fn` gets the sender and the raw, untrusted payload. */
export interface IpcHost {
  handle(wire: string, fn: (sender: IpcSender, payload: unknown) => Promise<IpcResult<unknown>>): void;
}

export interface IpcHandlers {
  /** Pushes an event to every sender that has made a request and is still alive. */
  readonly broadcast: Broadcast;
  /** Stops every subscription of every sender (the store they observed is closing). */
  dropSubscriptions(): void;
  /** Live subscriptions per sender id, for tests and diagnostics. */
  subscriptionCounts(): Record<string, number>;
}

/** Most live observe/observeQuery subscriptions one sender may hold. */
export const MAX_SUBSCRIPTIONS_PER_SENDER = 200;

interface SenderState {
  readonly sender: IpcSender;
  readonly subscriptions: Map<string, () => void>;
}

function zodToError(channel: RequestChannel, error: z.ZodError): IpcError {
  const issue = error.issues[0];
  const where = [channel, ...(issue?.path ?? []).map(String)].join('.');
  return { code: 'ValidationError', message: `${where}: ${issue?.message ?? 'invalid request'}`, path: where };
}

function toIpcError(channel: RequestChannel, error: unknown): IpcError {
  if (error instanceof OutpostError) {
    const path = error.details?.path;
    return typeof path === 'string'
      ? { code: error.code, message: error.message, path }
      : { code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'InternalError', message: `${channel} failed: ${message}` };
}

/** Registers every contract channel on `host`, answering through `services`. */
export function registerHandlers(host: IpcHost, services: AppServices): IpcHandlers {
  const senders = new Map<string, SenderState>();
  let nextSubscription = 1;

  const stateOf = (sender: IpcSender): SenderState => {
    let state = senders.get(sender.id);
    if (!state) {
      state = { sender, subscriptions: new Map() };
      senders.set(sender.id, state);
      sender.onGone(() => {
        const gone = senders.get(sender.id);
        senders.delete(sender.id);
        for (const stop of gone?.subscriptions.values() ?? []) stop();
      });
    }
    return state;
  };

  const push = (state: SenderState, wire: string, payload: unknown): void => {
    try {
      state.sender.send(wire, payload);
    } catch {
      // The window died between the event and the send; its onGone cleans up.
    }
  };

  const predicate = (model: string, value: Predicate | undefined, what: string): Predicate | undefined => {
    if (value === undefined) return undefined;
    try {
      return validatePredicate(services.schema, model, value);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(`${what}: ${error.message}`, error.path, error.details);
      }
      throw error;
    }
  };

  const subscribe = (state: SenderState, start: (id: string) => () => void): { subscriptionId: string } => {
    if (state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SENDER) {
      throw new ValidationError(`too many live subscriptions (at most ${MAX_SUBSCRIPTIONS_PER_SENDER}); unobserve some`);
    }
    const id = `s${nextSubscription++}`;
    state.subscriptions.set(id, start(id));
    return { subscriptionId: id };
  };

  const impl: { [C in RequestChannel]: (request: ParsedRequestOf<C>, state: SenderState) => Promise<ResponseOf<C>> } = {
    schema: async () => services.schema,
    save: async ({ model, record, condition }) => {
      const def = requireModel(services.schema, model);
      const clean = writableRecord(def, record);
      const checked = predicate(model, condition, 'condition');
      return services.store().save(model, clean, checked === undefined ? {} : { condition: checked });
    },
    get: async ({ model, id }) => {
      const def = requireModel(services.schema, model);
      return services.store().get(model, checkedKey(services.schema, def, id));
    },
    query: async ({ model, where, sort, page, limit, withCount }) => {
      const def = requireModel(services.schema, model);
      for (const s of sort ?? []) {
        if (!def.fields.some((f) => f.name === s.field && f.type.kind !== 'model') && !(METADATA_FIELDS as readonly string[]).includes(s.field)) {
          throw new ValidationError(`sort: ${model} has no sortable field '${s.field}'`, `${model}.${s.field}`);
        }
      }
      const checked = predicate(model, where, 'where');
      const store = services.store();
      // Both start in the same turn (the store reads synchronously), so no write lands between the page and its count.
      const [items, count] = await Promise.all([
        store.query(model, {
          ...(checked ? { where: checked } : {}),
          ...(sort ? { sort } : {}),
          ...(page !== undefined ? { page } : {}),
          limit: limit ?? 100,
        }),
        withCount === true ? store.count(model, checked) : undefined,
      ]);
      return count === undefined ? { items } : { items, count };
    },
    delete: async ({ model, id, where, condition }) => {
      const def = requireModel(services.schema, model);
      const target = id !== undefined ? { key: checkedKey(services.schema, def, id) } : { where: predicate(model, where, 'where')! };
      const checked = predicate(model, condition, 'condition');
      return services.store().delete(model, target, checked === undefined ? {} : { condition: checked });
    },
    deletePreview: async ({ model, id }) => {
      const def = requireModel(services.schema, model);
      return services.deletePreview(model, checkedKey(services.schema, def, id));
    },
    observe: async ({ model, where }, state) => {
      if (model !== undefined) requireModel(services.schema, model);
      else if (where !== undefined) throw new ValidationError('observe: a where predicate needs a model', 'observe.where');
      const checked = model === undefined ? undefined : predicate(model, where, 'where');
      const store = services.store();
      return subscribe(state, (subscriptionId) =>
        store.observe(model, checked, (change) =>
          push(state, wireChannel('dataChange'), { subscriptionId, ...change }),
        ),
      );
    },
    observeQuery: async ({ model, where, sort }, state) => {
      requireModel(services.schema, model);
      const checked = predicate(model, where, 'where');
      const store = services.store();
      return subscribe(state, (subscriptionId) =>
        store.observeQuery(model, checked, sort, (snapshot) =>
          push(state, wireChannel('querySnapshot'), { subscriptionId, items: snapshot.items, isSynced: snapshot.isSynced }),
        ),
      );
    },
    unobserve: async ({ subscriptionId }, state) => {
      const stop = state.subscriptions.get(subscriptionId);
      state.subscriptions.delete(subscriptionId);
      stop?.();
      return { removed: stop !== undefined };
    },
    clear: (request) => services.clear(request),
    syncStatus: async () => services.syncStatus(),
    startSync: () => services.startSync(),
    stopSync: () => services.stopSync(),
    conflictsList: () => services.conflictsList(),
    conflictsResolve: (request) => services.conflictsResolve(request),
    reviewList: () => services.reviewList(),
    reviewResolve: (request) => services.reviewResolve(request),
    draftSave: async ({ model, key, values }) => {
      const def = requireModel(services.schema, model);
      return services.draftSave(model, key === null ? null : checkedKey(services.schema, def, key), values);
    },
    draftsList: () => services.draftsList(),
    draftDiscard: (request) => services.draftDiscard(request),
    trashList: () => services.trashList(),
    trashRestore: (request) => services.trashRestore(request),
    access: () => services.access(),
    syncSettings: () => services.syncSettings(),
    setSyncSettings: (request) => services.setSyncSettings(request),
    signIn: (request) => services.signIn(request),
    openProfile: (request) => services.openProfile(request),
    signOut: (request) => services.signOut(request),
    currentUser: async () => services.currentUser(),
    profiles: () => services.profiles(),
  };

  for (const channel of requestChannels) {
    const run = impl[channel] as (request: unknown, state: SenderState) => Promise<unknown>;
    const schema = requests[channel].request as z.ZodType;
    host.handle(wireChannel(channel), async (sender, payload) => {
      try {
        const state = stateOf(sender);
        const raw = payload === undefined || payload === null ? {} : payload;
        assertPlainJson(raw, channel);
        const parsed = schema.safeParse(raw);
        if (!parsed.success) return { ok: false, error: zodToError(channel, parsed.error) };
        return { ok: true, value: await run(parsed.data, state) };
      } catch (error) {
        return { ok: false, error: toIpcError(channel, error) };
      }
    });
  }

  return {
    broadcast: (event, payload) => {
      for (const state of senders.values()) push(state, wireChannel(event), payload);
    },
    dropSubscriptions: () => {
      for (const state of senders.values()) {
        for (const stop of state.subscriptions.values()) stop();
        state.subscriptions.clear();
      }
    },
    subscriptionCounts: () => Object.fromEntries([...senders].map(([id, s]) => [id, s.subscriptions.size])),
  };
}
