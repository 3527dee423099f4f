// Pushed events from main (preload `on`) as a React hook.
import { useEffect, useRef } from 'react';
import type { EventChannel, EventOf } from '../../common/ipc/contract.js';
import { api } from '../api.js';

/** Calls `handler` for every `event` while mounted (always the latest handler). */
export function useEvent<E extends EventChannel>(event: E, handler: (payload: EventOf<E>) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => api.on(event, (payload) => latest.current(payload)), [event]);
}
