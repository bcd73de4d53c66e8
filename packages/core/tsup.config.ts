import { defineConfig } from 'tsup';

// Two builds of one source: the `#sha256` subpath import resolves to node:crypto for the `node`
// platform and to WebAssembly / pure JS for browsers, through the conditions in package.json.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/node',
    platform: 'node',
    target: 'node20',
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    // ky ships ESM only: bundled, so that `require('@ats-kit/core')` works too.
    noExternal: ['ky'],
  },
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/browser',
    platform: 'browser',
    target: 'es2022',
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    noExternal: ['@noble/hashes', 'ky'],
  },
]);
