// A schema with composite primary keys for the IPC, fuzz and desktop tests: a Visit is keyed by
// its Site, its date and its shift (an AWSDate and ids holding "-", so its `modelId` cannot be
// split back into the key), and a Reading belongs to a Visit through all three fields.
import { parseSchema } from '../../../common/schema/parse-schema.js';

export const VISIT_SDL = /* GraphQL */ `
enum Weather { SUNNY RAIN SNOW }
type Site @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  name: String!
  visits: [Visit] @hasMany(indexName: "bySite", fields: ["id"])
}
type Visit @model @auth(rules: [{ allow: owner }]) {
  siteID: ID! @primaryKey(sortKeyFields: ["visitedOn", "shift"]) @index(name: "bySite", sortKeyFields: ["visitedOn"])
  visitedOn: AWSDate!
  shift: Int!
  site: Site @belongsTo(fields: ["siteID"])
  notes: String
  weather: Weather
  readings: [Reading] @hasMany(indexName: "byVisit", fields: ["siteID", "visitedOn", "shift"])
}
type Reading @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  label: String!
  visitSiteID: ID! @index(name: "byVisit", sortKeyFields: ["visitVisitedOn", "visitShift"])
  visitVisitedOn: AWSDate!
  visitShift: Int!
  visit: Visit @belongsTo(fields: ["visitSiteID", "visitVisitedOn", "visitShift"])
  value: Float
}
`;

export const visitSchema = parseSchema(VISIT_SDL, 'visit-schema.graphql');
