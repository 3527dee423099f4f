// The generated model types: the committed file matches the schema, and generated code type-checks
// and types save() per model (wrong enum members and missing required fields are compile errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { generateModelTypes } from '../../../common/schema/codegen.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { expectedModelTypes } from '../../../scripts/codegen.js';
import { BLOG_SDL } from './blog-schema.js';

const root = new URL('../../../', import.meta.url);

test('common/generated/models.ts is up to date with schema/schema.graphql (run `npm run codegen` if this fails)', () => {
  const committed = readFileSync(new URL('common/generated/models.ts', root), 'utf8');
  assert.equal(committed, expectedModelTypes());
});

test('the generated file carries the schema version', () => {
  const schema = parseSchema(readFileSync(new URL('schema/schema.graphql', root), 'utf8'));
  assert.ok(expectedModelTypes().includes(`export const SCHEMA_VERSION = '${schema.version}';`));
});

test('a schema change makes the generated output differ', () => {
  const sdl = readFileSync(new URL('schema/schema.graphql', root), 'utf8');
  const before = generateModelTypes(parseSchema(sdl));
  const after = generateModelTypes(parseSchema(sdl.replace('notes: String', 'notes: String\n  weather: String')));
  assert.notEqual(after, before);
  assert.ok(after.includes('  weather?: string | null;'));
});

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  types: [],
  lib: ['lib.es2023.d.ts'],
};
// The standard library is parsed once and shared by every check (parsing it dominates the run time).
const host = ts.createCompilerHost(compilerOptions);
const libCache = new Map<string, ts.SourceFile | undefined>();
const readSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, language, onError, shouldCreate) => {
  if (!fileName.includes('/typescript/lib/')) return readSourceFile(fileName, language, onError, shouldCreate);
  if (!libCache.has(fileName)) libCache.set(fileName, readSourceFile(fileName, language, onError, shouldCreate));
  return libCache.get(fileName);
};

/** Type-checks `source` with strict settings; returns the diagnostics as text lines. */
function typeCheck(source: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-codegen-'));
  try {
    const file = join(dir, 'models.ts');
    writeFileSync(file, source);
    const program = ts.createProgram([file], compilerOptions, host);
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${where ? `${where.line + 1}:${where.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const usage = `
declare function save<M extends ModelName>(model: M, record: ModelInputTypes[M]): ModelTypes[M];
`;

test('generated example types compile and type save() per model', () => {
  const source =
    expectedModelTypes() +
    usage +
    `
const site = save('Site', { name: 'North pier', location: { latitude: 1, longitude: 2 }, tags: ['a', null] });
const id: string = site.id;
const version: number | undefined = site._version;
save('Inspection', { siteID: id, title: 't', status: 'DRAFT', score: 3 });
const statuses: readonly InspectionStatus[] = InspectionStatusValues;
const names: readonly ModelName[] = MODEL_NAMES;
export { version, statuses, names };
// @ts-expect-error not a member of InspectionStatus
save('Inspection', { siteID: id, title: 't', status: 'NOPE' });
// @ts-expect-error title is required
save('Inspection', { siteID: id, status: 'DRAFT' });
// @ts-expect-error createdAt is set by the server
save('Site', { name: 'x', createdAt: '2026-01-01T00:00:00Z' });
// @ts-expect-error relation fields are not record fields
save('Inspection', { siteID: id, title: 't', status: 'DRAFT', site });
// @ts-expect-error unknown model
save('Place', {});
`;
  assert.deepEqual(typeCheck(source), []);
});

test('generated types for another schema (custom keys, enum lists, AWSJSON) compile', () => {
  const source =
    generateModelTypes(parseSchema(BLOG_SDL), 'blog.graphql') +
    usage +
    `
save('Blog', { slug: 'b', title: 'T', settings: { languages: ['en'] } });
save('Post', { blogSlug: 'b', title: 'x', status: 'PUBLISHED', topics: ['NEWS'], metadata: '{}' });
save('Comment', { postID: 'p', number: 1, body: 'hi' });
// @ts-expect-error a custom primary key is required
save('Blog', { title: 'T' });
// @ts-expect-error topics items may not be null
save('Post', { blogSlug: 'b', title: 'x', status: 'DRAFT', topics: [null] });
`;
  assert.deepEqual(typeCheck(source), []);
  // And the type-checker really reports errors: a bad line without @ts-expect-error fails.
  assert.equal(typeCheck(source + "\nsave('Blog', { title: 'T' });\n").length, 1);
});
