// The sandbox for the SDK benchmarks, from the BUILT @ats-kit/sandbox, in its own process so that
// its memory is not counted as the SDK's. Options come as JSON in ATS_BENCH_SANDBOX; once it
// listens it prints one JSON line `{ url, apiKey, pid }` (a seeded organization with plenty of
// credits and room for 64 confirms in flight). Runs until SIGTERM.
import { startSandbox } from '@ats-kit/sandbox';

const options = JSON.parse(process.env.ATS_BENCH_SANDBOX ?? '{}');
const sandbox = await startSandbox({ memory: true, port: 0, ...options });
const demo = await sandbox.admin.seedDemo({ credits: { testnet: 1_000_000, mainnet: 1_000_000 } });
await sandbox.admin.updateSettings({ confirm_concurrency: 64 });
process.stdout.write(
  `${JSON.stringify({ url: sandbox.url, apiKey: demo.apiKey, pid: process.pid })}\n`,
);
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
