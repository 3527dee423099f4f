// The current time, refreshed on an interval, for sentences like "last synced 2 minutes ago".
import { useEffect, useState } from 'react';

/** Re-renders every `ms` (for "last synced 2 minutes ago"). */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
