import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUBSCRIPTION_USER_AGENT } from '../../../main/sync/wire-headers.js';
import {
  amzDate,
  apiKeyAuthHeaders,
  authSubprotocols,
  isAuthError,
  isNonRetryableConnectionError,
  jwtAuthHeaders,
  keepAliveState,
  realtimeUrl,
  startFrame,
  withAuthQuery,
} from '../../../main/sync/realtime-protocol.js';
import { clientFrames, parseServerFrame } from '../../../common/realtime/realtime-frames.js';

test('real-time URL: AppSync host swap, custom domains get /realtime', () => {
  assert.equal(realtimeUrl('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql').href, 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql');
  assert.equal(realtimeUrl('http://127.0.0.1:4000/graphql').href, 'ws://127.0.0.1:4000/graphql/realtime');
  assert.equal(realtimeUrl('https://api.example.com/graphql/').href, 'wss://api.example.com/graphql/realtime');
});

test('auth header objects carry the GraphQL host', () => {
  const at = new Date('2024-05-01T10:00:00.123Z');
  assert.equal(amzDate(at), '20240501T100000Z');
  assert.deepEqual(apiKeyAuthHeaders('https://h.example:8443/graphql', 'da2-key', at), {
    host: 'h.example:8443',
    'x-amz-date': '20240501T100000Z',
    'x-api-key': 'da2-key',
  });
  assert.deepEqual(jwtAuthHeaders('http://127.0.0.1:9/graphql', 'eyJ'), { Authorization: 'eyJ', host: '127.0.0.1:9' });
});

test('both carriers decode back to the header object', () => {
  const headers = { Authorization: 'a.b.c?>>', host: 'x' };
  const [proto, header] = authSubprotocols(headers);
  assert.equal(proto, 'graphql-ws');
  assert.match(header, /^header-[A-Za-z0-9_-]+$/, 'base64url without padding');
  assert.deepEqual(JSON.parse(Buffer.from(header.slice(7), 'base64url').toString()), headers);
  const url = withAuthQuery(new URL('ws://h/graphql/realtime'), headers);
  assert.equal(url.searchParams.get('payload'), 'e30=');
  assert.deepEqual(JSON.parse(Buffer.from(url.searchParams.get('header')!, 'base64').toString()), headers);
});

test('start frames carry the request as JSON text and the authorization extension', () => {
  const frame = startFrame('id1', { query: 'subscription operation{ onCreatePost{ id } }', variables: {} }, { host: 'h' });
  assert.deepEqual(frame, {
    id: 'id1',
    type: 'start',
    // DataStore's subscription user agent rides in each start's authorization, after the auth headers.
    payload: {
      data: '{"query":"subscription operation {\\n  onCreatePost {\\n    id\\n  }\\n}\\n","variables":{}}',
      extensions: { authorization: { host: 'h', 'x-amz-user-agent': SUBSCRIPTION_USER_AGENT } },
    },
  });
  assert.match(SUBSCRIPTION_USER_AGENT, /^aws-amplify\/\d+\.\d+\.\d+ datastore\/1 framework\/100 outpost\/1$/);
  assert.deepEqual(clientFrames.connectionInit(), { type: 'connection_init' });
});

test('server frames parse, including object-shaped errors and the simulator ack', () => {
  assert.deepEqual(parseServerFrame('{"type":"connection_ack","payload":{"connectionTimeoutMs":1000}}'), { type: 'connection_ack', connectionTimeoutMs: 1000 });
  assert.deepEqual(parseServerFrame('{"type":"connection_ack","payload":{"connectionTimeout":2000}}'), { type: 'connection_ack', connectionTimeoutMs: 2000 });
  assert.deepEqual(parseServerFrame('{"type":"connection_ack"}'), { type: 'connection_ack', connectionTimeoutMs: 300000 });
  assert.deepEqual(parseServerFrame('{"type":"data","id":"s","payload":{"data":{"onCreatePost":{"id":"1"}}}}'), {
    type: 'data',
    id: 's',
    data: { onCreatePost: { id: '1' } },
    errors: [],
  });
  assert.deepEqual(parseServerFrame('{"type":"error","id":"s","payload":{"errors":{"errorType":"MaxSubscriptionsReachedError","message":"Max"}}}'), {
    type: 'error',
    id: 's',
    errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max', errorCode: null }],
  });
  assert.equal(parseServerFrame('not json').type, 'unknown');
  assert.equal(parseServerFrame('{"type":"start_ack"}').type, 'unknown', 'start_ack without id');
});

test('connection errors: 4xx/unauthorized are final; auth errors trigger re-authentication', () => {
  assert.equal(isNonRetryableConnectionError([{ errorType: 'UnauthorizedException', message: 'x', errorCode: 401 }]), true);
  assert.equal(isNonRetryableConnectionError([{ errorType: 'InternalFailure', message: 'x', errorCode: 500 }]), false);
  assert.equal(isAuthError([{ errorType: null, message: 'Token expired at 12:00', errorCode: null }]), true);
  assert.equal(isAuthError([{ errorType: 'LimitExceededError', message: 'Rate', errorCode: null }]), false);
});

test('keep-alive: alive, pending after 65 s silence, timeout at connectionTimeoutMs', () => {
  assert.equal(keepAliveState(0, 64_999, 300_000), 'alive');
  assert.equal(keepAliveState(0, 65_000, 300_000), 'pending');
  assert.equal(keepAliveState(0, 300_000, 300_000), 'timeout');
  assert.equal(keepAliveState(0, 1_000, 1_000), 'timeout');
});
