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
import { findField } from '../../common/schema/model-fields.js';
import { CHANGED_AT_SORT_FIELD } from '../../common/predicates/recency.js';
import { METADATA_FIELDS } from '../../common/schema/types.js';
import type { AppServices, AttachmentChannel, Broadcast } from './app-services.js';
import { assertPlainJson, CHUNK_LIMITS, DEFAULT_LIMITS } from './plain-json.js';
import { checkedKey, requireModel, writableRecord } from './record-fields.js';
import { SenderRegistry, type IpcSender, type SenderState } from './sender-registry.js';

export { MAX_SUBSCRIPTIONS_PER_SENDER, type IpcSender } from './sender-registry.js';

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

function zodToError(channel: RequestChannel, error: z.ZodError): IpcError {
  const issue = error.issues[0];
  const where = [channel, ...(issue?.path ?? []).map(String)].join('.');
  return { code: 'ValidationError', message: `${where}: ${issue?.message ?? 'invalid request'}`, path: where };
}

function toIpcError(channel: RequestChannel, error: unknown): IpcError {
  if (error instanceof OutpostError) {
    const path = error.details?.path;
    const reason = error.details?.reason;
    return {
      code: error.code,
      message: error.message,
      ...(typeof path === 'string' ? { path } : {}),
      // The renderer acts on some reasons (the passphrase step): they cross the bridge as data.
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'InternalError', message: `${channel} failed: ${message}` };
}

/** The answer to each request channel, given the request (checked against its zod schema) and its sender. */
type ChannelHandlers<K extends RequestChannel> = {
  [C in K]: (request: ParsedRequestOf<C>, state: SenderState) => Promise<ResponseOf<C>>;
};

type RecordChannel = 'save' | 'get' | 'query' | 'delete' | 'deletePreview' | 'draftSave' | 'exportList';
type SubscriptionChannel = 'observe' | 'observeQuery' | 'unobserve';

/** `value` checked against `model` (undefined stays undefined); a failure's message starts with `what`. */
function checkedPredicate(services: AppServices, model: string, value: Predicate | undefined, what: string): Predicate | undefined {
  if (value === undefined) return undefined;
  try {
    return validatePredicate(services.schema, model, value);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`${what}: ${error.message}`, error.path, error.details);
    }
    throw error;
  }
}

/** Throws a ValidationError naming the first sort key that is not a sortable field of `model` (or the recency key). */
function checkSort(services: AppServices, model: string, sort: ParsedRequestOf<'query'>['sort']): void {
  const def = requireModel(services.schema, model);
  for (const s of sort ?? []) {
    if (s.field === CHANGED_AT_SORT_FIELD) continue;
    const field = findField(def, s.field);
    if (!(field !== undefined && field.type.kind !== 'model') && !(METADATA_FIELDS as readonly string[]).includes(s.field)) {
      throw new ValidationError(`sort: ${model} has no sortable field '${s.field}'`, `${model}.${s.field}`);
    }
  }
}

/**
 * One page of `model`'s records (100 unless `limit` says), narrowed by `where` and `search`, with
 * their count (by the same filter and search) and their marks when asked.
 */
async function queryRecords(
  services: AppServices,
  { model, where, sort, page, limit, withCount, search, ignoreCase, withMarks }: ParsedRequestOf<'query'>,
): Promise<ResponseOf<'query'>> {
  checkSort(services, model, sort);
  const checked = checkedPredicate(services, model, where, 'where');
  const store = services.store();
  const text = { ...(search !== undefined ? { search } : {}), ...(ignoreCase !== undefined ? { ignoreCase } : {}) };
  // Both start in the same turn (the store reads synchronously), so no write lands between the page and its count.
  const [items, count] = await Promise.all([
    store.query(model, {
      ...(checked ? { where: checked } : {}),
      ...(sort ? { sort } : {}),
      ...(page !== undefined ? { page } : {}),
      limit: limit ?? 100,
      ...text,
    }),
    withCount === true ? store.count(model, checked, text) : undefined,
  ]);
  const marks = withMarks === true ? await store.marks(model, items) : undefined;
  return { items, ...(count === undefined ? {} : { count }), ...(marks === undefined ? {} : { marks }) };
}

/** The channels that read or write records: model, fields, keys and predicates checked first. */
function recordChannels(services: AppServices): ChannelHandlers<RecordChannel> {
  const { schema } = services;
  return {
    save: async ({ model, record, condition }) => {
      const clean = writableRecord(requireModel(schema, model), record);
      const checked = checkedPredicate(services, model, condition, 'condition');
      return services.store().save(model, clean, checked === undefined ? {} : { condition: checked });
    },
    get: async ({ model, id }) => services.store().get(model, checkedKey(schema, requireModel(schema, model), id)),
    query: (request) => queryRecords(services, request),
    delete: async ({ model, id, where, condition }) => {
      const def = requireModel(schema, model);
      const target = id !== undefined ? { key: checkedKey(schema, def, id) } : { where: checkedPredicate(services, model, where, 'where')! };
      const checked = checkedPredicate(services, model, condition, 'condition');
      return services.store().delete(model, target, checked === undefined ? {} : { condition: checked });
    },
    deletePreview: async ({ model, id }) => services.deletePreview(model, checkedKey(schema, requireModel(schema, model), id)),
    draftSave: async ({ model, key, values }) => {
      const def = requireModel(schema, model);
      return services.draftSave(model, key === null ? null : checkedKey(schema, def, key), values);
    },
    exportList: async ({ model, where, sort, search, ignoreCase, format, withAttachments }) => {
      checkSort(services, model, sort);
      const checked = checkedPredicate(services, model, where, 'where');
      return services.exportList({
        model,
        ...(checked ? { where: checked } : {}),
        ...(sort ? { sort } : {}),
        ...(search !== undefined && search.trim() !== '' ? { search } : {}),
        ...(ignoreCase === true ? { ignoreCase: true } : {}),
        format,
        withAttachments: withAttachments === true,
      });
    },
  };
}

/** The channels that start and stop a sender's live subscriptions. */
function subscriptionChannels(services: AppServices, senders: SenderRegistry): ChannelHandlers<SubscriptionChannel> {
  return {
    observe: async ({ model, where }, state) => {
      if (model !== undefined) requireModel(services.schema, model);
      else if (where !== undefined) throw new ValidationError('observe: a where predicate needs a model', 'observe.where');
      const checked = model === undefined ? undefined : checkedPredicate(services, model, where, 'where');
      const store = services.store();
      return senders.subscribe(state, (subscriptionId) =>
        store.observe(model, checked, (change) => senders.push(state, wireChannel('dataChange'), { subscriptionId, ...change })),
      );
    },
    observeQuery: async ({ model, where, sort }, state) => {
      requireModel(services.schema, model);
      const checked = checkedPredicate(services, model, where, 'where');
      const store = services.store();
      return senders.subscribe(state, (subscriptionId) =>
        store.observeQuery(model, checked, sort, (snapshot) =>
          senders.push(state, wireChannel('querySnapshot'), { subscriptionId, items: snapshot.items, isSynced: snapshot.isSynced }),
        ),
      );
    },
    unobserve: async ({ subscriptionId }, state) => {
      const stop = state.subscriptions.get(subscriptionId);
      state.subscriptions.delete(subscriptionId);
      stop?.();
      return { removed: stop !== undefined };
    },
  };
}

/** The channels answered by `services` as they are (their requests need no check beyond the zod schema). */
function serviceChannels(services: AppServices): ChannelHandlers<Exclude<RequestChannel, RecordChannel | SubscriptionChannel | AttachmentChannel>> {
  return {
    schema: async () => services.schema,
    clear: (request) => services.clear(request),
    syncStatus: async () => services.syncStatus(),
    startSync: () => services.startSync(),
    stopSync: () => services.stopSync(),
    conflictsList: () => services.conflictsList(),
    conflictsResolve: (request) => services.conflictsResolve(request),
    reviewList: () => services.reviewList(),
    reviewResolve: (request) => services.reviewResolve(request),
    draftsList: () => services.draftsList(),
    draftDiscard: (request) => services.draftDiscard(request),
    trashList: () => services.trashList(),
    trashRestore: (request) => services.trashRestore(request),
    access: () => services.access(),
    formHints: () => services.formHints(),
    syncActivity: (request) => services.syncActivity(request),
    syncSettings: () => services.syncSettings(),
    setSyncSettings: (request) => services.setSyncSettings(request),
    signIn: (request) => services.signIn(request),
    // Only an OpenID Connect sign-in waits on the user (in the browser); wired with it (issue 15).
    cancelSignIn: async () => (services.cancelSignIn ? services.cancelSignIn() : { cancelled: false }),
    openProfile: (request) => services.openProfile(request),
    signOut: (request) => services.signOut(request),
    currentUser: async () => services.currentUser(),
    profiles: () => services.profiles(),
    devices: () => services.devices(),
    revokeDevice: (request) => services.revokeDevice(request),
  };
}

/** Registers every contract channel on `host`, answering through `services`. */
export function registerHandlers(host: IpcHost, services: AppServices): IpcHandlers {
  const senders = new SenderRegistry();
  const impl: ChannelHandlers<RequestChannel> = {
    ...recordChannels(services),
    ...subscriptionChannels(services, senders),
    ...serviceChannels(services),
    // Their requests need no check beyond the zod schema; the open session's attachments answer them.
    ...(services.attachments satisfies ChannelHandlers<AttachmentChannel>),
  };

  for (const channel of requestChannels) {
    const run = impl[channel] as (request: unknown, state: SenderState) => Promise<unknown>;
    const schema = requests[channel].request as z.ZodType;
    host.handle(wireChannel(channel), async (sender, payload) => {
      try {
        const state = senders.stateOf(sender);
        const raw = payload === undefined || payload === null ? {} : payload;
        assertPlainJson(raw, channel, channel === 'attachmentStageChunk' ? CHUNK_LIMITS : DEFAULT_LIMITS);
        const parsed = schema.safeParse(raw);
        if (!parsed.success) return { ok: false, error: zodToError(channel, parsed.error) };
        return { ok: true, value: await run(parsed.data, state) };
      } catch (error) {
        return { ok: false, error: toIpcError(channel, error) };
      }
    });
  }

  return {
    broadcast: (event, payload) => senders.pushAll(wireChannel(event), payload),
    dropSubscriptions: () => senders.dropSubscriptions(),
    subscriptionCounts: () => senders.subscriptionCounts(),
  };
}
