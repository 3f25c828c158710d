import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const bokehDir = join(dirname(require.resolve('@bokeh/bokehjs/package.json')), 'build', 'js');

/**
 * BokehJS goes in as its own standalone scripts (vendor/), as Bokeh documents for plain pages:
 * bundling its ES modules left plots unsized. They load from this origin, so the CSP stays 'self'.
 */
function bokehStandalone(): Plugin {
  return {
    name: 'bokeh-standalone',
    generateBundle() {
      for (const file of ['bokeh.min.js', 'bokeh-api.min.js']) {
        this.emitFile({
          type: 'asset',
          fileName: `vendor/${file}`,
          source: readFileSync(join(bokehDir, file)),
        });
      }
    },
  };
}

// The dashboard: built into dist/renderer, served by `c360 serve` and loaded by the Electron window.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), bokehStandalone()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
});
