import { defineConfig } from 'tsup';

// Node-only SDK: one build, ESM + CJS, each with its own declarations (.d.ts / .d.cts).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  outDir: 'dist',
  platform: 'node',
  target: 'node20',
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
});
