// Builds the renderer (React) into dist/renderer with relative asset URLs, so the same files load
// from app://outpost/ in Electron and from a local HTTP server in the browser tests.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // Inline module-preload polyfill would need 'unsafe-inline' under our CSP.
    modulePreload: { polyfill: false },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
