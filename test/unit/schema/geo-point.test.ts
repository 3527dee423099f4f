// GeoPoints are recognised by their shape; values out of range are refused with plain words naming
// the part, by geoPointProblem and by validateRecord (which the local datastore and the server use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ValidationError } from '../../../common/errors.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { geoPointFields, geoPointLayout, geoPointProblem, geoPointProblems, isGeoPointType } from '../../../common/schema/geo-point.js';
import { validateRecord } from '../../../common/schema/validate-record.js';
import { propertySeed } from '../predicates/predicate-arbitraries.js';

const SDL = `
type GeoPoint { latitude: Float! longitude: Float! accuracyMeters: Float }
type Fix { latitude: Float! longitude: Float! accuracy: Float altitude: Float altitudeAccuracy: Float label: String }
type Loose { latitude: Float longitude: Float! }
type IntAccuracy { latitude: Float! longitude: Float! accuracy: Int }
type Listed { latitude: [Float]! longitude: Float! }
type Place { lat: Float! lng: Float! }
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Spot @model {
  id: ID!
  name: String
  where: GeoPoint
  fix: Fix
  trail: [GeoPoint]
  loose: Loose
  place: Place
  photo: Attachment
}`;
const schema = parseSchema(SDL);
const example = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

test('a non-model type is a GeoPoint by its shape: required Float latitude and longitude, optional parts single Floats', () => {
  const is = (name: string) => isGeoPointType(schema.embeddedTypes[name]);
  assert.equal(is('GeoPoint'), true);
  assert.equal(is('Fix'), true, 'other fields (label) are allowed');
  assert.equal(is('Loose'), false, 'latitude must be required');
  assert.equal(is('IntAccuracy'), false, 'an accuracy part must be a Float');
  assert.equal(is('Listed'), false, 'a list is not a coordinate');
  assert.equal(is('Place'), false, 'lat/lng are not the names');
  assert.equal(is('Attachment'), false);
  assert.equal(isGeoPointType(example.embeddedTypes.GeoPoint), true, 'the example schema’s GeoPoint');
  assert.deepEqual(geoPointLayout(schema.embeddedTypes.GeoPoint), { latitude: 'latitude', longitude: 'longitude', accuracy: 'accuracyMeters' });
  assert.deepEqual(geoPointLayout(schema.embeddedTypes.Fix), {
    latitude: 'latitude',
    longitude: 'longitude',
    accuracy: 'accuracy',
    altitude: 'altitude',
    altitudeAccuracy: 'altitudeAccuracy',
  });
  assert.deepEqual(
    geoPointFields(schema, getModel(schema, 'Spot')).map((f) => f.name),
    ['where', 'fix', 'trail'],
  );
  assert.deepEqual(
    geoPointFields(example, getModel(example, 'Site')).map((f) => f.name),
    ['location'],
  );
  assert.deepEqual(geoPointFields(example, getModel(example, 'Observation')), []);
});

test('geoPointProblem names the part and the rule in plain words', () => {
  assert.equal(geoPointProblem({ latitude: 51.5, longitude: -0.12, accuracyMeters: 4 }), null);
  assert.equal(geoPointProblem({ latitude: -90, longitude: 180 }), null, 'the bounds themselves are valid');
  assert.equal(geoPointProblem({ latitude: 90, longitude: -180, accuracyMeters: 0 }), null);
  assert.equal(geoPointProblem({ latitude: 200, longitude: 0 }), 'latitude must be between −90 and 90, got 200');
  assert.equal(geoPointProblem({ latitude: -90.000001, longitude: 0 }), 'latitude must be between −90 and 90, got -90.000001');
  assert.equal(geoPointProblem({ latitude: 0, longitude: 180.5 }), 'longitude must be between −180 and 180, got 180.5');
  assert.equal(geoPointProblem({ latitude: 0, longitude: 0, accuracyMeters: -3 }), 'accuracy must be 0 metres or more, got -3');
  assert.equal(geoPointProblem({ latitude: 0, longitude: 0, altitudeAccuracy: -1 }), 'altitude accuracy must be 0 metres or more, got -1');
  assert.equal(geoPointProblem({ latitude: Number.NaN, longitude: 0 }), 'latitude must be a finite number, got NaN');
  assert.equal(geoPointProblem({ latitude: 0, longitude: Infinity }), 'longitude must be a finite number, got Infinity');
  assert.equal(geoPointProblem({ latitude: 0, longitude: 0, altitude: -Infinity }), 'altitude must be a finite number, got -Infinity');
  assert.equal(geoPointProblem({ latitude: 'north', longitude: 0 }), 'latitude must be a number, got "north"');
  assert.equal(geoPointProblem({ longitude: 0 }), 'latitude must be a number, got nothing');
  assert.equal(geoPointProblem({ latitude: 0, longitude: null }), 'longitude must be a number, got null');
  assert.equal(geoPointProblem({ latitude: 0, longitude: 0, accuracyMeters: null, altitude: null }), null, 'optional parts may be null');
  assert.equal(geoPointProblem(null), 'a location must be an object { latitude, longitude }');
  assert.equal(geoPointProblem([1, 2]), 'a location must be an object { latitude, longitude }');
  // Every problem, in part order, each with the field it is in.
  assert.deepEqual(geoPointProblems({ latitude: 95, longitude: -200, accuracyMeters: -1 }), [
    { field: 'latitude', message: 'latitude must be between −90 and 90, got 95' },
    { field: 'longitude', message: 'longitude must be between −180 and 180, got -200' },
    { field: 'accuracyMeters', message: 'accuracy must be 0 metres or more, got -1' },
  ]);
  // With a type's layout, only its fields are read (an `accuracy` key is not the accuracyMeters part).
  const layout = geoPointLayout(schema.embeddedTypes.GeoPoint) ?? assert.fail('GeoPoint is GeoPoint-shaped');
  assert.deepEqual(geoPointProblems({ latitude: 0, longitude: 0, accuracy: -1 }, layout), []);
});

test('validateRecord refuses an out-of-range location with rule "range" and the path of the part', () => {
  const refused = (record: Record<string, unknown>, path: string, message: string) =>
    assert.throws(
      () => validateRecord(example, 'Site', record, 'create'),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.path, path);
        assert.equal(error.message, message);
        assert.equal(error.details?.rule, 'range');
        return true;
      },
    );
  refused(
    { name: 'x', location: { latitude: 200, longitude: 0 } },
    'Site.location.latitude',
    'Site.location.latitude: latitude must be between −90 and 90, got 200',
  );
  refused(
    { name: 'x', location: { latitude: 0, longitude: -181 } },
    'Site.location.longitude',
    'Site.location.longitude: longitude must be between −180 and 180, got -181',
  );
  refused(
    { name: 'x', location: { latitude: 0, longitude: 0, accuracyMeters: -0.5 } },
    'Site.location.accuracyMeters',
    'Site.location.accuracyMeters: accuracy must be 0 metres or more, got -0.5',
  );
  // Updates check the embedded value too; lists name the item.
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: -91, longitude: 0 } }, 'update'), { path: 'Site.location.latitude' });
  assert.throws(
    () =>
      validateRecord(
        schema,
        'Spot',
        {
          trail: [
            { latitude: 1, longitude: 2 },
            { latitude: 1, longitude: 500 },
          ],
        },
        'update',
      ),
    {
      path: 'Spot.trail[1].longitude',
      message: 'Spot.trail[1].longitude: longitude must be between −180 and 180, got 500',
    },
  );
  assert.throws(() => validateRecord(schema, 'Spot', { fix: { latitude: 1, longitude: 2, altitudeAccuracy: -2 } }, 'update'), {
    path: 'Spot.fix.altitudeAccuracy',
  });
  // Valid values pass unchanged; a type that is not GeoPoint-shaped is not range-checked.
  const location = { latitude: -33.865143, longitude: 151.2099, accuracyMeters: 12.5 };
  assert.deepEqual(validateRecord(example, 'Site', { name: 'x', location }, 'create').location, location);
  assert.deepEqual(validateRecord(schema, 'Spot', { place: { lat: 500, lng: 500 } }, 'update'), { place: { lat: 500, lng: 500 } });
  assert.deepEqual(validateRecord(schema, 'Spot', { where: null }, 'update'), { where: null });
});

test('type checks come first and keep their messages: a non-number latitude is a Float error, not a range one', () => {
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: 'north', longitude: 0 } }, 'update'), {
    message: 'Site.location.latitude (Float) must be a finite number (got "north")',
  });
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: 1 } }, 'update'), { message: 'Site.location.longitude is required' });
});

test('every finite latitude and longitude: accepted exactly when within range (fast-check)', () => {
  const seed = propertySeed();
  const coordinate = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -400, max: 400 }),
    fc.constantFrom(-180, -90, 0, -0, 90, 180, 90.0000001, -180.0000001),
  );
  try {
    fc.assert(
      fc.property(coordinate, coordinate, (latitude, longitude) => {
        const inRange = latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180;
        let accepted = true;
        try {
          validateRecord(example, 'Site', { name: 'x', location: { latitude, longitude } }, 'create');
        } catch (error) {
          assert.ok(error instanceof ValidationError && error.details?.rule === 'range', String(error));
          accepted = false;
        }
        assert.equal(accepted, inRange, `latitude ${latitude}, longitude ${longitude}`);
        assert.equal(geoPointProblem({ latitude, longitude }) === null, inRange);
      }),
      { seed, numRuns: 500 },
    );
  } catch (error) {
    console.error(`geo-point property failed; replay with FC_SEED=${seed}`);
    throw error;
  }
});
