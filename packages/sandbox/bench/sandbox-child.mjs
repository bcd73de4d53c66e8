// A sandbox from the BUILT package (dist/) in its own process, for the benchmarks: options come as
// JSON in ATS_BENCH_OPTIONS; one JSON line `{ url, pid }` is printed once it listens. Silent logger
// (the default), so that request logs do not skew the numbers. Runs until SIGTERM / SIGKILL.
import { startSandbox } from '../dist/index.js';

const options = JSON.parse(process.env.ATS_BENCH_OPTIONS ?? '{}');
const sandbox = await startSandbox({ port: 0, ...options });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
