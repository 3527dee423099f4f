// A location out of range is refused by the real server (on 127.0.0.1, SQLite and PostgreSQL) with
// an AppSync ValidationError whose message names the field and the rule in plain words — whatever
// client sent it (a device checks the same rule before queueing, an AppSync-built client may not).
// Nothing is written; an update out of range leaves the stored record as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { postgresUnavailable, startHarness, type Dialect, type GqlResponse, type Harness } from './server-harness.js';

const schemaText = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
const pgSkip = await postgresUnavailable();

const SITE_FIELDS = 'id name location { latitude longitude accuracyMeters } _version _deleted';
const CREATE_SITE = `mutation operation($input: CreateSiteInput!){ createSite(input: $input){ ${SITE_FIELDS} } }`;
const UPDATE_SITE = `mutation operation($input: UpdateSiteInput!){ updateSite(input: $input){ ${SITE_FIELDS} } }`;
const GET_SITE = `query operation($id: ID!){ getSite(id: $id){ ${SITE_FIELDS} } }`;

function refusal(res: GqlResponse, field: string): { errorType?: string | null; message: string } {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data?.[field] ?? null, null, 'no record comes back');
  const [error, ...more] = res.body.errors ?? [];
  assert.ok(error, `expected an error for ${field}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(more, []);
  assert.deepEqual(error.path, [field]);
  return error;
}

function defineSuite(dialect: Dialect): void {
  describe(`GeoPoint ranges on the server (${dialect})`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let h: Harness;
    before(async () => {
      // The example schema (Site.location: GeoPoint); its models keep the server's default strategy.
      h = await startHarness(dialect, { schema: schemaText, models: {} });
    });
    after(async () => {
      await h?.close();
    });

    test('createSite with latitude 200 is refused naming Site.location.latitude; nothing is stored', async () => {
      const id = `geo-${dialect}-1`;
      const res = await h.gql(h.alice, CREATE_SITE, { input: { id, name: 'Off the map', location: { latitude: 200, longitude: 10 } } });
      const error = refusal(res, 'createSite');
      assert.equal(error.errorType, 'ValidationError');
      assert.equal(error.message, 'Site.location.latitude: latitude must be between −90 and 90, got 200');
      const get = await h.gql(h.alice, GET_SITE, { id });
      assert.equal(get.body.data?.getSite, null, 'the refused create left no record');
    });

    test('longitude and accuracy are checked too, on create and on update; the stored record is untouched', async () => {
      const id = `geo-${dialect}-2`;
      const bad = await h.gql(h.alice, CREATE_SITE, { input: { id, name: 'Wide', location: { latitude: 1, longitude: -180.5 } } });
      assert.equal(refusal(bad, 'createSite').message, 'Site.location.longitude: longitude must be between −180 and 180, got -180.5');

      const created = await h.gql(h.alice, CREATE_SITE, {
        input: { id, name: 'North quarry', location: { latitude: 51.5, longitude: -0.12, accuracyMeters: 8 } },
      });
      assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
      const site = created.body.data?.createSite as { location: unknown; _version: number };
      assert.deepEqual(site.location, { latitude: 51.5, longitude: -0.12, accuracyMeters: 8 });

      const update = await h.gql(h.alice, UPDATE_SITE, {
        input: { id, _version: site._version, location: { latitude: 51.5, longitude: -0.12, accuracyMeters: -4 } },
      });
      const error = refusal(update, 'updateSite');
      assert.equal(error.errorType, 'ValidationError');
      assert.equal(error.message, 'Site.location.accuracyMeters: accuracy must be 0 metres or more, got -4');
      const after = await h.gql(h.alice, GET_SITE, { id });
      assert.deepEqual(after.body.data?.getSite, {
        id,
        name: 'North quarry',
        location: { latitude: 51.5, longitude: -0.12, accuracyMeters: 8 },
        _version: site._version,
        _deleted: null,
      });
    });

    test('the bounds themselves are accepted', async () => {
      const res = await h.gql(h.alice, CREATE_SITE, { input: { name: 'Pole', location: { latitude: -90, longitude: 180, accuracyMeters: 0 } } });
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      assert.deepEqual((res.body.data?.createSite as { location: unknown }).location, { latitude: -90, longitude: 180, accuracyMeters: 0 });
    });
  });
}

defineSuite('sqlite');
defineSuite('postgres');
