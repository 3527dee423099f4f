// Reading schema/form-hints.json at start-up (main/app/form-hints-file.ts) from real files: none is
// no hints; bad JSON, a wrong shape or a hint that does not fit the schema is one SchemaError naming
// the file and, for the schema checks, the model and the field.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NO_FORM_HINTS } from '../../../common/schema/form-hints.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { loadFormHints } from '../../../main/app/form-hints-file.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'outpost-form-hints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('no file: no hints', () => {
  assert.deepEqual(loadFormHints(join(dir, 'absent.json'), schema), NO_FORM_HINTS);
});

test('the example file loads as written', () => {
  const hints = loadFormHints(join(root, 'schema/form-hints.json'), schema);
  assert.equal(hints.models.Site?.fields?.name?.label, 'Site name');
});

test('each bad file is one SchemaError naming the file and what is wrong', () => {
  const rows: Array<[string, string, RegExp]> = [
    ['not JSON', '{ "models": ', /not-JSON\.json: not valid JSON \(/],
    ['a misspelt key', '{ "models": { "Site": { "fields": { "name": { "lable": "x" } } } } }', /misspelt-key\.json: models\.Site\.fields\.name: .*lable/],
    ['no models', '{}', /no-models\.json: models: /],
    [
      'a field the model lacks',
      '{ "models": { "Site": { "fields": { "colour": {} } } } }',
      /a-field-the-model-lacks\.json: Site\.colour \(fields\): Site has no field colour/,
    ],
    [
      'min above max and a wrong default together',
      '{ "models": { "Inspection": { "fields": { "score": { "min": 5, "max": 1 }, "status": { "default": { "value": "OPEN" } } } } } }',
      /together\.json: Inspection\.score: min 5 is above max 1; Inspection\.status: the default "OPEN" is not one of InspectionStatus/,
    ],
  ];
  for (const [name, text, message] of rows) {
    const file = write(`${name.replace(/ /g, '-')}.json`, text);
    assert.throws(
      () => loadFormHints(file, schema),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SchemaError', name);
        assert.ok(error.message.startsWith(file), `${name}: names the file: ${error.message}`);
        assert.match(error.message, message, name);
        return true;
      },
    );
  }
});
