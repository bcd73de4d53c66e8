// A real sandbox for the end-to-end suites: the built `ats-sandbox` executable in a child process,
// in memory, on a free loopback port, with fast virtual time (finality in milliseconds).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { SandboxAdminClient } from '@ats-kit/sandbox';

const SANDBOX_CLI = join(
  dirname(createRequire(import.meta.url).resolve('@ats-kit/sandbox/package.json')),
  'dist/cli.js',
);

/** Virtual time speed of the suites: 1 s of wall time is 10 s of sandbox time. */
export const TIME_SCALE = 10;
/** Block interval on both networks (virtual ms): a transaction is final ~0.2 s of wall time after confirm. */
export const BLOCK_TIME_MS = 200;

/** A running sandbox process. */
export interface SandboxProcess {
  url: string;
  admin: SandboxAdminClient;
  /** Stops the process (SIGTERM, then SIGKILL if it lingers). */
  stop(): Promise<void>;
}

/**
 * Starts `ats-sandbox --memory --port 0` and resolves once it prints its URL. Its request log is
 * drained (and dropped) so a busy run never blocks on a full pipe.
 */
export async function startSandboxProcess(
  options: { seed?: number } = {},
): Promise<SandboxProcess> {
  if (!existsSync(SANDBOX_CLI)) {
    throw new Error(
      `${SANDBOX_CLI} is missing: build the sandbox first (npx tsup in packages/sandbox)`,
    );
  }
  const child = spawn(
    process.execPath,
    [
      SANDBOX_CLI,
      '--memory',
      '--port',
      '0',
      '--time-scale',
      String(TIME_SCALE),
      '--block-time',
      String(BLOCK_TIME_MS),
      '--seed',
      String(options.seed ?? 7),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) =>
      reject(new Error(`ats-sandbox exited (${code}) before listening:\n${stderr}`)),
    );
    child.once('error', reject);
  });
  return { url, admin: new SandboxAdminClient(url), stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
