// `npm run build`: the renderer with Vite (dist/renderer), the Electron main process as one ES
// module (dist/main/index.js, dependencies left to node_modules), the sandboxed preload as a single
// CommonJS file (dist/preload/index.cjs — sandboxed preloads cannot load other files), and the
// bridges the browser tests and the browser fallback load in place of the preload (dist/bridge/),
// and the app schema main reads at start-up (dist/schema/schema.graphql).
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** Where `npm run build` writes (tests pass a temporary folder so parallel runs never share one). */
export const DEFAULT_DIST = join(root, 'dist');

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
    jobs.push(
      esbuild({
        entryPoints: [join(root, 'main/index.ts')],
        outfile: join(dist, 'main/index.js'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        packages: 'external',
        sourcemap: true,
        logLevel: 'warning',
      }),
    );
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

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const parts = process.argv.slice(2) as Array<'renderer' | 'main' | 'preload' | 'bridge'>;
  await buildApp(parts.length > 0 ? parts : undefined);
  console.log(`built ${parts.length > 0 ? parts.join(', ') : 'renderer, main, preload, bridge'} into dist/`);
}
