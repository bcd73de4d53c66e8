import { defineConfig } from 'tsup';

// Node-only SDK: the library (ESM + CJS, each with its own declarations .d.ts / .d.cts) and the
// `ats` executable (ESM only: it is run, never imported).
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist',
    platform: 'node',
    target: 'node20',
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    outDir: 'dist',
    platform: 'node',
    target: 'node20',
    format: ['esm'],
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
