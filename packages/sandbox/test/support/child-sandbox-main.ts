// Entry of a sandbox run in a child process (crash-recovery tests): starts on the data directory
// given in ATS_SANDBOX_DATA_DIR, on a free loopback port, clock paused, and prints one JSON line
// `{ "url": … }` once it listens. It runs until killed.
import { startSandbox } from '../../src';

const dataDir = process.env.ATS_SANDBOX_DATA_DIR;
if (!dataDir) {
  process.stderr.write('ATS_SANDBOX_DATA_DIR is required\n');
  process.exit(2);
}
const sandbox = await startSandbox({ dataDir, port: 0, paused: true });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
