// Client and server share one frame vocabulary (common/realtime/realtime-frames.ts): what one side
// builds, the other side's parser reads back as the same frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFrames, parseClientFrame, parseServerFrame, serverFrames } from '../../../common/realtime/realtime-frames.js';

test('every client frame reads back on the server', () => {
  assert.deepEqual(parseClientFrame(JSON.stringify(clientFrames.connectionInit())), { type: 'connection_init' });
  const start = clientFrames.start('s-1', '{"query":"subscription { x }","variables":{}}', { host: 'h', 'x-api-key': 'k' });
  assert.deepEqual(parseClientFrame(JSON.stringify(start)), { type: 'start', id: 's-1', payload: start.payload });
  assert.deepEqual(parseClientFrame(JSON.stringify(clientFrames.stop('s-1'))), { type: 'stop', id: 's-1' });
});

test('every server frame reads back on the client', () => {
  const text = (frame: object): string => JSON.stringify(frame);
  assert.deepEqual(parseServerFrame(text(serverFrames.connectionAck(1_000))), { type: 'connection_ack', connectionTimeoutMs: 1_000 });
  assert.deepEqual(parseServerFrame(text(serverFrames.keepAlive())), { type: 'ka' });
  assert.deepEqual(parseServerFrame(text(serverFrames.startAck('s'))), { type: 'start_ack', id: 's' });
  assert.deepEqual(parseServerFrame(text(serverFrames.data('s', { onCreateNote: { id: '1' } }))), {
    type: 'data',
    id: 's',
    data: { onCreateNote: { id: '1' } },
    errors: [],
  });
  assert.deepEqual(parseServerFrame(text(serverFrames.error('s', [{ errorType: 'Unauthorized', message: 'no' }]))), {
    type: 'error',
    id: 's',
    errors: [{ errorType: 'Unauthorized', message: 'no', errorCode: null }],
  });
  assert.deepEqual(parseServerFrame(text(serverFrames.error(undefined, [{ errorType: 'BadRequestException', message: 'bad' }]))), {
    type: 'error',
    id: null,
    errors: [{ errorType: 'BadRequestException', message: 'bad', errorCode: null }],
  });
  assert.deepEqual(parseServerFrame(text(serverFrames.complete('s'))), { type: 'complete', id: 's' });
  assert.deepEqual(parseServerFrame(text(serverFrames.connectionError([{ errorType: 'UnauthorizedException', errorCode: 401, message: 'x' }]))), {
    type: 'connection_error',
    errors: [{ errorType: 'UnauthorizedException', message: 'x', errorCode: 401 }],
  });
});
