import { defineConfig } from 'vitest/config';

// Server-side SDK: every test runs in Node (real loopback HTTP servers, node:crypto).
export default defineConfig({
  test: {
    name: 'node',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
