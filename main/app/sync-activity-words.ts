// What a sync event says on the Sync activity screen, in a field worker's words: models by their
// labels from the schema ("3 new sites"), counts pluralised, null for events too frequent or too
// technical to list (progress ticks, outbox counts, a model with nothing new). Events that come
// once per record (a change accepted) carry a `tally`: the log folds a run of them into one line.
import type { SyncActivityEntry } from '../../common/ipc/contract.js';
import { findModel } from '../../common/schema/model-fields.js';
import { pluralLabel, recordLabel } from '../../common/schema/record-labels.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { SyncEvent } from '../../common/sync/sync-events.js';

/** Lines of one kind that fold into one: `text(n)` says n of them. */
export interface Tally {
  readonly key: string;
  readonly text: (n: number) => string;
}

/** One line's words: what it says, whether it is a problem, its model, and how it folds. */
export type Words = Pick<SyncActivityEntry, 'text' | 'level'> & { readonly model?: string; readonly tally?: Tally };

const count = (n: number): string => n.toLocaleString('en-US');

/** "1 site" / "3 sites" from the model's labels; a model not in the schema by its name. */
export function modelCount(schema: Schema | null, model: string, n: number): string {
  return `${count(n)} ${n === 1 ? singularLabel(model) : pluralOf(schema, model)}`;
}

/** "site" for Site, "field visit" for FieldVisit. */
export function singularLabel(model: string): string {
  return words(model);
}

/** "sites", or the schema's plural name in words. */
export function pluralOf(schema: Schema | null, model: string): string {
  const def = modelDef(schema, model);
  return def ? words(pluralLabel(def)) : `${words(model)}s`;
}

/** "FieldVisit" → "field visit". */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

function modelDef(schema: Schema | null, model: string): ModelDef | undefined {
  return schema ? findModel(schema, model) : undefined;
}

/** "a, b and c". */
export function joinWords(parts: readonly string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "127.0.0.1:4000" for a server address; the address itself when it is not a URL; "no server" for null. */
export function hostOf(server: string | null): string {
  if (server === null) return 'no server';
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** A record named for people: `site “North 1”`. */
function named(schema: Schema | null, model: string, record: ModelRecord | null | undefined): string {
  const def = modelDef(schema, model);
  const label = record ? recordLabel(def, record) : null;
  return label === null || label === '(missing record)' ? `a ${singularLabel(model)}` : `${singularLabel(model)} “${label}”`;
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** What came from the server for one model: "3 new sites, 1 changed and 2 deleted". */
export function receivedText(schema: Schema | null, model: string, counts: { new: number; updated: number; deleted: number }): string | null {
  const n = (v: number) => (Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  const [created, updated, deleted] = [n(counts.new), n(counts.updated), n(counts.deleted)];
  const total = created + updated + deleted;
  if (total === 0) return null;
  // The first part names the model; the others lean on it ("3 new sites, 1 changed").
  const parts: string[] = [];
  if (created > 0) parts.push(`${modelCount(schema, model, created).replace(/^(\S+) /, '$1 new ')}`);
  if (updated > 0) parts.push(parts.length === 0 ? `${modelCount(schema, model, updated)} changed` : `${count(updated)} changed`);
  if (deleted > 0) parts.push(parts.length === 0 ? `${modelCount(schema, model, deleted)} deleted` : `${count(deleted)} deleted`);
  return joinWords(parts);
}

/** The line `event` makes, or null when it makes none; `schema` names the models. */
export function describeSyncEvent(event: SyncEvent, schema: Schema | null = null): Words | null {
  switch (event.type) {
    case 'networkStatus':
      return event.data.active
        ? { text: 'Connected to the server', level: 'info' }
        : { text: 'Went offline: changes wait on this computer and are sent when the server can be reached', level: 'problem' };
    case 'syncQueriesStarted': {
      const models = event.data.models;
      const what = models.length <= 3 ? joinWords(models.map((m) => pluralOf(schema, m))) : `${count(models.length)} kinds of record`;
      return { text: models.length === 0 ? 'Checking the server for changes' : `Checking the server for changes to ${what}`, level: 'info' };
    }
    case 'modelSynced': {
      const { model, counts, complete } = event.data;
      const received = receivedText(schema, model, counts);
      if (complete) return received === null ? null : { text: `Received ${received} from the server`, level: 'info', model };
      return {
        text: `${received === null ? `No new ${pluralOf(schema, model)}` : `Received ${received}`}; more ${pluralOf(schema, model)} wait on the server (the sync limit stopped this round)`,
        level: 'problem',
        model,
      };
    }
    case 'syncLimitReached': {
      const { model, received, total } = event.data;
      const of = total === null || !Number.isFinite(total) ? '' : ` of ${count(total)}`;
      return {
        text: `Only ${count(Math.max(0, Math.floor(received)))}${of} ${pluralOf(schema, model)} are on this computer: raise "Max records to sync per model" in Settings to get the rest`,
        level: 'problem',
        model,
      };
    }
    case 'syncQueriesReady':
      return { text: 'Up to date with the server', level: 'info' };
    case 'subscriptionsEstablished':
      return { text: 'Listening for changes made on other devices', level: 'info' };
    case 'outboxMutationProcessed': {
      const model = event.data.model;
      const text = (n: number) =>
        `Sent ${n === 1 ? `a change to ${named(schema, model, event.data.element)}` : `${count(n)} changes to ${pluralOf(schema, model)}`}`;
      return { text: text(1), level: 'info', model, tally: { key: `sent:${model}`, text } };
    }
    case 'nonApplicableDataReceived': {
      const n = event.data.errors.length;
      return {
        text: `${capital(pluralOf(schema, event.data.modelName))} from the server came with ${n === 1 ? 'a problem' : `${count(n)} problems`}: ${event.data.errors[0]?.message ?? 'no details'}`,
        level: 'problem',
        model: event.data.modelName,
      };
    }
    case 'conflict': {
      const { model, resolution } = event.data;
      const what = capital(named(schema, model, event.data.remoteModel ?? event.data.localModel));
      const outcome = resolution.kind === 'retry' ? 'your change was sent again on top of it' : 'the server’s version was kept; see Review for your values';
      return { text: `${what} was changed on another device too: ${outcome}`, level: 'problem', model };
    }
    case 'error': {
      const { model, message, process } = event.data;
      const record = model ? named(schema, model, event.data.localModel) : null;
      const text =
        process === 'mutate'
          ? `The server refused ${record ? `a change to ${record}` : 'a change'}: ${message}`
          : process === 'subscribe'
            ? `Live changes${model ? ` to ${pluralOf(schema, model)}` : ''} stopped: ${message}`
            : `Could not get ${model ? pluralOf(schema, model) : 'changes'} from the server: ${message}`;
      return { text, level: 'problem', ...(model ? { model } : {}) };
    }
    default:
      return null;
  }
}
