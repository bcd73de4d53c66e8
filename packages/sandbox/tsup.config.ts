import { defineConfig } from 'tsup';

// Node-only package: one build. The CLI is ESM only (it is an executable, never imported).
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
    entry: { cli: 'src/cli.ts' },
    outDir: 'dist',
    platform: 'node',
    target: 'node20',
    format: ['esm'],
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
