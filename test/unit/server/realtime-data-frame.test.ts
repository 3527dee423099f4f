import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataFrameText, dataPayload, serverFrames } from '../../../common/realtime/realtime-frames.js';

// Deliveries splice one shared payload JSON into each subscription's frame; the bytes must be those
// of serialising the whole frame object.
test('a data frame built from shared payload JSON is the serialised frame, byte for byte', () => {
  const item = { id: 'n-1', text: 'quote " backslash \\ newline \n é 😀', count: 3, tags: ['a'], _deleted: null, _version: 2 };
  const errors = [{ message: 'Cannot return null for non-nullable field Note.text.', path: ['onCreateNote', 'text'] }];
  for (const id of ['1', 'sub "quoted" \\ id', 'ünï-😀']) {
    for (const [data, errs] of [
      [{ onCreateNote: item }, undefined],
      [{ onCreateNote: item }, []],
      [{ onCreateNote: null }, errors],
    ] as const) {
      const shared = JSON.stringify(dataPayload(data, errs));
      assert.equal(dataFrameText(id, shared), JSON.stringify(serverFrames.data(id, data, errs)));
      assert.deepEqual(JSON.parse(dataFrameText(id, shared)), serverFrames.data(id, data, errs));
    }
  }
});
