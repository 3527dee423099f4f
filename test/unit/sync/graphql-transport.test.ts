// The transport's pure parts: the document text put on the wire (DataStore's, byte for byte) and
// an urql result read into a plain answer with the server's announcement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeResult, createRequest, makeOperation } from '@urql/core';
import { print, parse } from 'graphql';
import { authenticatedFetch, toAnswer } from '../../../main/sync/graphql-transport.js';
import { wireDocument, wireText } from '../../../main/sync/wire-document.js';

test('wireDocument: the printed document with the trailing newline of Amplify’s graphql 15, parsed once per query', () => {
  const query = 'mutation operation($input: CreateNoteInput!){\n  createNote(input: $input){\n    id\n    text\n  }\n}';
  const document = wireDocument(query);
  assert.equal(document.loc?.source.body, 'mutation operation($input: CreateNoteInput!) {\n  createNote(input: $input) {\n    id\n    text\n  }\n}\n');
  assert.equal(document.loc?.source.body, `${print(parse(query))}\n`);
  assert.equal(wireDocument(query), document, 'cached');
  assert.equal(wireText(query), document.loc?.source.body);
});

test('toAnswer reads extensions.outpost into the answer; an answer without it has none', () => {
  const operation = makeOperation('query', createRequest('query { __typename }', {}), { url: 'http://x/graphql', requestPolicy: 'network-only' } as never);
  const announced = toAnswer(
    makeResult(operation, {
      data: { __typename: 'Query' },
      extensions: { outpost: { version: 1, capabilities: ['mutationBatching', 'syncTotals'], maxItemBytes: 500, syncTotals: { syncNotes: 3 } } },
    }),
  );
  assert.equal(announced.networkError, null);
  assert.deepEqual([...(announced.outpost?.capabilities ?? [])], ['mutationBatching', 'syncTotals']);
  assert.equal(announced.outpost?.maxItemBytes, 500);
  assert.deepEqual(announced.outpost?.syncTotals, { syncNotes: 3 });
  const plain = toAnswer(makeResult(operation, { data: { __typename: 'Query' } }));
  assert.equal(plain.outpost, null);
});

test('authenticatedFetch: a stop aborts the wait for a token refresh that never ends (no request is sent)', async () => {
  let sent = 0;
  const fetching = authenticatedFetch(
    { type: 'jwt', tokens: { getToken: () => new Promise<string>(() => undefined), onRefresh: () => () => undefined } },
    {
      fetch: async () => {
        sent += 1;
        return new Response('{}');
      },
    },
  );
  const stop = new AbortController();
  const request = fetching('http://127.0.0.1:9/graphql', { method: 'POST', signal: stop.signal });
  stop.abort(new Error('the worker stopped'));
  await assert.rejects(request, /the worker stopped/);
  assert.equal(sent, 0);
});
