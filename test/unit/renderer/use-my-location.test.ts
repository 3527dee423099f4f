// What "Use my location" writes into a GeoPoint group (renderer/components/UseMyLocation.tsx) and
// what it says when the device cannot answer: plain data in, form strings and sentences out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { geoPointLayout } from '../../../common/schema/geo-point.js';
import { LOCATE_OPTIONS, locationFailure, positionParts } from '../../../renderer/components/UseMyLocation.js';

const schema = parseSchema(`
type GeoPoint { latitude: Float! longitude: Float! accuracyMeters: Float }
type Fix { latitude: Float! longitude: Float! altitude: Float }
type Spot @model { id: ID! at: GeoPoint fix: Fix }`);
const geoPoint = geoPointLayout(schema.embeddedTypes.GeoPoint) ?? assert.fail('GeoPoint-shaped');
const fix = geoPointLayout(schema.embeddedTypes.Fix) ?? assert.fail('GeoPoint-shaped');
const reading = { latitude: 51.50073509, longitude: -0.12775829, accuracy: 12.3456, altitude: null, altitudeAccuracy: null };

test('a reading fills latitude and longitude to 6 decimals and the accuracy to 1, in the type’s own field names', () => {
  assert.deepEqual(positionParts(geoPoint, reading), { latitude: '51.500735', longitude: '-0.127758', accuracyMeters: '12.3' });
  assert.deepEqual(positionParts(geoPoint, { ...reading, latitude: 10, longitude: -0.0000001, accuracy: 5 }), {
    latitude: '10',
    longitude: '0',
    accuracyMeters: '5',
  });
  // A type without accuracy gets none; an altitude the device did not report is cleared, not left stale.
  assert.deepEqual(positionParts(fix, reading), { latitude: '51.500735', longitude: '-0.127758', altitude: '' });
  assert.deepEqual(positionParts(fix, { ...reading, altitude: 35.06 }), { latitude: '51.500735', longitude: '-0.127758', altitude: '35.1' });
});

test('the device is asked for a fresh, high-accuracy fix within 15 s', () => {
  assert.deepEqual(LOCATE_OPTIONS, { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 });
});

test('failures are plain sentences: denied says where to allow it on this OS, unavailable keeps the reason', () => {
  const electron = (os: string) => `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Outpost/0.1.0 Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36`;
  const denied = { code: 1, message: 'User denied Geolocation' };
  assert.match(
    locationFailure(denied, electron('Windows NT 10.0; Win64; x64')),
    /^Location permission is off for Outpost: .*Let desktop apps access your location/,
  );
  assert.match(
    locationFailure(denied, electron('Macintosh; Intel Mac OS X 10_15_7')),
    /^Location permission is off for Outpost: .*Location Services.*allow Outpost/,
  );
  assert.match(locationFailure(denied, electron('X11; Linux x86_64')), /^Location permission is off for Outpost: .*privacy settings/);
  assert.match(locationFailure(denied, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36'), /^Location permission is off for Outpost: .*browser/);
  assert.equal(
    locationFailure({ code: 2, message: "Network location provider at 'https://www.googleapis.com/' : Returned error code 403." }, electron('Windows NT 10.0')),
    "Your location is not available right now (Network location provider at 'https://www.googleapis.com/' : Returned error code 403.): check that location is turned on, or type the coordinates.",
  );
  assert.equal(
    locationFailure({ code: 2, message: '' }, ''),
    'Your location is not available right now: check that location is turned on, or type the coordinates.',
  );
  assert.match(locationFailure({ code: 3, message: 'Timeout expired' }, ''), /^No position within 15 seconds/);
  assert.match(locationFailure(null, ''), /no location service/);
});
