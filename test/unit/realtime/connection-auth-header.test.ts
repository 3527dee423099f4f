// Reading the connection auth header from both carriers amplify-js uses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { connectionAuthHeaders, selectSubprotocol, startAuthHeaders } from '../../../server/realtime/connection-auth-header.js';

const request = (url: string, protocol?: string) =>
  ({ url, headers: protocol === undefined ? {} : { 'sec-websocket-protocol': protocol } }) as unknown as IncomingMessage;

// A header whose standard base64 contains '+' and '/', to exercise the unencoded query form.
const header = { Authorization: 'eyJ>>>???~~~', host: 'api.example.com' };
const json = JSON.stringify(header);

describe('connection auth header', () => {
  it('reads the header- subprotocol (base64url, no padding) with names lower-cased', () => {
    const encoded = Buffer.from(json).toString('base64url');
    assert.deepEqual(connectionAuthHeaders(request('/graphql/realtime', `graphql-ws, header-${encoded}`)), {
      authorization: header.Authorization,
      host: header.host,
    });
  });

  it('reads the legacy header query parameter even when its + arrived as a space', () => {
    const encoded = Buffer.from(json).toString('base64');
    assert.ok(encoded.includes('+') || encoded.includes('/'));
    const raw = `/graphql/realtime?header=${encoded}&payload=e30=`;
    assert.deepEqual(connectionAuthHeaders(request(raw))?.authorization, header.Authorization);
    const mangled = `/graphql/realtime?header=${encoded.replaceAll('+', '%20')}&payload=e30=`;
    assert.deepEqual(connectionAuthHeaders(request(mangled))?.authorization, header.Authorization);
  });

  it('prefers the subprotocol, returns null without either, and names a bad carrier', () => {
    const sub = Buffer.from(JSON.stringify({ 'x-api-key': 'k1' })).toString('base64url');
    const query = Buffer.from(JSON.stringify({ 'x-api-key': 'k2' })).toString('base64');
    assert.equal(connectionAuthHeaders(request(`/r?header=${query}`, `graphql-ws,header-${sub}`))?.['x-api-key'], 'k1');
    assert.equal(connectionAuthHeaders(request('/r', 'graphql-ws')), null);
    assert.throws(() => connectionAuthHeaders(request('/r?header=!!!')), /header query parameter is not base64/);
    assert.throws(() => connectionAuthHeaders(request(`/r?header=${Buffer.from('[1]').toString('base64')}`)), /must be a JSON object/);
    assert.throws(() => connectionAuthHeaders(request('/r', `graphql-ws, header-${'A'.repeat(20_000)}`)), /longer than/);
  });

  it('selects graphql-ws only when offered', () => {
    assert.equal(selectSubprotocol(new Set(['graphql-ws', 'header-abc'])), 'graphql-ws');
    assert.equal(selectSubprotocol(new Set(['graphql-transport-ws'])), false);
  });

  it('reads a start’s extensions.authorization, keeping only scalar values', () => {
    assert.deepEqual(startAuthHeaders({ Authorization: 't', 'X-Amz-Date': 20240501, nested: { a: 1 } }), {
      authorization: 't',
      'x-amz-date': '20240501',
    });
    assert.equal(startAuthHeaders(undefined), null);
    assert.throws(() => startAuthHeaders('token'), /must be a JSON object/);
  });
});
