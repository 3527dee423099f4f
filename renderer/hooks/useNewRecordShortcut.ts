// Ctrl+N (Cmd+N on macOS): a new record of the model on screen, not where this sign-in could never
// save one ("New" says why it is off there).
import { useEffect } from 'react';
import type { Access } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { offersNew, type Route } from '../route.js';
import { accessRefusal } from '../work-view.js';

/** Listens for Ctrl+N on the window while mounted and routes to a new record through `setRoute`. */
export function useNewRecordShortcut(route: Route | null, setRoute: (next: Route) => void, schema: Schema | null, access: Access | null): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'n' && offersNew(route)) {
        event.preventDefault();
        const def = schema ? findModel(schema, route.model) : undefined;
        if (def !== undefined && accessRefusal(access, def, 'create') !== null) return;
        setRoute({ screen: 'form', model: route.model, recordKey: null });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route, setRoute, schema, access]);
}
