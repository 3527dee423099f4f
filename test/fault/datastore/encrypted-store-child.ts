// Child process for the encrypted-store fault tests; the parent SIGKILLs it. Usage:
//   encrypted-store-child.ts migrate <file> <keyHex> <step|open>
//     step: encryptPlainStore, printing each step; at <step> it prints `at <step>` and waits to be killed.
//     open: prints `start`, then openDatastore({ key }) (which encrypts the plain file), then `opened <ms>`.
//   encrypted-store-child.ts save <file> <keyHex> <FULL|NORMAL> <max>
//     saves Sites in a loop and prints `<id> <index>` only after save() returned.
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { encryptPlainStore } from '../../../main/datastore/store-encryption.js';

const [mode, file, keyHex, ...rest] = process.argv.slice(2);
const key = Buffer.from(keyHex, 'hex');
const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

/** Blocks this process until it is killed (the parent kills it here). */
function waitForKill(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0, 10_000);
}

if (mode === 'migrate') {
  const [stopAt] = rest;
  if (stopAt === 'open') {
    process.stdout.write('start\n');
    const started = performance.now();
    const store = openDatastore({ file, schema, key });
    process.stdout.write(`opened ${(performance.now() - started).toFixed(0)}\n`);
    await store.close();
  } else {
    encryptPlainStore(file, key, {
      onStep: (step) => {
        if (step !== stopAt) return;
        process.stdout.write(`at ${step}\n`);
        waitForKill();
      },
    });
    process.stdout.write('done\n');
  }
} else if (mode === 'save') {
  const [durability, max] = rest;
  const store = openDatastore({ file, schema, key, durability: durability === 'NORMAL' ? 'NORMAL' : 'FULL' });
  process.stdout.write('ready\n');
  for (let i = 0; i < Number(max); i++) {
    const site = await store.save('Site', { name: `site ${i}`, tags: [`t${i}`] });
    if (i % 2 === 1) await store.save('Site', { id: site.id, code: `code ${i}` });
    process.stdout.write(`${String(site.id)} ${i}\n`);
  }
  await store.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
