// The API-key ping at sign-in only asks whether the server takes the key: a backend that refuses
// the probe query itself (unknown operation, introspection off) but not the key still signs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiKeyPingVerdict } from '../../../main/auth/token-client.js';

test('apiKeyPingVerdict: refused only when the key is, whatever the backend thinks of the probe query', () => {
  const rows: Array<{ name: string; status: number; body: string; kind: string }> = [
    { name: 'Outpost answers the ping', status: 200, body: '{"data":{"__typename":"Query"}}', kind: 'accepted' },
    {
      name: 'AppSync refuses the key',
      status: 401,
      body: '{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}',
      kind: 'refused',
    },
    { name: 'forbidden', status: 403, body: 'Forbidden', kind: 'refused' },
    {
      name: 'HTTP 200 with an Unauthorized error',
      status: 200,
      body: '{"data":null,"errors":[{"errorType":"Unauthorized","message":"Not Authorized to access __typename"}]}',
      kind: 'refused',
    },
    {
      name: 'the backend refuses unknown operations (200 + validation error)',
      status: 200,
      body: '{"data":null,"errors":[{"errorType":"ValidationError","message":"Operation OutpostPing is not allowed"}]}',
      kind: 'accepted',
    },
    {
      name: 'the backend refuses the document with HTTP 400',
      status: 400,
      body: '{"errors":[{"errorType":"MalformedHttpRequestException","message":"unknown operation"}]}',
      kind: 'accepted',
    },
    { name: 'persisted queries only', status: 400, body: 'PersistedQueryNotFound', kind: 'accepted' },
    { name: 'no GraphQL endpoint at that address', status: 404, body: 'Not Found', kind: 'noEndpoint' },
    { name: 'the server is failing', status: 503, body: '{"message":"Service Unavailable"}', kind: 'serverError' },
  ];
  for (const row of rows) assert.equal(apiKeyPingVerdict(row.status, row.body).kind, row.kind, row.name);
  const refused = apiKeyPingVerdict(401, '{"errors":[{"message":"You are not authorized to make this call."}]}');
  assert.deepEqual(refused, { kind: 'refused', message: 'You are not authorized to make this call.' });
});
