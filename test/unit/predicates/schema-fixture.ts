// The schemas the predicate tests run on, parsed by the real schema parser: the example app's
// schema/schema.graphql and a second schema whose `Reading` model holds every scalar type, the
// list kinds and a composite primary key.
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Schema } from '../../../common/schema/types.js';

const examplePath = new URL('../../../schema/schema.graphql', import.meta.url);

/** schema/schema.graphql, parsed. */
export const exampleSchema: Schema = parseSchema(readFileSync(examplePath, 'utf8'), 'schema/schema.graphql');

const READING_SDL = `
enum Level { low Mid HIGH_2 }
type Reading @model @auth(rules: [{ allow: owner }]) {
  deviceId: ID! @primaryKey(sortKeyFields: ["takenAt"])
  takenAt: AWSDateTime!
  label: String
  count: Int
  value: Float
  ok: Boolean
  day: AWSDate
  time: AWSTime
  epoch: AWSTimestamp
  email: AWSEmail
  payload: AWSJSON
  url: AWSURL
  phone: AWSPhone
  ip: AWSIPAddress
  level: Level
  counts: [Int]
  flags: [Boolean]
  levels: [Level]
  days: [AWSDate]
}
`;

/** A second schema: one model with every scalar type, list kinds and a composite primary key. */
export const readingSchema: Schema = parseSchema(READING_SDL, 'reading.graphql');
