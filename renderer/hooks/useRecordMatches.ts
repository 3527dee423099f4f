// What a record picker reads: the label of the chosen record, and the records matching what is
// typed (the local search index, newest first), fetched after a short pause in typing.
import { useEffect, useState } from 'react';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import { api } from '../api.js';
import { querySort } from '../list-sort.js';
import { recordLabel } from '../schema-view.js';

/** Most matches listed at once. */
export const PICKER_LIMIT = 12;

/** The label of `model`'s record whose key is `value` ('' when none is chosen). */
export function useRecordLabel(model: ModelDef, value: string): string {
  const [label, setLabel] = useState('');
  useEffect(() => {
    let cancelled = false;
    if (value === '') setLabel('');
    else
      void api.get({ model: model.name, id: value }).then(
        (record) => !cancelled && setLabel(record ? recordLabel(model, record) : `(not on this computer: ${value})`),
        () => !cancelled && setLabel(value),
      );
    return () => {
      cancelled = true;
    };
  }, [model, value]);
  return label;
}

/** Up to PICKER_LIMIT records of `model` matching `text` (all, newest first, for ''); nothing while `text` is null. */
export function useRecordMatches(model: ModelDef, text: string | null): ModelRecord[] {
  const [options, setOptions] = useState<ModelRecord[]>([]);
  useEffect(() => {
    if (text === null) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      const search = text.trim();
      api.query({ model: model.name, limit: PICKER_LIMIT, sort: querySort(null), ...(search === '' ? {} : { search }) }).then(
        ({ items }) => !cancelled && setOptions(items),
        () => !cancelled && setOptions([]),
      );
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [model, text]);
  return options;
}
