// `npm run codegen [-- --check]`: writes common/generated/models.ts from schema/schema.graphql.
// With --check it writes nothing and exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateModelTypes } from '../common/schema/codegen.js';
import { parseSchema } from '../common/schema/parse-schema.js';
import { isMainModule } from './main-module.js';

const SCHEMA_FILE = 'schema/schema.graphql';
const OUTPUT_FILE = 'common/generated/models.ts';
const root = fileURLToPath(new URL('..', import.meta.url));

/** The generated file's expected content for the schema currently on disk. */
export function expectedModelTypes(): string {
  const schema = parseSchema(readFileSync(join(root, SCHEMA_FILE), 'utf8'), SCHEMA_FILE);
  return generateModelTypes(schema, SCHEMA_FILE);
}

function main(): void {
  const expected = expectedModelTypes();
  let current: string | undefined;
  try {
    current = readFileSync(join(root, OUTPUT_FILE), 'utf8');
  } catch {
    current = undefined;
  }
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      console.error(`${OUTPUT_FILE} is stale: run \`npm run codegen\``);
      process.exitCode = 1;
    }
    return;
  }
  if (current === expected) {
    console.log(`${OUTPUT_FILE} is up to date`);
    return;
  }
  writeFileSync(join(root, OUTPUT_FILE), expected);
  console.log(`wrote ${OUTPUT_FILE}`);
}

if (isMainModule(import.meta.url)) main();
