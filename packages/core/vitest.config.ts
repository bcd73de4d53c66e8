import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

// `*.test.ts` run in Node; `*.browser.test.ts` only in Chromium; `*.universal.test.ts` in both, so
// that the commitment vectors are checked against both hashing engines.
const launchOptions = chromiumLaunchOptions();

const nodeProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
  },
};

const browserProject: TestProjectInlineConfiguration = {
  extends: true,
  // Pre-bundled up front so Vite does not discover them mid-run and reload the page.
  optimizeDeps: { include: ['@noble/hashes/sha256', 'hash-wasm', 'ky', 'zod'] },
  test: {
    name: 'browser',
    include: ['src/**/*.browser.test.ts', 'src/**/*.universal.test.ts'],
    // A loopback fake of the presigned object store for the XHR upload tests (CORS enabled).
    globalSetup: ['./src/upload/test-fixtures/browser-store.global-setup.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
};

export default defineConfig({
  test: {
    projects: launchOptions.executablePath ? [nodeProject, browserProject] : [nodeProject],
  },
});
