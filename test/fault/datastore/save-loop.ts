// Child process for kill-durability.test.ts: saves records in a loop and prints each id on its own
// line only after save() returned. Usage: node --import tsx save-loop.ts <file> <FULL|NORMAL> <max>
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openDatastore } from '../../../main/datastore/datastore.js';

const [file, durability, max] = process.argv.slice(2);
const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const store = openDatastore({ file, schema, durability: durability === 'NORMAL' ? 'NORMAL' : 'FULL' });
process.stdout.write('ready\n');
for (let i = 0; i < Number(max); i++) {
  const site = await store.save('Site', { name: `site ${i}`, tags: [`t${i}`] });
  // Every other record is edited right away: exercises the coalescing path (rewrite in place).
  if (i % 2 === 1) await store.save('Site', { id: site.id, code: `code ${i}` });
  process.stdout.write(`${String(site.id)} ${i}\n`);
}
await store.close();
