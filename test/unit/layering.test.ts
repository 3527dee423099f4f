// Keeps each process's code where it can run: common/ loads in every process (the renderer has no
// Node), renderer/ talks to main only through the preload API, preload/ carries no main or server code.
// Every import form counts: static, `import type`, `export … from`, dynamic `import()`, `require()`,
// `import x = require()` and `typeof import()` types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const LAYERS = ['common', 'main', 'preload', 'renderer', 'server'] as const;
type Layer = (typeof LAYERS)[number];

interface ImportRef {
  readonly specifier: string;
  readonly line: number;
}

/** Every module specifier `source` imports, with its 1-based line. */
function importsOf(fileName: string, source: string): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: ImportRef[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) {
      found.push({ specifier: node.text, line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
const NODE_ONLY_PACKAGES = ['electron', 'better-sqlite3', 'keytar', 'ws', 'pg'];

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(packageName(specifier));
}

/** The layer a relative import from `fromFile` lands in, or undefined for packages and other folders. */
function targetLayer(fromFile: string, specifier: string): Layer | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(root, resolve(dirname(fromFile), specifier)).split(sep)[0];
  return LAYERS.find((layer) => layer === target);
}

/** Why `specifier`, imported by `file` in `layer`, breaks the layering; undefined when it is fine. */
function violation(layer: Layer, file: string, specifier: string): string | undefined {
  const into = targetLayer(file, specifier);
  const pkg = packageName(specifier);
  if (layer === 'common') {
    if (isNodeBuiltin(specifier)) return 'common/ may not import Node built-ins';
    if (NODE_ONLY_PACKAGES.includes(pkg)) return `common/ may not import ${pkg}`;
    if (into !== undefined && into !== 'common') return `common/ may not import from ${into}/`;
  }
  if (layer === 'renderer') {
    if (into === 'main' || into === 'server') return `renderer/ may not import from ${into}/`;
    if (isNodeBuiltin(specifier)) return 'renderer/ may not import Node built-ins';
    if (pkg === 'electron') return 'renderer/ may not import electron (use the preload API)';
  }
  if (layer === 'preload' && (into === 'main' || into === 'server')) return `preload/ may not import from ${into}/`;
  return undefined;
}

// Build-tool configuration (renderer/vite.config.ts) runs in Node at build time, not in the layer's process.
function isBuildConfig(file: string): boolean {
  return /\.config\.(ts|mts|cts)$/.test(file);
}

/** Layering violations of one file, as `path:line: specifier — reason`. */
function checkFile(layer: Layer, file: string, source: string): string[] {
  if (isBuildConfig(file)) return [];
  return importsOf(file, source).flatMap(({ specifier, line }) => {
    const reason = violation(layer, file, specifier);
    return reason === undefined ? [] : [`${relative(root, file)}:${line}: '${specifier}' — ${reason}`];
  });
}

function sourceFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [path] : [];
  });
}

test('scanner self-check: each import form in each layer is caught, allowed imports are not', () => {
  const inLayer = (layer: Layer): string => join(root, layer, 'sub', 'file.ts');
  const bad = `
import { readFileSync } from 'node:fs';
import type { BrowserWindow } from 'electron';
export { join } from 'path';
export * from 'fs/promises';
const sqlite = await import('better-sqlite3');
const keytar = require('keytar');
import pg = require('pg');
type Ws = typeof import('ws');
import { store } from '../../main/datastore/store.js';
import type { Server } from '../../server/http.js';
`;
  const commonHits = checkFile('common', inLayer('common'), bad);
  assert.deepEqual(
    commonHits.map((h) => h.replace(/^[^:]+:/, '')),
    [
      "2: 'node:fs' — common/ may not import Node built-ins",
      "3: 'electron' — common/ may not import electron",
      "4: 'path' — common/ may not import Node built-ins",
      "5: 'fs/promises' — common/ may not import Node built-ins",
      "6: 'better-sqlite3' — common/ may not import better-sqlite3",
      "7: 'keytar' — common/ may not import keytar",
      "8: 'pg' — common/ may not import pg",
      "9: 'ws' — common/ may not import ws",
      "10: '../../main/datastore/store.js' — common/ may not import from main/",
      "11: '../../server/http.js' — common/ may not import from server/",
    ],
  );
  assert.deepEqual(
    checkFile('renderer', inLayer('renderer'), bad).map((h) => h.replace(/^[^:]+:/, '')),
    [
      "2: 'node:fs' — renderer/ may not import Node built-ins",
      "3: 'electron' — renderer/ may not import electron (use the preload API)",
      "4: 'path' — renderer/ may not import Node built-ins",
      "5: 'fs/promises' — renderer/ may not import Node built-ins",
      "10: '../../main/datastore/store.js' — renderer/ may not import from main/",
      "11: '../../server/http.js' — renderer/ may not import from server/",
    ],
  );
  assert.deepEqual(
    checkFile('preload', inLayer('preload'), bad).map((h) => h.replace(/^[^:]+:/, '')),
    ["10: '../../main/datastore/store.js' — preload/ may not import from main/", "11: '../../server/http.js' — preload/ may not import from server/"],
  );
  const fine = `
import { parse } from 'graphql';
import type { Kysely } from 'kysely';
import type { Schema } from '../../common/schema/types.js';
import { z } from 'zod';
const lazy = () => import('../../common/predicates/types.js');
const text = "import x from 'node:fs'"; // a string, not an import
`;
  for (const layer of ['common', 'renderer', 'preload'] as const) assert.deepEqual(checkFile(layer, inLayer(layer), fine), []);
  assert.deepEqual(checkFile('renderer', join(root, 'renderer', 'vite.config.ts'), bad), []);
  // main/ and server/ may use Node and native modules.
  assert.deepEqual(
    checkFile('main', inLayer('main'), bad).filter((h) => !h.includes('server/')),
    [],
  );
});

test('no layer imports across its boundary (common, renderer, preload)', () => {
  const problems: string[] = [];
  let scanned = 0;
  for (const layer of ['common', 'renderer', 'preload'] as const) {
    for (const file of sourceFiles(join(root, layer))) {
      scanned++;
      problems.push(...checkFile(layer, file, readFileSync(file, 'utf8')));
    }
  }
  assert.ok(scanned > 0, 'expected source files under common/');
  assert.deepEqual(problems, [], `layering violations:\n${problems.join('\n')}`);
});
