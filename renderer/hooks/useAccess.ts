// What the signed-in identity may do per model, fetched once per profile.
import { useEffect, useState } from 'react';
import type { Access } from '../../common/ipc/contract.js';
import { api } from '../api.js';

/**
 * What the signed-in identity may do per model (`access`), fetched once per profile; null until
 * known or when main cannot tell (then the UI offers everything and main's refusal explains).
 */
export function useAccess(profileId: string | null): Access | null {
  const [access, setAccess] = useState<Access | null>(null);
  useEffect(() => {
    setAccess(null);
    if (profileId === null) return undefined;
    let live = true;
    void api.access().then(
      (a) => live && setAccess(a),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [profileId]);
  return access;
}
