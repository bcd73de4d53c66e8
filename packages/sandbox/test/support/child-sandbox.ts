// Runs the sandbox in a child process on a data directory, so that a test can SIGKILL it and start
// it again on the same state. The child entry (child-sandbox-main.ts) is bundled once with tsup
// (package sources included, dependencies left to node_modules), so no build of the package is
// needed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SandboxAdminClient } from '../../src';
import type { ApiAnswer, CallOptions, TestSandbox } from '../helpers';
import type { WireJson } from './spec-harness';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '../..');
// Inside the package, so that the bundle's bare imports resolve from its node_modules.
const outDir = join(packageDir, 'node_modules', '.cache', 'ats-sandbox-spec');
const bundle = join(outDir, 'child-sandbox-main.mjs');
let built: Promise<string> | undefined;

/** Bundles the child entry (once per test process). */
export function buildChildSandbox(): Promise<string> {
  built ??= (async () => {
    mkdirSync(outDir, { recursive: true });
    const { build } = await import('tsup');
    await build({
      entry: { 'child-sandbox-main': join(here, 'child-sandbox-main.ts') },
      outDir,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      outExtension: () => ({ js: '.mjs' }),
      silent: true,
      clean: false,
      dts: false,
      sourcemap: false,
      splitting: false,
      config: false,
      esbuildOptions(options) {
        options.packages = 'external';
      },
    });
    if (!existsSync(bundle)) throw new Error(`child sandbox bundle missing: ${bundle}`);
    return bundle;
  })();
  return built;
}

/** A sandbox in a child process. */
export interface ChildSandbox {
  url: string;
  process: ChildProcess;
  /** Waits for the process to exit. */
  exited: Promise<number | null>;
}

/** Starts the sandbox in a child process on `dataDir` and waits for its URL (bounded). */
export async function startChildSandbox(dataDir: string): Promise<ChildSandbox> {
  const entry = await buildChildSandbox();
  const child = spawn(process.execPath, [entry], {
    cwd: packageDir,
    env: { ...process.env, ATS_SANDBOX_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => resolveExit(code)),
  );
  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timer = setTimeout(
      () => rejectUrl(new Error(`child sandbox did not start: ${stderr}`)),
      15_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveUrl((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`child sandbox exited with ${code}: ${stderr}`));
    });
  });
  return { url, process: child, exited };
}

/** The `TestSandbox` shape for a sandbox at `url` (another process), so the spec helpers work on it. */
export function remoteSandbox(url: string): TestSandbox {
  const admin = new SandboxAdminClient(url);
  const call = async <T = WireJson>(
    method: string,
    path: string,
    opts: CallOptions = {},
  ): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // XML or empty bodies stay text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return {
    sandbox: { url, port: Number(new URL(url).port), admin, close: async () => {} },
    call,
    admin,
  } as TestSandbox;
}
