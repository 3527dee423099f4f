// `npm run build`: the renderer with Vite (dist/renderer), the Electron main process as one ES
// module with its libraries bundled in (dist/main/index.js; only `electron` and the packaged
// runtime dependencies — package.json `dependencies` — are loaded from outside it, and
// dist/main/meta.json lists what it loads), the sandboxed preload as a single CommonJS file
// (dist/preload/index.cjs — sandboxed preloads cannot load other files), the bridges the browser
// tests and the browser fallback load in place of the preload (dist/bridge/; not packaged), and
// the app schema main reads at start-up (dist/schema/schema.graphql).
import { build as esbuild, type Metafile, type Plugin } from 'esbuild';
import { build as vite } from 'vite';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainModule } from './main-module.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run build` writes (tests pass a temporary folder so parallel runs never share one). */
export const DEFAULT_DIST = join(root, 'dist');
/** The esbuild metafile of the main bundle, relative to the dist folder (not packaged). */
export const MAIN_METAFILE = 'main/meta.json';

/** The packages main loads from node_modules at run time: `electron` and package.json `dependencies`. */
export function mainExternals(packageJson: { dependencies?: Record<string, string> }): string[] {
  return ['electron', ...Object.keys(packageJson.dependencies ?? {})];
}

// ws tries `require('bufferutil')` and `require('utf-8-validate')` inside try/catch and falls
// back to JavaScript; neither is installed or shipped, so the bundle gets a module that throws
// and takes that fallback, instead of an import nobody can satisfy.
const OPTIONAL_NATIVE_ADDONS = /^(bufferutil|utf-8-validate)$/;
const absentOptionalAddons: Plugin = {
  name: 'absent-optional-addons',
  setup(build) {
    build.onResolve({ filter: OPTIONAL_NATIVE_ADDONS }, (args) => ({ path: args.path, namespace: 'absent-optional-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'absent-optional-addon' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not shipped with Outpost`)});`,
      loader: 'js',
    }));
  },
};

// CommonJS libraries bundled into an ES module still call `require` for Node built-ins
// (esbuild's shim throws "Dynamic require is not supported" without one), and some read
// __filename/__dirname; ES modules have neither, so the bundle defines them first.
const ESM_REQUIRE_BANNER = [
  "import { createRequire as __outpostCreateRequire } from 'node:module';",
  "import { fileURLToPath as __outpostFileURLToPath } from 'node:url';",
  "import { dirname as __outpostDirname } from 'node:path';",
  'const require = __outpostCreateRequire(import.meta.url);',
  'const __filename = __outpostFileURLToPath(import.meta.url);',
  'const __dirname = __outpostDirname(__filename);',
].join('\n');

async function buildMain(dist: string): Promise<Metafile> {
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const result = await esbuild({
    entryPoints: [join(root, 'main/index.ts')],
    outfile: join(dist, 'main/index.js'),
    // Metafile paths are relative to this folder: `main/index.ts`, `node_modules/ws/...`.
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: mainExternals(packageJson),
    plugins: [absentOptionalAddons],
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(join(dist, MAIN_METAFILE), JSON.stringify(result.metafile));
  return result.metafile;
}

/** Builds everything `npm start` and the e2e tests load; `only` limits it to some parts; `dist` defaults to DEFAULT_DIST. */
export async function buildApp(
  only: ReadonlyArray<'renderer' | 'main' | 'preload' | 'bridge'> = ['renderer', 'main', 'preload', 'bridge'],
  dist: string = DEFAULT_DIST,
): Promise<void> {
  const jobs: Array<Promise<unknown>> = [];
  if (only.includes('main')) {
    // The packaged app ships dist/ only; main reads the schema from beside itself.
    mkdirSync(join(dist, 'schema'), { recursive: true });
    copyFileSync(join(root, 'schema/schema.graphql'), join(dist, 'schema/schema.graphql'));
    // The optional form hints beside the schema (main reads dist/schema/form-hints.json when it exists).
    if (existsSync(join(root, 'schema/form-hints.json'))) copyFileSync(join(root, 'schema/form-hints.json'), join(dist, 'schema/form-hints.json'));
    jobs.push(buildMain(dist));
  }
  if (only.includes('preload')) {
    jobs.push(
      esbuild({
        entryPoints: [join(root, 'preload/index.ts')],
        outfile: join(dist, 'preload/index.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        external: ['electron'],
        minify: true,
        logLevel: 'warning',
      }),
    );
  }
  if (only.includes('bridge')) {
    jobs.push(
      esbuild({
        entryPoints: [join(root, 'preload/binding-bridge.ts'), join(root, 'preload/websocket-bridge.ts')],
        outdir: join(dist, 'bridge'),
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'chrome120',
        minify: true,
        logLevel: 'warning',
      }),
    );
  }
  await Promise.all(jobs);
  if (only.includes('renderer')) {
    await vite({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn', build: { outDir: join(dist, 'renderer'), emptyOutDir: true } });
  }
}

if (isMainModule(import.meta.url)) {
  const parts = process.argv.slice(2) as Array<'renderer' | 'main' | 'preload' | 'bridge'>;
  await buildApp(parts.length > 0 ? parts : undefined);
  console.log(`built ${parts.length > 0 ? parts.join(', ') : 'renderer, main, preload, bridge'} into dist/`);
}
