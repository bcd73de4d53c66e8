// Public surface of @ats-kit/sandbox.
export {
  type DemoFixtures,
  SandboxAdminClient,
  type SeedDemoOptions,
} from './admin-client';
export { DEMO_API_KEY, DEMO_SECRET_KEY, DEMO_SITE_KEY } from './demo/demo-fixtures';
export { consoleLogger, type SandboxLogger, silentLogger } from './logging/logger';
export { type RunningSandbox, type StartSandboxOptions, startSandbox } from './start';
