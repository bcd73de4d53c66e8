import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built executable: these tests run `ats` exactly as users do. */
export const CLI_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

if (!existsSync(CLI_PATH)) {
  throw new Error(`${CLI_PATH} is missing: build the package first (npx tsup in packages/node)`);
}

/** A parsed `--json` document; tests check it field by field with `expect`. */
// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the CLI, narrowed by the assertions.
export type JsonDocument = Record<string, any>;

/** How a run of `ats` ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of a `--json` run. */
  json(): JsonDocument;
}

/**
 * Starts `node dist/cli.js …args` with a clean environment (only PATH plus `env`) and no terminal
 * (stdin, stdout and stderr are pipes, as in a script or CI). `onStderr` sees stderr as it comes.
 */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  onStderr?: (text: string, child: ChildProcess) => void,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    onStderr?.(stderr, child);
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not one JSON document:\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
  });
  return { child, done };
}

/** Runs `ats …args` to the end. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, env).done;
}
