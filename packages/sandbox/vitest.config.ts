import { defineConfig } from 'vitest/config';

// Black-box tests talk real HTTP to a sandbox on a loopback port; unit tests sit next to the code.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
