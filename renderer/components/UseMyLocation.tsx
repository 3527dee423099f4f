// "Use my location" for a GeoPoint-shaped group (common/schema/geo-point.ts): asks the device once,
// fills latitude, longitude and accuracy (and altitude where the type has it), and says in plain
// words why not when it cannot. The button is only aria-disabled while locating, so a keyboard
// user's focus stays on it; the status line keeps its height, so nothing below it jumps.
import { useEffect, useRef, useState } from 'react';
import type { GeoPointLayout } from '../../common/schema/geo-point.js';

/** What the device is asked for: its best fix (GPS where there is one), within 15 s, never a cached one. */
export const LOCATE_OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 };

/** Ms after which an unanswered request counts as timed out (a permission prompt nobody sees never answers). */
const GIVE_UP_MS = 20_000;

/** The parts of a reading this control uses (GeolocationCoordinates has them all). */
export type Coordinates = Pick<GeolocationCoordinates, 'latitude' | 'longitude' | 'accuracy' | 'altitude' | 'altitudeAccuracy'>;

function rounded(value: number, decimals: number): string {
  // Number() drops trailing zeros ("51.500000" → "51.5"); String(-0) is "0".
  return String(Number(value.toFixed(decimals)));
}

/**
 * The form values (strings) a reading gives the group's fields: degrees to 6 decimals (about 0.1 m),
 * metres to 1 decimal. A part the device did not report (altitude) is cleared, never left stale.
 */
export function positionParts(layout: GeoPointLayout, coords: Coordinates): Record<string, string> {
  const parts: Record<string, string> = {
    [layout.latitude]: rounded(coords.latitude, 6),
    [layout.longitude]: rounded(coords.longitude, 6),
  };
  const metres = (value: number | null) => (value === null || !Number.isFinite(value) ? '' : rounded(value, 1));
  if (layout.accuracy !== undefined) parts[layout.accuracy] = metres(coords.accuracy);
  if (layout.altitude !== undefined) parts[layout.altitude] = metres(coords.altitude);
  if (layout.altitudeAccuracy !== undefined) parts[layout.altitudeAccuracy] = metres(coords.altitudeAccuracy);
  return parts;
}

/** Where the user turns location on, for the user agent `ua` (Electron's names the OS; a browser is a page). */
function whereToAllow(ua: string): string {
  if (!/\bElectron\//.test(ua)) return "allow location for this page in the browser's site settings, then try again";
  if (/Windows/.test(ua))
    return 'in Windows Settings › Privacy & security › Location, turn on Location services and "Let desktop apps access your location", then try again';
  if (/Macintosh|Mac OS X/.test(ua))
    return 'in System Settings › Privacy & Security › Location Services, turn Location Services on and allow Outpost, then try again';
  return "allow location for Outpost in your desktop's privacy settings (on Linux the location service must be running), then try again";
}

/** The plain message for a failed request (`error` null: this device has no geolocation at all). */
export function locationFailure(error: { readonly code: number; readonly message: string } | null, ua: string): string {
  if (error === null) return 'This device offers no location service: type the coordinates instead.';
  const detail = error.message.trim() === '' ? '' : ` (${error.message.trim()})`;
  switch (error.code) {
    case 1:
      return `Location permission is off for Outpost: ${whereToAllow(ua)}.`;
    case 3:
      return 'No position within 15 seconds: try again, ideally near a window or outdoors, or type the coordinates.';
    default:
      return `Your location is not available right now${detail}: check that location is turned on, or type the coordinates.`;
  }
}

type Status = { readonly kind: 'idle' } | { readonly kind: 'locating' } | { readonly kind: 'located' | 'failed'; readonly text: string };

/** The "Use my location" button and its status line; `onLocated` receives the fields' new form values. */
export function UseMyLocation(props: {
  readonly layout: GeoPointLayout;
  /** The group's label, for the button's accessible name when a form has several locations. */
  readonly label: string;
  /** The id prefix of the group's controls, for the status line's id. */
  readonly id: string;
  readonly disabled?: boolean | undefined;
  readonly onLocated: (parts: Record<string, string>) => void;
}) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  // The latest callback and whether this control still shows: an answer can come long after the click.
  const onLocated = useRef(props.onLocated);
  const attempt = useRef(0);
  useEffect(() => {
    onLocated.current = props.onLocated;
  });
  useEffect(
    () => () => {
      attempt.current++; // unmounted: a late answer is dropped
    },
    [],
  );

  const locating = status.kind === 'locating';
  const locate = () => {
    if (locating || props.disabled === true) return;
    const geolocation = typeof navigator === 'undefined' ? undefined : navigator.geolocation;
    if (geolocation === undefined) {
      setStatus({ kind: 'failed', text: locationFailure(null, '') });
      return;
    }
    const mine = ++attempt.current;
    const settle = (next: Status) => {
      if (attempt.current !== mine) return;
      attempt.current++;
      clearTimeout(giveUp);
      setStatus(next);
    };
    const giveUp = setTimeout(() => settle({ kind: 'failed', text: locationFailure({ code: 3, message: '' }, navigator.userAgent) }), GIVE_UP_MS);
    setStatus({ kind: 'locating' });
    geolocation.getCurrentPosition(
      (position) => {
        if (attempt.current !== mine) return;
        onLocated.current(positionParts(props.layout, position.coords));
        const accuracy = Number.isFinite(position.coords.accuracy) ? ` to within ${rounded(position.coords.accuracy, 1)} m` : '';
        settle({ kind: 'located', text: `Location filled in${accuracy}.` });
      },
      (error) => settle({ kind: 'failed', text: locationFailure(error, navigator.userAgent) }),
      LOCATE_OPTIONS,
    );
  };

  const statusId = `${props.id}-location-status`;
  return (
    <div className="use-location">
      <button
        type="button"
        className="secondary small use-location-button"
        aria-disabled={locating || props.disabled === true}
        aria-describedby={statusId}
        aria-label={`Use my location for ${props.label.replace(/ \*$/, '')}`}
        onClick={locate}
      >
        Use my location
      </button>
      <span id={statusId} className={`use-location-status ${status.kind}`} role="status">
        {status.kind === 'locating' ? 'Locating…' : status.kind === 'idle' ? '' : status.text}
      </span>
    </div>
  );
}
