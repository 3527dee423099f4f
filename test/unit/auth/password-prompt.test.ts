import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { promptNewPassword, type PromptInput } from '../../../server/auth/password-prompt.js';

function terminal(keystrokes: string[]): { input: PromptInput; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (mode: boolean) => {
      rawModes.push(mode);
      // Type the next line once the prompt switches the terminal to raw mode.
      if (mode) setImmediate(() => input.write(keystrokes.shift() ?? ''));
    },
  });
  return { input, rawModes };
}

function output(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

test('on a terminal the password is typed twice without echo, with backspace', async () => {
  const { input, rawModes } = terminal(['secret-pasX\u007fs\r', 'secret-pass\r']);
  const out = output();
  assert.equal(await promptNewPassword(input, out.stream), 'secret-pass');
  assert.equal(out.text(), 'Password: \nRepeat password: \n');
  assert.deepEqual(rawModes, [true, false, true, false]);
});

test('on a terminal, two different entries are refused', async () => {
  const { input } = terminal(['secret-pass\r', 'secret-pasS\r']);
  await assert.rejects(promptNewPassword(input, output().stream), /do not match/);
});

test('Ctrl-C cancels', async () => {
  const { input, rawModes } = terminal(['secr\u0003']);
  await assert.rejects(promptNewPassword(input, output().stream), /cancelled/);
  assert.deepEqual(rawModes, [true, false], 'the terminal is restored');
});

test('piped input gives its first line; none is an error', async () => {
  const piped = new PassThrough();
  piped.end('first line pw\nsecond\n');
  assert.equal(await promptNewPassword(piped, output().stream), 'first line pw');
  const empty = new PassThrough();
  empty.end('');
  await assert.rejects(promptNewPassword(empty, output().stream), /no password given/);
});
