// The headers every request of the sync worker carries, as Amplify DataStore sends them
// (amplify-js `packages/core/src/Platform/index.ts` getAmplifyUserAgent; `api-graphql`
// InternalGraphQLAPI and AWSAppSyncRealTimeProvider): `x-amz-user-agent` is
// `aws-amplify/<version> datastore/<action> framework/<code>` — action 2 (GraphQl) on HTTP, action 1
// (Subscribe) inside each real-time `start`'s authorization; framework 100 (ServerSideUnknown) is
// what Amplify detects in a Node process such as Electron's main process. Amplify appends custom
// user-agent state as further `key/value` pairs; we append `outpost/<version>` the same way, so a
// backend's metrics see DataStore's wire and can still tell Outpost apart.
//
// `content-type` is Amplify's `application/json; charset=UTF-8` (api-rest resolveHeaders).
// `accept`: DataStore sets none (fetch's default `*/*`); urql's default lists
// `application/graphql-response+json, …, text/event-stream, multipart/mixed` for incremental
// delivery and SSE, which AppSync never speaks (it always answers `application/json`), and some
// servers mis-handle streaming types they do not support (gqlgen#3275). We send
// `application/json`: the one type every AppSync-style server answers with.

/** The Amplify release whose DataStore wire we follow (the version the compat tests run). */
export const AMPLIFY_VERSION = '6.22.1';
/** Outpost's own entry in the user agent. */
export const OUTPOST_USER_AGENT = 'outpost/1';

/** `x-amz-user-agent` of queries and mutations over HTTP (DataStoreAction.GraphQl = 2). */
export const HTTP_USER_AGENT = `aws-amplify/${AMPLIFY_VERSION} datastore/2 framework/100 ${OUTPOST_USER_AGENT}`;
/** `x-amz-user-agent` inside each subscription `start`'s authorization (DataStoreAction.Subscribe = 1). */
export const SUBSCRIPTION_USER_AGENT = `aws-amplify/${AMPLIFY_VERSION} datastore/1 framework/100 ${OUTPOST_USER_AGENT}`;

/** Headers set on every GraphQL HTTP request (over whatever urql set). */
export const GRAPHQL_HTTP_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=UTF-8',
  accept: 'application/json',
  'x-amz-user-agent': HTTP_USER_AGENT,
};
