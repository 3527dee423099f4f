// Reads a password for the CLI without putting it on the command line (where `ps` and shell
// history would see it): hidden typing on a terminal, or the first line of piped input.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ValidationError } from '../../common/errors.js';

/** Standard input as the prompt needs it: a terminal offers `isTTY` and `setRawMode`. */
export type PromptInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

function readHidden(input: PromptInput, output: Writable, prompt: string): Promise<string> {
  output.write(prompt);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();
  let value = '';
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new ValidationError('password entry cancelled', 'password'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

async function readFirstLine(input: Readable): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/**
 * Reads a new password: on a terminal, typed twice without echo (must match); otherwise the first
 * line of `input`. Throws ValidationError (path `password`) when none is given or they differ.
 */
export async function promptNewPassword(input: PromptInput, output: Writable): Promise<string> {
  if (input.isTTY && input.setRawMode) {
    const first = await readHidden(input, output, 'Password: ');
    const second = await readHidden(input, output, 'Repeat password: ');
    if (first !== second) throw new ValidationError('the two passwords do not match', 'password');
    return first;
  }
  const line = await readFirstLine(input);
  if (line === undefined || line === '') {
    throw new ValidationError('no password given: pass --password or pipe the password on standard input', 'password');
  }
  return line;
}
