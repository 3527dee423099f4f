// What a model's list remembers while the app runs: its filter, search, sort and whether the filter
// matches case — per profile and model, so leaving the list and coming back (or reloading the
// window) finds it as it was. Kept in the window's sessionStorage, not localStorage: filter and
// search text are record text, and the profile's data is encrypted at rest; sessionStorage lives
// in memory and ends with the app, so no copy of it lands on disk beside the encrypted database.
// Stored text is untrusted on reading: anything that no longer fits the schema is dropped.
import type { ModelDef } from '../common/schema/types.js';
import { EMPTY_FILTER, filterableField, type Condition, type FilterDraft } from './filter-draft.js';
import type { ListSort } from './list-sort.js';
import { CHANGED_AT_SORT_FIELD } from '../common/predicates/recency.js';

/** One list's remembered state. */
export interface ListState {
  readonly filter: FilterDraft;
  readonly search: string;
  /** null: the default order, newest first. */
  readonly sort: ListSort | null;
  /** Text conditions match case and accents exactly (off by default: "east" finds "East"). */
  readonly matchCase: boolean;
}

export const DEFAULT_LIST_STATE: ListState = { filter: EMPTY_FILTER, search: '', sort: null, matchCase: false };

/** The storage key of `model`'s list for the profile `profileId`. */
export function listStateKey(profileId: string, model: string): string {
  return `outpost.list.v1:${profileId}:${model}`;
}

/** The text stored for `state`. */
export function serializeListState(state: ListState): string {
  return JSON.stringify(state);
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function condition(model: ModelDef, value: unknown): Condition | null {
  const c = record(value);
  if (c === null || typeof c.field !== 'string' || typeof c.op !== 'string') return null;
  const field = filterableField(model, c.field);
  if (!field || !(field.operators as readonly string[]).includes(c.op)) return null;
  return {
    field: c.field,
    op: c.op as Condition['op'],
    value: typeof c.value === 'string' ? c.value : '',
    value2: typeof c.value2 === 'string' ? c.value2 : '',
  };
}

function sortOf(model: ModelDef, value: unknown): ListSort | null {
  const s = record(value);
  if (s === null || typeof s.field !== 'string' || (s.direction !== 'asc' && s.direction !== 'desc')) return null;
  const known = s.field === CHANGED_AT_SORT_FIELD || model.fields.some((f) => f.name === s.field && f.type.kind !== 'model' && !f.isList);
  return known ? { field: s.field, direction: s.direction } : null;
}

/** The state stored as `text` for `model`, with whatever no longer fits the schema dropped; the default for nothing or junk. */
export function parseListState(model: ModelDef, text: string | null): ListState {
  if (text === null) return DEFAULT_LIST_STATE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return DEFAULT_LIST_STATE;
  }
  const raw = record(parsed);
  if (raw === null) return DEFAULT_LIST_STATE;
  const filter = record(raw.filter);
  const conditions = Array.isArray(filter?.conditions) ? (filter.conditions as unknown[]).map((c) => condition(model, c)).filter((c) => c !== null) : [];
  return {
    filter: { combine: filter?.combine === 'or' ? 'or' : 'and', conditions },
    search: typeof raw.search === 'string' ? raw.search.slice(0, 500) : '',
    sort: sortOf(model, raw.sort),
    matchCase: raw.matchCase === true,
  };
}
