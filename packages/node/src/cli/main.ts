// Entry point of the `ats` executable (dist/cli.js).
import { runCli } from './program';

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Sockets and timers of an interrupted run must not keep the process alive; an unref'd timer
    // only fires if something else still holds the event loop.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
